#include "harness/cluster.hpp"

#include <sys/file.h>
#include <fcntl.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iostream>

#include "common/random.hpp"
#include "db/connection.hpp"
#include "db/embedded_postgres.hpp"
#include "harness/net.hpp"

namespace fs = std::filesystem;

namespace dh::test {
namespace {

const std::string kBase = DH_TEST_CLUSTER_DIR;

std::string port_file() { return kBase + "/port"; }

db::EmbeddedPostgres::Options options(int port) {
    db::EmbeddedPostgres::Options o;
    o.base_dir = kBase;
    o.database = "postgres";
    o.tcp_port = port;
    o.stop_on_destroy = false;
    // Throwaway data: trade durability for speed.
    o.extra_options = "-c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=400";
    return o;
}

/// Starts the cluster unless it runs; serialised by a lock file so parallel tests agree on one.
int ensure_cluster() {
    fs::create_directories("/tmp");
    int fd = ::open((kBase + ".lock").c_str(), O_RDWR | O_CREAT, 0600);
    flock(fd, LOCK_EX);
    int port = 0;
    {
        std::ifstream in(port_file());
        in >> port;
    }
    bool up = false;
    if (port > 0) {
        try {
            db::Connection probe(db::EmbeddedPostgres(options(port)).conninfo("postgres"));
            up = true;
        } catch (...) {
        }
    }
    if (!up) {
        port = free_port();
        db::EmbeddedPostgres pg(options(port));
        pg.start();
        std::ofstream(port_file()) << port;
    }
    flock(fd, LOCK_UN);
    ::close(fd);
    return port;
}

}  // namespace

std::string cluster_conninfo(const std::string& database) {
    static int port = ensure_cluster();
    return db::EmbeddedPostgres(options(port)).conninfo(database);
}

TestDatabase::TestDatabase(const std::string& prefix) : name_(prefix + "_" + random::hex(6)) {
    db::Connection admin(cluster_conninfo());
    admin.exec_script("CREATE DATABASE \"" + name_ + "\"");
}

TestDatabase::~TestDatabase() {
    try {
        db::Connection admin(cluster_conninfo());
        admin.exec_script("DROP DATABASE IF EXISTS \"" + name_ + "\" WITH (FORCE)");
    } catch (...) {
    }
}

std::string TestDatabase::url() const {
    int port = 0;
    std::ifstream(port_file()) >> port;
    return "postgresql://postgres@127.0.0.1:" + std::to_string(port) + "/" + name_;
}

int cluster_main(const std::string& command) {
    if (command == "--cluster-start") {
        int port = ensure_cluster();
        std::cout << "test cluster on port " << port << "\n";
        return 0;
    }
    if (command == "--cluster-stop") {
        int port = 0;
        std::ifstream(port_file()) >> port;
        if (port == 0) return 0;
        db::EmbeddedPostgres::Options o = options(port);
        o.stop_on_destroy = true;
        db::EmbeddedPostgres pg(o);
        try {
            pg.start();  // adopts the running cluster, so that stop() may stop it
        } catch (...) {
        }
        return 0;
    }
    return 2;
}

}  // namespace dh::test
