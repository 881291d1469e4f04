#pragma once
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "mail/inbound.hpp"

namespace boost::asio {
class io_context;
class thread_pool;
}  // namespace boost::asio

namespace dh::mail {

/// The inbound SMTP listener (RFC 5321 server side; Boost.Asio, C++20 coroutines). Sessions live
/// on the caller's io_context; InboundHandler calls run on `handler_pool` so that database work
/// never stalls the event loop. Offers PIPELINING, 8BITMIME, SIZE, ENHANCEDSTATUSCODES and, with a
/// certificate, STARTTLS. 250 after DATA is sent only once InboundHandler::store() succeeded.
class SmtpServer {
public:
    struct Options {
        std::string host = "127.0.0.1";
        std::uint16_t port = 2525;                   ///< 0: any free port (see listen())
        std::string hostname = "localhost";          ///< our name in the greeting and replies
        std::size_t max_message_size = 25u << 20;    ///< advertised with SIZE; 552 beyond it
        std::size_t max_recipients = 100;            ///< per message; 452 beyond it
        std::size_t max_sessions = 100;              ///< concurrent; 421 to the next client
        std::size_t max_command_line = 1024;         ///< octets with CRLF (RFC minimum is 512)
        std::size_t max_errors = 20;                 ///< 5xx replies (bad commands, refused RCPTs) before we hang up
        std::chrono::seconds command_timeout{300};   ///< wait for each command line (idle limit)
        std::chrono::seconds data_timeout{600};      ///< whole DATA content after 354
        std::chrono::seconds session_timeout{1800};  ///< whole session, whatever the client does
        std::chrono::seconds drain_timeout{20};      ///< graceful shutdown limit
        /// Accept lines ending in a bare LF as if they ended in CRLF (only <CRLF>.<CRLF> still ends
        /// DATA); false refuses such messages with 554. Bare CR is refused either way.
        bool normalize_bare_lf = false;
        std::string tls_cert_file;  ///< PEM chain; with tls_key_file enables STARTTLS
        std::string tls_key_file;
    };

    SmtpServer(boost::asio::io_context& ioc, boost::asio::thread_pool& handler_pool, InboundHandler& handler,
               Options options);
    ~SmtpServer();
    SmtpServer(const SmtpServer&) = delete;
    SmtpServer& operator=(const SmtpServer&) = delete;

    /// Loads the TLS certificate (if any) and binds; returns the bound port (useful with port 0).
    /// Throws on failure.
    std::uint16_t listen();
    /// Starts accepting (after listen()).
    void start();
    /// Stops accepting, answers 421 to idle sessions, lets messages in flight finish (up to
    /// drain_timeout), then calls `done` on the io_context. Safe to call from any thread.
    void shutdown(std::function<void()> done);

private:
    struct Impl;
    std::shared_ptr<Impl> impl_;
};

}  // namespace dh::mail
