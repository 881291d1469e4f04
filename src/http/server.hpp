#pragma once
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "http/client_address.hpp"

namespace boost::asio {
class io_context;
class thread_pool;
}  // namespace boost::asio

namespace dh::http {

class Router;
class Pipeline;

/// The HTTP/1.1 server (Boost.Beast, C++20 coroutines). Connections live on the caller's
/// io_context (one I/O thread); handlers run on `handler_pool` so that blocking database work
/// never stalls the event loop.
class Server {
public:
    struct Options {
        std::string host = "127.0.0.1";
        std::uint16_t port = 8080;
        std::size_t max_body = 1 << 20;
        std::chrono::seconds idle_timeout{60};   ///< keep-alive wait for the next request
        std::chrono::seconds read_timeout{120};  ///< writing one response
        std::chrono::seconds body_timeout{30};   ///< receiving a request's body once its headers are in
        std::chrono::seconds drain_timeout{20};  ///< graceful shutdown limit
        std::string spool_dir;                   ///< where spooled uploads go
        TrustedProxies trusted_proxies;          ///< peers whose X-Forwarded-For names the client
    };
    Server(boost::asio::io_context& ioc, boost::asio::thread_pool& handler_pool, const Router& router,
           const Pipeline& pipeline, Options options);
    ~Server();

    /// Binds the listening socket; returns the bound port (useful with port 0). Throws on failure.
    std::uint16_t listen();
    /// Starts accepting (after listen()).
    void start();
    /// Stops accepting, lets in-flight requests finish, closes idle connections, then calls `done`
    /// on the io_context. Safe to call from any thread.
    void shutdown(std::function<void()> done);

private:
    struct Impl;
    std::shared_ptr<Impl> impl_;
};

}  // namespace dh::http
