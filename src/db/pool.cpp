#include "db/pool.hpp"

#include "common/error.hpp"

namespace dh::db {

PooledConnection::~PooledConnection() {
    if (pool_ && conn_) pool_->release(std::move(conn_));
}

Pool::Pool(Options options) : options_(std::move(options)) {}

PooledConnection Pool::acquire() {
    std::unique_lock lock(mutex_);
    auto deadline = std::chrono::steady_clock::now() + options_.acquire_timeout;
    while (idle_.empty() && open_ >= options_.size) {
        if (available_.wait_until(lock, deadline) == std::cv_status::timeout && idle_.empty() &&
            open_ >= options_.size)
            throw Error(ErrorKind::unavailable, "database_busy", "The service is busy; try again.",
                        "connection pool exhausted");
    }
    if (!idle_.empty()) {
        auto conn = std::move(idle_.back());
        idle_.pop_back();
        ++in_use_;
        return PooledConnection(this, std::move(conn));
    }
    ++open_;
    ++in_use_;
    lock.unlock();
    try {
        return PooledConnection(this, open_connection());
    } catch (...) {
        std::lock_guard relock(mutex_);
        --open_;
        --in_use_;
        available_.notify_one();
        throw;
    }
}

std::unique_ptr<Connection> Pool::open_connection() {
    std::unique_ptr<Connection> conn;
    auto attempt = [&](const std::string& conninfo) { conn = std::make_unique<Connection>(conninfo); };
    auto current = conninfo();
    if (!options_.connector) {
        attempt(current);
    } else if (auto used = options_.connector(current, attempt); used != current) {
        std::lock_guard lock(mutex_);
        options_.conninfo = used;  // later connections start from the conninfo that worked
    }
    if (!options_.on_connect.empty()) conn->exec_script(options_.on_connect);
    return conn;
}

std::string Pool::conninfo() const {
    std::lock_guard lock(mutex_);
    return options_.conninfo;
}

void Pool::release(std::unique_ptr<Connection> conn) {
    std::lock_guard lock(mutex_);
    --in_use_;
    if (conn->ok()) {
        idle_.push_back(std::move(conn));
    } else {
        --open_;  // a broken connection is dropped; the next acquire opens a fresh one
    }
    available_.notify_one();
}

Pool::Stats Pool::stats() const {
    std::lock_guard lock(mutex_);
    return {options_.size, in_use_, static_cast<int>(idle_.size())};
}

}  // namespace dh::db
