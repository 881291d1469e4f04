#pragma once
// Internal to the SMTP transport: the only headers besides smtp_*.cpp that pull in Asio.
#include <array>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <optional>
#include <string>
#include <utility>  // Boost 1.74's asio/awaitable.hpp needs std::exchange declared first

#include "mail/smtp_client.hpp"
#include "mail/smtp_outcome.hpp"
#include "mail/smtp_protocol.hpp"

namespace dh::mail::smtp {

namespace asio = boost::asio;
using Duration = std::chrono::milliseconds;

/// One SMTP connection: set-up (greeting, EHLO, STARTTLS, AUTH) and raw command/reply I/O with a
/// deadline per operation. Used by one coroutine at a time; socket errors are values, never thrown.
class Connection {
public:
    Connection(asio::any_io_executor executor, const SmtpOptions& options, asio::ssl::context* tls);

    /// Connects and prepares the session. Returns the failure (deferred, maybe relay_problem) or nothing.
    asio::awaitable<std::optional<DeliveryResult>> open();
    /// Writes all of `bytes`; false (and closed) on failure.
    asio::awaitable<bool> write(const std::string& bytes, Duration timeout);
    /// Reads the next reply; false (and closed) on failure, see failure().
    asio::awaitable<bool> read(Reply& reply, Duration timeout);
    /// Polite goodbye (short timeout), then close.
    asio::awaitable<void> quit();
    void close();
    /// Aborts pending operations (they complete with an error); the owner then closes.
    void cancel();

    bool is_open() const { return open_; }
    /// True when an idle connection has data or EOF waiting (e.g. the server's 421 idle timeout).
    bool stale() const;
    IoFailure failure() const { return failure_; }
    const Capabilities& capabilities() const { return caps_; }
    int transactions = 0;  ///< completed on this connection

private:
    asio::awaitable<std::optional<DeliveryResult>> connect();
    asio::awaitable<std::optional<DeliveryResult>> handshake();
    asio::awaitable<std::optional<DeliveryResult>> greet();
    asio::awaitable<std::optional<DeliveryResult>> hello();
    asio::awaitable<std::optional<DeliveryResult>> start_tls();
    asio::awaitable<std::optional<DeliveryResult>> authenticate();
    asio::awaitable<std::optional<DeliveryResult>> auth_login();
    /// Sends one command and reads its reply; nullopt on I/O failure.
    asio::awaitable<std::optional<Reply>> command(const std::string& line, Duration timeout);
    std::optional<DeliveryResult> setup_error(const Reply& reply, const char* reason, bool relay_problem);

    const SmtpOptions& options_;
    asio::ssl::context* tls_context_;
    asio::ip::tcp::resolver resolver_;
    boost::beast::tcp_stream tcp_;
    std::optional<asio::ssl::stream<boost::beast::tcp_stream&>> tls_;
    std::string rbuf_;
    std::size_t rpos_ = 0;
    std::array<char, 16384> chunk_{};
    Capabilities caps_;
    IoFailure failure_ = IoFailure::dropped;
    bool open_ = false;
};

}  // namespace dh::mail::smtp
