#include "db/listener.hpp"

#include <libpq-fe.h>
#include <poll.h>

#include <chrono>
#include <memory>

#include "common/log.hpp"

namespace dh::db {

Listener::Listener(std::string conninfo, std::string channel, Handlers handlers)
    : conninfo_(std::move(conninfo)), channel_(std::move(channel)), handlers_(std::move(handlers)) {
    thread_ = std::thread([this] { run(); });
}

Listener::~Listener() {
    stopping_ = true;
    if (thread_.joinable()) thread_.join();
}

void Listener::run() {
    while (!stopping_) {
        listen_once();
        for (int i = 0; i < 10 && !stopping_; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
}

void Listener::listen_once() {
    std::unique_ptr<PGconn, decltype(&PQfinish)> owned(PQconnectdb(conninfo_.c_str()), &PQfinish);
    PGconn* conn = owned.get();
    if (PQstatus(conn) != CONNECTION_OK) return;
    std::unique_ptr<PGresult, decltype(&PQclear)> listening(PQexec(conn, ("LISTEN " + channel_).c_str()), &PQclear);
    if (PQresultStatus(listening.get()) != PGRES_COMMAND_OK) {
        log::warn("LISTEN failed", {{"channel", channel_}, {"error", PQerrorMessage(conn)}});
        return;
    }
    if (handlers_.on_up) handlers_.on_up();
    while (!stopping_) {
        pollfd pfd{PQsocket(conn), POLLIN, 0};
        if (poll(&pfd, 1, 250) <= 0) continue;
        if (PQconsumeInput(conn) == 0 || PQstatus(conn) != CONNECTION_OK) break;
        while (PGnotify* n = PQnotifies(conn)) {
            std::string payload = n->extra ? n->extra : "";
            PQfreemem(n);
            if (handlers_.on_notify) handlers_.on_notify(payload);
        }
    }
    if (handlers_.on_down) handlers_.on_down();
}

}  // namespace dh::db
