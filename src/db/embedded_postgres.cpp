#include "db/embedded_postgres.hpp"

#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <vector>

#include "common/log.hpp"
#include "db/connection.hpp"
#include "db/logins.hpp"

namespace fs = std::filesystem;

namespace dh::db {
namespace {

std::string find_bin_dir() {
    const fs::path root = "/usr/lib/postgresql";
    std::string best;
    int best_version = 0;
    std::error_code ec;
    for (auto& entry : fs::directory_iterator(root, ec)) {
        int v = std::atoi(entry.path().filename().c_str());
        if (v > best_version && fs::exists(entry.path() / "bin" / "postgres")) {
            best_version = v;
            best = (entry.path() / "bin").string();
        }
    }
    if (best.empty())
        throw std::runtime_error(
            "embedded PostgreSQL: no PostgreSQL server binaries under /usr/lib/postgresql (install postgresql-15)");
    return best;
}

struct Owner {
    uid_t uid;
    gid_t gid;
    bool switch_user;
};

Owner cluster_owner() {
    if (geteuid() != 0) return {geteuid(), getegid(), false};
    passwd* pw = getpwnam("postgres");
    if (!pw)
        throw std::runtime_error(
            "embedded PostgreSQL: running as root needs the 'postgres' system user (install postgresql-15)");
    return {pw->pw_uid, pw->pw_gid, true};
}

/// Can the cluster owner create and enter `dir` (every parent traversable)? Checked in a child that
/// takes the owner's identity, because access() as root proves nothing.
bool owner_can_reach(const fs::path& dir, const Owner& owner) {
    if (!owner.switch_user) return true;
    pid_t pid = fork();
    if (pid == 0) {
        if (setgroups(0, nullptr) != 0 || setgid(owner.gid) != 0 || setuid(owner.uid) != 0) _exit(2);
        fs::path p = dir;
        while (!p.empty() && !fs::exists(p)) p = p.parent_path();
        _exit(access(p.c_str(), X_OK) == 0 ? 0 : 1);
    }
    int status = 0;
    waitpid(pid, &status, 0);
    return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

}  // namespace

std::string EmbeddedPostgres::location_for_data_dir(const std::string& data_dir) {
    fs::path abs = fs::absolute(data_dir).lexically_normal();
    fs::path preferred = abs / "postgres";
    Owner owner = cluster_owner();
    if (owner_can_reach(abs, owner)) return preferred.string();
    // A checkout under a mode-700 home directory: the postgres user cannot traverse it.
    std::hash<std::string> h;
    fs::path fallback = fs::path("/var/lib/dispatchhub") / ("pg-" + std::to_string(h(abs.string()) % 100000000000ULL));
    log::warn("embedded PostgreSQL: the postgres user cannot reach DATA_DIR; keeping the cluster elsewhere",
              {{"data_dir", abs.string()}, {"cluster_dir", fallback.string()}});
    return fallback.string();
}

EmbeddedPostgres::EmbeddedPostgres(Options options) : options_(std::move(options)) {
    base_ = fs::absolute(options_.base_dir).lexically_normal().string();
    bin_ = options_.bin_dir.empty() ? find_bin_dir() : options_.bin_dir;
    socket_dir_ = base_ + "/run";
    // A Unix socket path is limited to 107 bytes; a deep directory gets a short socket directory in /tmp.
    if ((socket_dir_ + "/.s.PGSQL." + std::to_string(options_.port)).size() > 100) {
        std::hash<std::string> h;
        socket_dir_ = "/tmp/dispatchhub-pg-" + std::to_string(h(base_) % 1000000000ULL);
    }
}

EmbeddedPostgres::~EmbeddedPostgres() {
    if (options_.stop_on_destroy) {
        try {
            stop();
        } catch (const std::exception& e) {
            log::warn("embedded PostgreSQL: stop failed", {{"error", e.what()}});
        }
    }
}

int EmbeddedPostgres::run_as_cluster_owner(const std::vector<std::string>& argv, const std::string& log_path) const {
    Owner owner = cluster_owner();
    pid_t pid = fork();
    if (pid < 0) throw std::runtime_error("embedded PostgreSQL: fork failed");
    if (pid == 0) {
        if (owner.switch_user) {
            if (setgroups(0, nullptr) != 0 || setgid(owner.gid) != 0 || setuid(owner.uid) != 0) _exit(127);
        }
        int fd = open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
        if (fd >= 0) {
            dup2(fd, 1);
            dup2(fd, 2);
            close(fd);
        }
        int devnull = open("/dev/null", O_RDONLY);
        if (devnull >= 0) dup2(devnull, 0);
        if (chdir(base_.c_str()) != 0) _exit(127);
        std::vector<char*> args;
        for (auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
        args.push_back(nullptr);
        setenv("LC_ALL", "C.UTF-8", 1);
        execv(args[0], args.data());
        _exit(127);
    }
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

bool EmbeddedPostgres::running() const {
    return fs::exists(base_ + "/data/postmaster.pid") &&
           run_as_cluster_owner({bin_ + "/pg_ctl", "-D", base_ + "/data", "status"}, base_ + "/ctl.log") == 0;
}

std::string EmbeddedPostgres::start() {
    Owner owner = cluster_owner();
    fs::create_directories(base_);
    fs::create_directories(socket_dir_);
    for (auto& p : {fs::path(base_), fs::path(socket_dir_)}) {
        if (chown(p.c_str(), owner.uid, owner.gid) != 0)
            throw std::runtime_error("embedded PostgreSQL: cannot hand " + p.string() + " to the postgres user");
        chmod(p.c_str(), 0700);
    }
    if (!owner_can_reach(base_, owner))
        throw std::runtime_error("embedded PostgreSQL: the postgres user cannot reach " + base_ +
                                 " (a parent directory is not traversable); set DATA_DIR elsewhere");
    const std::string data = base_ + "/data";
    const std::string log = base_ + "/postgres.log";
    if (!fs::exists(data + "/PG_VERSION")) {
        log::info("embedded PostgreSQL: initialising a new cluster", {{"dir", data}});
        fs::remove_all(data);
        int rc = run_as_cluster_owner({bin_ + "/initdb", "-D", data, "-U", "postgres", "-A", "trust", "-E", "UTF8",
                                       "--locale=C.UTF-8", "--no-sync"},
                                      base_ + "/initdb.log");
        if (rc != 0) throw std::runtime_error("embedded PostgreSQL: initdb failed (see " + base_ + "/initdb.log)");
    }
    if (running()) {
        log::info("embedded PostgreSQL: adopting the cluster already running", {{"dir", data}});
    } else {
        std::string opts = "-c listen_addresses=" + std::string(options_.tcp_port > 0 ? "127.0.0.1" : "''") + " -p " +
                           std::to_string(options_.tcp_port > 0 ? options_.tcp_port : options_.port) + " -k " +
                           socket_dir_ + " -c max_connections=200 -c shared_buffers=128MB" +
                           " -c fsync=on -c unix_socket_permissions=0700 " + options_.extra_options;
        int rc = run_as_cluster_owner({bin_ + "/pg_ctl", "-D", data, "-l", log, "-w", "-t", "60", "-o", opts, "start"},
                                      base_ + "/ctl.log");
        if (rc != 0)
            throw std::runtime_error("embedded PostgreSQL: could not start the cluster (see " + log +
                                     "); is another server using " + data + "?");
        started_by_us_ = true;
        log::info("embedded PostgreSQL: started", {{"dir", data}, {"socket_dir", socket_dir_}});
    }
    Connection admin(conninfo("postgres"));
    auto exists = admin.exec("SELECT 1 FROM pg_database WHERE datname = $1", {options_.database});
    if (exists.empty()) admin.exec_script("CREATE DATABASE \"" + options_.database + "\"");
    return conninfo(options_.database);
}

int EmbeddedPostgres::control(const std::vector<std::string>& args) const {
    std::vector<std::string> argv = {bin_ + "/pg_ctl", "-D", base_ + "/data", "-l", base_ + "/postgres.log"};
    argv.insert(argv.end(), args.begin(), args.end());
    return run_as_cluster_owner(argv, base_ + "/ctl.log");
}

std::string EmbeddedPostgres::conninfo(const std::string& database) const {
    int port = options_.tcp_port > 0 ? options_.tcp_port : options_.port;
    return "host=" + quote_conninfo(socket_dir_) + " port=" + std::to_string(port) +
           " user=postgres dbname=" + quote_conninfo(database);
}

void EmbeddedPostgres::stop() {
    if (!started_by_us_) return;
    started_by_us_ = false;
    int rc = run_as_cluster_owner({bin_ + "/pg_ctl", "-D", base_ + "/data", "-m", "fast", "-w", "-t", "30", "stop"},
                                  base_ + "/ctl.log");
    if (rc != 0) throw std::runtime_error("embedded PostgreSQL: pg_ctl stop failed");
    log::info("embedded PostgreSQL: stopped");
}

}  // namespace dh::db
