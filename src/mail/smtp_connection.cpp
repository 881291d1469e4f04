#include "mail/smtp_connection.hpp"

#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <sys/socket.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include "common/digest.hpp"

namespace dh::mail::smtp {
namespace {

namespace beast = boost::beast;
using boost::system::error_code;

constexpr auto kAwait = asio::use_awaitable;

IoFailure failure_of(const error_code& ec) {
    return ec == beast::error::timeout ? IoFailure::timeout : IoFailure::dropped;
}

DeliveryResult relay_problem(const char* reason) {
    DeliveryResult r;
    r.outcome = Outcome::deferred;
    r.relay_problem = true;
    r.reason = reason;
    return r;
}

}  // namespace

Connection::Connection(asio::any_io_executor executor, const SmtpOptions& options, asio::ssl::context* tls)
    : options_(options), tls_context_(tls), resolver_(executor), tcp_(executor) {}

asio::awaitable<std::optional<DeliveryResult>> Connection::open() {
    std::optional<DeliveryResult> failure = co_await connect();
    if (!failure && options_.url.tls == SmtpUrl::Tls::implicit) failure = co_await handshake();
    if (!failure) failure = co_await greet();
    if (!failure) failure = co_await hello();
    if (!failure && options_.url.tls == SmtpUrl::Tls::starttls) failure = co_await start_tls();
    if (!failure && options_.url.has_auth()) failure = co_await authenticate();
    if (failure) close();
    co_return failure;
}

asio::awaitable<std::optional<DeliveryResult>> Connection::connect() {
    error_code ec;
    asio::ip::tcp::resolver::results_type endpoints;
    close();
    endpoints = co_await resolver_.async_resolve(options_.url.host, std::to_string(options_.url.port),
                                                 asio::redirect_error(kAwait, ec));
    if (ec) co_return io_failure(IoFailure::connect);
    tcp_.expires_after(options_.timeouts.connect);
    co_await tcp_.async_connect(endpoints, asio::redirect_error(kAwait, ec));
    if (ec) co_return io_failure(IoFailure::connect);
    tcp_.socket().set_option(asio::ip::tcp::no_delay(true), ec);
    open_ = true;
    co_return std::nullopt;
}

asio::awaitable<std::optional<DeliveryResult>> Connection::handshake() {
    error_code ec;
    const std::string& host = options_.url.host;
    tls_.emplace(tcp_, *tls_context_);
    SSL* ssl = tls_->native_handle();
    asio::ip::make_address(host, ec);
    if (ec) {
        SSL_set_tlsext_host_name(ssl, host.c_str());  // SNI only for names, never for IP literals
        if (options_.url.verify) SSL_set1_host(ssl, host.c_str());
    } else if (options_.url.verify) {
        X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), host.c_str());
    }
    tcp_.expires_after(options_.timeouts.connect);
    co_await tls_->async_handshake(asio::ssl::stream_base::client, asio::redirect_error(kAwait, ec));
    if (!ec) co_return std::nullopt;
    bool timed_out = ec == beast::error::timeout;
    bool bad_certificate = SSL_get_verify_result(ssl) != X509_V_OK;
    close();
    if (timed_out) co_return io_failure(IoFailure::timeout);
    if (bad_certificate) co_return relay_problem("the relay's TLS certificate could not be verified");
    co_return relay_problem("the TLS handshake with the relay failed");
}

asio::awaitable<std::optional<DeliveryResult>> Connection::greet() {
    Reply reply;
    bool ok = co_await read(reply, options_.timeouts.greeting);
    if (!ok) co_return io_failure(failure_);
    if (reply.code == 220) co_return std::nullopt;
    // 554 at the greeting: the relay refuses service to us, not to one message.
    if (reply.permanent()) co_return setup_error(reply, "the relay refuses our connections", true);
    co_return setup_error(reply, kReasonUnavailable, false);
}

asio::awaitable<std::optional<DeliveryResult>> Connection::hello() {
    std::optional<Reply> reply = co_await command("EHLO " + options_.helo_name, options_.timeouts.command);
    if (!reply) co_return io_failure(failure_);
    if (reply->code == 250) {
        caps_ = Capabilities::parse(*reply);
        co_return std::nullopt;
    }
    if (reply->transient()) co_return setup_error(*reply, kReasonUnavailable, false);
    // An old server without ESMTP: HELO, and no extensions at all.
    reply = co_await command("HELO " + options_.helo_name, options_.timeouts.command);
    if (!reply) co_return io_failure(failure_);
    if (reply->code != 250) co_return setup_error(*reply, "the relay refused our greeting", true);
    caps_ = Capabilities{};
    co_return std::nullopt;
}

asio::awaitable<std::optional<DeliveryResult>> Connection::start_tls() {
    std::optional<DeliveryResult> failure;
    if (!caps_.starttls) {
        DeliveryResult r = relay_problem("the relay does not offer STARTTLS");
        co_return r;
    }
    std::optional<Reply> reply = co_await command("STARTTLS", options_.timeouts.command);
    if (!reply) co_return io_failure(failure_);
    if (reply->code != 220) co_return setup_error(*reply, "the relay refused to start TLS", true);
    // Bytes after the 220 would be read as if they came through TLS (CVE-2011-0411 style injection).
    if (rpos_ != rbuf_.size()) co_return setup_error(*reply, "the relay sent unexpected data before TLS", true);
    failure = co_await handshake();
    if (failure) co_return failure;
    failure = co_await hello();  // the capabilities before TLS no longer count (RFC 3207)
    co_return failure;
}

