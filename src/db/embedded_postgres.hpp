#pragma once
#include <string>
#include <vector>

namespace dh::db {

/// A private PostgreSQL cluster under a directory, started from the machine's PostgreSQL binaries
/// (as embedded-postgres libraries do). Listens only on a Unix socket in its own directory.
/// When the process runs as root the cluster runs as the `postgres` system user, because
/// PostgreSQL refuses to run as root.
class EmbeddedPostgres {
public:
    struct Options {
        std::string base_dir;  ///< the cluster lives in base_dir/data, its socket in base_dir/run
        std::string database = "dispatchhub";
        std::string bin_dir;  ///< empty: found automatically (/usr/lib/postgresql/<N>/bin)
        int port = 5432;      ///< names the socket file; TCP is off unless tcp_port > 0
        int tcp_port = 0;     ///< also listen on 127.0.0.1:tcp_port (tests)
        bool stop_on_destroy = true;
        std::string extra_options;  ///< more -c settings for postgres
    };
    explicit EmbeddedPostgres(Options options);
    ~EmbeddedPostgres();
    EmbeddedPostgres(const EmbeddedPostgres&) = delete;
    EmbeddedPostgres& operator=(const EmbeddedPostgres&) = delete;

    /// Initialises the cluster on first use, starts it (or adopts one already running from this
    /// directory), creates the database, and returns a libpq conninfo for it. Throws std::runtime_error.
    std::string start();
    void stop();
    /// Runs `pg_ctl -D <data> -l <log> <args…>` as the cluster owner (e.g. {"-m", "immediate",
    /// "restart"}: the tests' database crashes); returns pg_ctl's exit status.
    int control(const std::vector<std::string>& args) const;
    /// conninfo for another database of the same cluster.
    std::string conninfo(const std::string& database) const;
    const std::string& base_dir() const { return base_; }

    /// Where the cluster of DATA_DIR lives: DATA_DIR/postgres when the postgres user can reach it,
    /// otherwise a directory under /var/lib/dispatchhub keyed by DATA_DIR's absolute path.
    static std::string location_for_data_dir(const std::string& data_dir);

private:
    int run_as_cluster_owner(const std::vector<std::string>& argv, const std::string& log_path) const;
    bool running() const;
    Options options_;
    std::string base_;
    std::string socket_dir_;
    std::string bin_;
    bool started_by_us_ = false;
};

}  // namespace dh::db
