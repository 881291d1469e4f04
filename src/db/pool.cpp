#include "db/pool.hpp"

#include <algorithm>

#include "common/error.hpp"
#include "common/log.hpp"

namespace dh::db {
namespace {

/// The longest an acquire waits for a connection of its own login before closing an idle one of
/// the other login to open its own.
constexpr auto kSwapWait = std::chrono::milliseconds(50);

}  // namespace

PooledConnection::~PooledConnection() {
    if (pool_ && conn_) pool_->release(std::move(conn_), login_);
}

Pool::Pool(Options options) : options_(std::move(options)) {}

Login Pool::effective(Login login) const {
    return login == Login::platform && !options_.platform_conninfo.empty() ? Login::platform : Login::app;
}

PooledConnection Pool::acquire(Login wanted) {
    const Login login = effective(wanted);
    const int index = static_cast<int>(login);
    auto& mine = idle_[index];
    auto& other = idle_[1 - index];
    std::unique_ptr<Connection> spare;                // an idle connection of the other login, closed to make room
    std::vector<std::unique_ptr<Connection>> closed;  // closed by the server; freed outside the lock
    std::unique_lock lock(mutex_);
    const auto deadline = std::chrono::steady_clock::now() + options_.acquire_timeout;
    auto starved = [&] { return mine.empty() && other.empty() && open_ >= options_.size; };
    for (;;) {
        while (starved()) {
            if (available_.wait_until(lock, deadline) == std::cv_status::timeout && starved())
                throw Error(ErrorKind::unavailable, "database_busy", "The service is busy; try again.",
                            "connection pool exhausted");
        }
        // Opening one of this login would close an idle one of the other. When one of this login
        // is in use it comes back shortly (a request holds one connection at a time, and
        // authentication's for one round trip): waiting a little for it is cheaper than a new
        // connection, which has to prepare its statements again. Without this, requests that
        // alternate logins (authentication, then the work) close and reopen connections under load.
        const auto swap_after = std::min(deadline, std::chrono::steady_clock::now() + kSwapWait);
        while (mine.empty() && open_ >= options_.size && in_use_by_[index] > 0 &&
               available_.wait_until(lock, swap_after) != std::cv_status::timeout) {
        }
        // An idle connection the server closed meanwhile (a restart) is dropped here, before a
        // transaction is begun on it.
        const std::size_t closed_before = closed.size();
        while (!mine.empty() && mine.back()->closed_while_idle()) {
            closed.push_back(std::move(mine.back()));
            mine.pop_back();
            --open_;
            available_.notify_all();
        }
        if (closed.size() > closed_before)  // once per connection, however often this loop turns
            log::info("dropped pooled connections the database closed while idle",
                      {{"connections", static_cast<std::int64_t>(closed.size() - closed_before)}});
        if (!mine.empty()) {
            auto conn = std::move(mine.back());
            mine.pop_back();
            ++in_use_;
            ++in_use_by_[index];
            return PooledConnection(this, std::move(conn), login);
        }
        if (open_ < options_.size) break;
        if (!other.empty()) {
            spare = std::move(other.back());
            other.pop_back();
            --open_;
            break;
        }
        // Every connection was taken while this one waited: wait for any again.
    }
    ++open_;
    ++in_use_;
    ++in_use_by_[index];
    lock.unlock();
    spare.reset();
    try {
        return PooledConnection(this, open_connection(login), login);
    } catch (...) {
        std::lock_guard relock(mutex_);
        --open_;
        --in_use_;
        --in_use_by_[index];
        available_.notify_all();
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
    --in_use_by_[static_cast<int>(login)];
    if (conn->ok()) {
        idle_[static_cast<int>(login)].push_back(std::move(conn));
    } else {
        --open_;  // a broken connection is dropped; the next acquire opens a fresh one
    }
    available_.notify_all();  // waiters for either login: each checks for its own
}

Pool::Stats Pool::stats() const {
    std::lock_guard lock(mutex_);
    return {options_.size, in_use_, static_cast<int>(idle_[0].size() + idle_[1].size())};
}

}  // namespace dh::db
