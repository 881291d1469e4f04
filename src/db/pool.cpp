#include "db/pool.hpp"

#include "common/error.hpp"

namespace dh::db {

PooledConnection::~PooledConnection() {
    if (pool_ && conn_) pool_->release(std::move(conn_), login_);
}

Pool::Pool(Options options) : options_(std::move(options)) {}

Login Pool::effective(Login login) const {
    return login == Login::platform && !options_.platform_conninfo.empty() ? Login::platform : Login::app;
}

PooledConnection Pool::acquire(Login wanted) {
    const Login login = effective(wanted);
    auto& mine = idle_[static_cast<int>(login)];
    auto& other = idle_[1 - static_cast<int>(login)];
    std::unique_ptr<Connection> spare;  // an idle connection of the other login, closed to make room
    std::unique_lock lock(mutex_);
    auto deadline = std::chrono::steady_clock::now() + options_.acquire_timeout;
    auto starved = [&] { return mine.empty() && other.empty() && open_ >= options_.size; };
    while (starved()) {
        if (available_.wait_until(lock, deadline) == std::cv_status::timeout && starved())
            throw Error(ErrorKind::unavailable, "database_busy", "The service is busy; try again.",
                        "connection pool exhausted");
    }
    if (!mine.empty()) {
        auto conn = std::move(mine.back());
        mine.pop_back();
        ++in_use_;
        return PooledConnection(this, std::move(conn), login);
    }
    if (open_ >= options_.size) {
        spare = std::move(other.back());
        other.pop_back();
        --open_;
    }
    ++open_;
    ++in_use_;
    lock.unlock();
    spare.reset();
    try {
        return PooledConnection(this, open_connection(login), login);
    } catch (...) {
        std::lock_guard relock(mutex_);
        --open_;
        --in_use_;
        available_.notify_one();
        throw;
    }
}

std::unique_ptr<Connection> Pool::open_connection(Login login) {
    std::unique_ptr<Connection> conn;
    if (login == Login::platform) {
        conn = std::make_unique<Connection>(options_.platform_conninfo);
        if (!options_.platform_on_connect.empty()) conn->exec_script(options_.platform_on_connect);
        return conn;
    }
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

std::string Pool::conninfo(Login login) const {
    std::lock_guard lock(mutex_);
    return effective(login) == Login::platform ? options_.platform_conninfo : options_.conninfo;
}

void Pool::release(std::unique_ptr<Connection> conn, Login login) {
    std::lock_guard lock(mutex_);
    --in_use_;
    if (conn->ok()) {
        idle_[static_cast<int>(login)].push_back(std::move(conn));
    } else {
        --open_;  // a broken connection is dropped; the next acquire opens a fresh one
    }
    available_.notify_one();
}

Pool::Stats Pool::stats() const {
    std::lock_guard lock(mutex_);
    return {options_.size, in_use_, static_cast<int>(idle_[0].size() + idle_[1].size())};
}

}  // namespace dh::db
