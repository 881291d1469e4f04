#pragma once
#include <atomic>
#include <functional>
#include <string>
#include <thread>

namespace dh::db {

/// LISTEN on one channel, on a connection and a thread of its own, reconnecting once a second after
/// a loss. `on_up` runs each time LISTEN is in force (after the first connect and every reconnect),
/// `on_down` when the connection is lost, `on_notify` with each payload; all on the listener's
/// thread. A notification is sent by the database when the transaction that raised it commits.
class Listener {
public:
    struct Handlers {
        std::function<void(const std::string& payload)> on_notify;
        std::function<void()> on_up;
        std::function<void()> on_down;
    };
    /// `channel` is an SQL identifier written in the code (it is not quoted).
    Listener(std::string conninfo, std::string channel, Handlers handlers);
    ~Listener();
    Listener(const Listener&) = delete;
    Listener& operator=(const Listener&) = delete;

private:
    void run();
    /// Listens on one connection until it is lost or the listener stops.
    void listen_once();

    std::string conninfo_;
    std::string channel_;
    Handlers handlers_;
    std::atomic<bool> stopping_{false};
    std::thread thread_;
};

}  // namespace dh::db
