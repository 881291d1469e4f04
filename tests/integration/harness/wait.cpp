#include "harness/wait.hpp"

#include <thread>

#include "db/connection.hpp"
#include "harness/server.hpp"

namespace dh::test {

bool wait_until(const std::function<bool()>& condition, std::chrono::milliseconds timeout,
                std::chrono::milliseconds poll) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!condition()) {
        if (std::chrono::steady_clock::now() >= deadline) return false;
        std::this_thread::sleep_for(poll);
    }
    return true;
}

namespace {

/// The newest heartbeat of any worker on the server's database, as text (comparable, microseconds).
std::string newest_heartbeat(db::Connection& conn) {
    auto r = conn.exec("SELECT coalesce(max(seen_at)::text, '') AS seen FROM worker_heartbeats");
    return r.text(0, "seen");
}

}  // namespace

bool wait_for_worker_cycles(const TestServer& server, int cycles, std::chrono::milliseconds timeout) {
    db::Connection conn(server.database().conninfo());
    std::string last = newest_heartbeat(conn);
    int seen = 0;
    return wait_until(
        [&] {
            auto now = newest_heartbeat(conn);
            if (now != last) {
                last = now;
                ++seen;
            }
            return seen >= cycles;
        },
        timeout, std::chrono::milliseconds(100));
}

}  // namespace dh::test
