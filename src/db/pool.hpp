#pragma once
#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "db/connection.hpp"

namespace dh::db {

class Pool;

/// Which database login a connection uses: tenant-scoped and anonymous work runs as a login that can
/// become only the application role, platform-scope work as one that can become only the platform role.
enum class Login { app, platform };

/// A connection borrowed from the pool; returned (or dropped when broken) on destruction.
class PooledConnection {
public:
    PooledConnection(Pool* pool, std::unique_ptr<Connection> conn, Login login = Login::app)
        : pool_(pool), conn_(std::move(conn)), login_(login) {}
    PooledConnection(PooledConnection&&) = default;
    PooledConnection& operator=(PooledConnection&&) = default;
    ~PooledConnection();
    Connection& operator*() { return *conn_; }
    Connection* operator->() { return conn_.get(); }

private:
    Pool* pool_;
    std::unique_ptr<Connection> conn_;
    Login login_;
};

/// A bounded pool of blocking libpq connections. Callers run on handler or worker threads, never
/// on the HTTP I/O thread. Every new connection starts as the unprivileged application role, or the
/// platform role for platform-scope work when a platform login is configured; both share `size`.
class Pool {
public:
    struct Options {
        std::string conninfo;
        int size = 12;
        std::chrono::milliseconds acquire_timeout{5000};
        /// Statement run on each new connection (e.g. SET ROLE dispatchhub_app). Empty: none.
        std::string on_connect;
        /// How new connections are opened: `connector(conninfo, attempt)` calls `attempt` with the
        /// conninfo to try (possibly again with a fresher one, e.g. after a rotated password) and
        /// returns the conninfo that worked; the pool keeps using that one. Empty: `attempt(conninfo)`.
        using Attempt = std::function<void(const std::string&)>;
        std::function<std::string(const std::string&, const Attempt&)> connector;
        /// The login for platform-scope work and its on_connect statement (e.g. SET ROLE
        /// dispatchhub_platform). Empty: platform work shares the connections above.
        std::string platform_conninfo;
        std::string platform_on_connect;
    };
    explicit Pool(Options options);

    /// Borrows a connection, waiting up to acquire_timeout; throws Error(unavailable) on timeout.
    PooledConnection acquire(Login login = Login::app);

    struct Stats {
        int size, in_use, idle;
    };
    Stats stats() const;
    std::string conninfo(Login login = Login::app) const;

private:
    friend class PooledConnection;
    void release(std::unique_ptr<Connection> conn, Login login);
    std::unique_ptr<Connection> open_connection(Login login);
    Login effective(Login login) const;

    Options options_;
    mutable std::mutex mutex_;
    std::condition_variable available_;
    std::vector<std::unique_ptr<Connection>> idle_[2];  ///< by Login
    int open_ = 0;
    int in_use_ = 0;
    int in_use_by_[2] = {0, 0};  ///< by Login
};

}  // namespace dh::db
