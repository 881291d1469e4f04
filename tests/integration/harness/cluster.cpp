#include "harness/cluster.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <stdexcept>

#include "common/digest.hpp"
#include "common/random.hpp"
#include "db/connection.hpp"
#include "db/embedded_postgres.hpp"
#include "db/migrate.hpp"
#include "harness/net.hpp"

namespace fs = std::filesystem;

namespace dh::test {
namespace {

const std::string kBase = DH_TEST_CLUSTER_DIR;

std::string port_file() {
    return kBase + "/port";
}

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

/// An exclusive flock on `path` for the lifetime of the object: serialises test processes.
class FileLock {
public:
    explicit FileLock(const std::string& path) : fd_(::open(path.c_str(), O_RDWR | O_CREAT, 0600)) {
        if (fd_ < 0) throw std::runtime_error("cannot open lock file " + path);
        flock(fd_, LOCK_EX);
    }
    ~FileLock() {
        flock(fd_, LOCK_UN);
        ::close(fd_);
    }
    FileLock(const FileLock&) = delete;
    FileLock& operator=(const FileLock&) = delete;

private:
    int fd_;
};

/// Starts the cluster unless it runs; serialised by a lock file so parallel tests agree on one.
int ensure_cluster() {
    fs::create_directories("/tmp");
    FileLock lock(kBase + ".lock");
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
    return port;
}

constexpr const char* kTemplatePrefix = "dh_template_";

/// Named by a hash of the embedded migrations, so a changed or added migration gets a new template.
std::string template_name() {
    std::string all;
    for (auto& m : db::embedded_migrations()) all += m.name + '\0' + m.sql + '\0';
    return kTemplatePrefix + digest::sha256_hex(all).substr(0, 16);
}

bool database_exists(db::Connection& admin, const std::string& name) {
    return !admin.exec("SELECT 1 FROM pg_database WHERE datname = $1", {name}).empty();
}

/// Templates of other migration sets (an earlier build's) are dropped: the cluster outlives runs.
void drop_stale_templates(db::Connection& admin, const std::string& keep) {
    auto stale = admin.exec("SELECT datname FROM pg_database WHERE starts_with(datname, $1) AND datname <> $2",
                            {kTemplatePrefix, keep});
    for (int i = 0; i < stale.rows(); ++i) {
        auto name = "\"" + stale.text(i, "datname") + "\"";
        admin.exec_script("ALTER DATABASE " + name + " WITH IS_TEMPLATE false");
        admin.exec_script("DROP DATABASE " + name + " WITH (FORCE)");
    }
}

/// Migrates a database under a temporary name, then renames it: a run killed half-way leaves no
/// template that looks complete. No connections are allowed to the template afterwards, because
/// PostgreSQL copies a database only while nobody is connected to it.
std::string ensure_template() {
    const std::string name = template_name();
    FileLock lock(kBase + ".template.lock");
    db::Connection admin(cluster_conninfo());
    admin.exec_script("SET client_min_messages = warning");
    if (database_exists(admin, name)) return name;
    drop_stale_templates(admin, name);
    const std::string partial = name + "_partial";
    admin.exec_script("DROP DATABASE IF EXISTS \"" + partial + "\" WITH (FORCE)");
    admin.exec_script("CREATE DATABASE \"" + partial + "\"");
    db::migrate(cluster_conninfo(partial));
    admin.exec_script("ALTER DATABASE \"" + partial + "\" RENAME TO \"" + name + "\"");
    admin.exec_script("ALTER DATABASE \"" + name + "\" WITH IS_TEMPLATE true ALLOW_CONNECTIONS false");
    return name;
}

}  // namespace

std::string cluster_conninfo(const std::string& database) {
    static int port = ensure_cluster();
    return db::EmbeddedPostgres(options(port)).conninfo(database);
}

std::string migrated_template() {
    static const std::string name = ensure_template();
    return name;
}

TestDatabase::TestDatabase(const std::string& prefix, Schema schema) : name_(prefix + "_" + random::hex(6)) {
    std::string create = "CREATE DATABASE \"" + name_ + "\"";
    if (schema == Schema::migrated) create += " TEMPLATE \"" + migrated_template() + "\"";
    db::Connection admin(cluster_conninfo());
    admin.exec_script(create);
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

PrivateCluster::PrivateCluster() : dir_("/tmp/dh-test-pg-" + random::hex(6)), port_(free_port()) {
    auto o = options(port_);
    o.base_dir = dir_;
    o.database = "dispatchhub";
    // Crashed on purpose: a commit must survive it (synchronous_commit=off would lose the last ones).
    o.extra_options = "-c fsync=off -c full_page_writes=off -c max_connections=200";
    pg_ = std::make_unique<db::EmbeddedPostgres>(o);
    pg_->start();
}

PrivateCluster::~PrivateCluster() {
    pg_->control({"-m", "immediate", "stop"});
    std::error_code ec;
    fs::remove_all(dir_, ec);
}

std::string PrivateCluster::url() const {
    return "postgresql://postgres@127.0.0.1:" + std::to_string(port_) + "/dispatchhub";
}

std::string PrivateCluster::conninfo() const {
    return pg_->conninfo("dispatchhub");
}

void PrivateCluster::crash_restart() {
    if (pg_->control({"-m", "immediate", "-w", "-t", "60", "restart"}) != 0)
        throw std::runtime_error("pg_ctl restart failed (see " + dir_ + "/ctl.log)");
}

void PrivateCluster::crash_stop() {
    if (pg_->control({"-m", "immediate", "stop"}) != 0) throw std::runtime_error("pg_ctl stop failed");
}

void PrivateCluster::start() {
    pg_->start();
}

int cluster_main(const std::string& command) {
    if (command == "--cluster-start") {
        int port = ensure_cluster();
        // Migrated here once, before the tests start in parallel and would queue on its lock.
        const std::string database = migrated_template();
        std::cout << "test cluster on port " << port << ", template database " << database << "\n";
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