asio::awaitable<std::optional<DeliveryResult>> Connection::authenticate() {
    std::optional<DeliveryResult> failure;
    std::optional<Reply> reply;
    std::string token;
    if (!caps_.auth_offered) {
        DeliveryResult r = relay_problem("the relay does not offer authentication");
        co_return r;
    }
    if (!caps_.auth_plain && !caps_.auth_login) {
        DeliveryResult r = relay_problem("the relay offers no authentication method we support (PLAIN, LOGIN)");
        co_return r;
    }
    if (!caps_.auth_plain) {
        failure = co_await auth_login();
        co_return failure;
    }
    token = digest::base64(std::string(1, '\0') + options_.url.user + '\0' + options_.url.password);
    reply = co_await command("AUTH PLAIN " + token, options_.timeouts.command);
    if (!reply) co_return io_failure(failure_);
    if (reply->code == 235) co_return std::nullopt;
    if (reply->transient()) co_return setup_error(*reply, "the relay could not check our credentials right now", false);
    co_return setup_error(*reply, "the relay rejected our credentials", true);
}

asio::awaitable<std::optional<DeliveryResult>> Connection::auth_login() {
    std::optional<Reply> reply = co_await command("AUTH LOGIN", options_.timeouts.command);
    if (reply && reply->code == 334)
        reply = co_await command(digest::base64(options_.url.user), options_.timeouts.command);
    if (reply && reply->code == 334)
        reply = co_await command(digest::base64(options_.url.password), options_.timeouts.command);
    if (!reply) co_return io_failure(failure_);
    if (reply->code == 235) co_return std::nullopt;
    if (reply->transient()) co_return setup_error(*reply, "the relay could not check our credentials right now", false);
    co_return setup_error(*reply, "the relay rejected our credentials", true);
}

std::optional<DeliveryResult> Connection::setup_error(const Reply& reply, const char* reason, bool relay) {
    DeliveryResult r;
    r.outcome = Outcome::deferred;
    r.smtp_code = reply.code;
    r.reply = reply.summary();
    r.reason = reason;
    r.relay_problem = relay;
    if (is_throttling(reply)) {
        r.reason = kReasonThrottled;
        r.retry_after_seconds = retry_hint_seconds(reply.text);
    }
    close();
    return r;
}

asio::awaitable<std::optional<Reply>> Connection::command(const std::string& line, Duration timeout) {
    std::optional<Reply> result;
    Reply reply;
    bool ok = co_await write(line + "\r\n", timeout);
    if (ok) ok = co_await read(reply, timeout);
    if (ok) result = std::move(reply);
    co_return result;
}

asio::awaitable<bool> Connection::write(const std::string& bytes, Duration timeout) {
    error_code ec;
    if (!open_) co_return false;
    tcp_.expires_after(timeout);
    if (tls_) {
        co_await asio::async_write(*tls_, asio::buffer(bytes), asio::redirect_error(kAwait, ec));
    } else {
        co_await asio::async_write(tcp_, asio::buffer(bytes), asio::redirect_error(kAwait, ec));
    }
    if (!ec) co_return true;
    failure_ = failure_of(ec);
    close();
    co_return false;
}

asio::awaitable<bool> Connection::read(Reply& reply, Duration timeout) {
    error_code ec;
    std::size_t consumed = 0;
    std::size_t n = 0;
    ReplyParser::Status status = ReplyParser::Status::incomplete;
    if (!open_) co_return false;
    tcp_.expires_after(timeout);
    for (;;) {
        status = ReplyParser::parse(std::string_view(rbuf_).substr(rpos_), reply, consumed);
        if (status == ReplyParser::Status::complete) {
            rpos_ += consumed;
            if (rpos_ == rbuf_.size()) rbuf_.clear(), rpos_ = 0;
            co_return true;
        }
        if (status == ReplyParser::Status::malformed) break;
        if (tls_) {
            n = co_await tls_->async_read_some(asio::buffer(chunk_), asio::redirect_error(kAwait, ec));
        } else {
            n = co_await tcp_.async_read_some(asio::buffer(chunk_), asio::redirect_error(kAwait, ec));
        }
        if (ec) break;
        rbuf_.append(chunk_.data(), n);
    }
    failure_ = ec ? failure_of(ec) : IoFailure::protocol;
    close();
    co_return false;
}

asio::awaitable<void> Connection::quit() {
    if (!open_) co_return;
    Duration timeout = std::min<Duration>(options_.timeouts.command, std::chrono::seconds(2));
    std::optional<Reply> reply = co_await command("QUIT", timeout);
    close();
}

void Connection::close() {
    error_code ignored;
    if (tcp_.socket().is_open()) {
        tcp_.socket().shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
        tcp_.close();
    }
    tls_.reset();
    rbuf_.clear();
    rpos_ = 0;
    open_ = false;
}

void Connection::cancel() {
    if (tcp_.socket().is_open()) tcp_.cancel();
}

bool Connection::stale() const {
    if (!open_) return true;
    if (rpos_ != rbuf_.size()) return true;  // an unsolicited reply (421) is already buffered
    if (tls_) return false;                  // TLS 1.3 session tickets arrive unasked: only the retry covers TLS
    char byte = 0;
    auto fd = const_cast<boost::beast::tcp_stream&>(tcp_).socket().native_handle();
    ssize_t n = ::recv(fd, &byte, 1, MSG_PEEK | MSG_DONTWAIT);
    return n >= 0;  // data we did not ask for, or EOF; -1 (EAGAIN) = quiet and alive
}

}  // namespace dh::mail::smtp
