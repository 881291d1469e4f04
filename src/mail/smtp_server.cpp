#include "mail/smtp_server.hpp"

#include "common/log.hpp"
#include "common/random.hpp"
#include "mail/smtp_server_impl.hpp"

namespace dh::mail {

asio::awaitable<void> SmtpServer::Impl::accept_loop() {
    auto self = shared_from_this();
    tcp::socket socket(ioc);
    error_code ec;
    while (!stopping) {
        co_await acceptor.async_accept(socket, asio::redirect_error(asio::use_awaitable, ec));
        if (ec && (stopping || ec == asio::error::operation_aborted)) break;
        if (ec) log::warn("smtp accept failed", {{"error", ec.message()}});
        if (!ec) start_session(std::move(socket));
        socket = tcp::socket(ioc);
    }
}

void SmtpServer::Impl::start_session(tcp::socket socket) {
    if (sessions.size() >= options.max_sessions) return refuse_busy(std::move(socket));
    auto conn = std::make_shared<Conn>(std::move(socket));
    error_code ec;
    conn->env.client_ip = conn->socket.remote_endpoint(ec).address().to_string();
    conn->env.session_id = random::hex(8);
    conn->session_deadline = in(options.session_timeout);
    sessions.insert(conn.get());
    auto self = shared_from_this();
    asio::co_spawn(ioc, session(*conn), [self, conn](std::exception_ptr error) {
        self->sessions.erase(conn.get());
        if (!error) return;
        try {
            std::rethrow_exception(error);
        } catch (const std::exception& e) {
            log::error("smtp session failed", {{"session", conn->env.session_id}, {"error", e.what()}});
        }
        error_code ignored;
        disarm(*conn);
        conn->socket.close(ignored);
    });
}

/// Over the session cap: one 421 line and hang up, without a session.
void SmtpServer::Impl::refuse_busy(tcp::socket socket) {
    auto sock = std::make_shared<tcp::socket>(std::move(socket));
    auto text =
        std::make_shared<std::string>("421 4.3.2 " + options.hostname + " Too many connections, try again later\r\n");
    log::warn("smtp session cap reached", {{"max_sessions", options.max_sessions}});
    asio::async_write(*sock, asio::buffer(*text), [sock, text](error_code, std::size_t) {
        error_code ignored;
        sock->shutdown(tcp::socket::shutdown_both, ignored);
        sock->close(ignored);
    });
}

asio::awaitable<bool> SmtpServer::Impl::flush(Conn& c, Clock::time_point deadline) {
    if (c.out.empty() || c.broken) co_return !c.broken;
    error_code ec;
    arm(c, deadline);
    if (c.tls)
        co_await asio::async_write(*c.tls, asio::buffer(c.out), asio::redirect_error(asio::use_awaitable, ec));
    else
        co_await asio::async_write(c.socket, asio::buffer(c.out), asio::redirect_error(asio::use_awaitable, ec));
    disarm(c);
    c.out.clear();
    co_return !ec;
}

/// Writes pending replies, then reads more input into c.in. False when the connection ended.
asio::awaitable<bool> SmtpServer::Impl::read_more(Conn& c, Clock::time_point deadline) {
    bool ok = co_await flush(c, in(options.command_timeout));
    if (!ok) co_return false;
    error_code ec;
    std::size_t n = 0;
    arm(c, deadline);
    if (c.tls)
        n = co_await c.tls->async_read_some(asio::buffer(c.chunk), asio::redirect_error(asio::use_awaitable, ec));
    else
        n = co_await c.socket.async_read_some(asio::buffer(c.chunk), asio::redirect_error(asio::use_awaitable, ec));
    disarm(c);
    if (ec) co_return false;
    c.in.append(c.chunk.data(), n);
    co_return true;
}

/// Next command line into c.line. An overlong line is skipped whole (memory stays bounded).
asio::awaitable<LineStatus> SmtpServer::Impl::read_line(Conn& c) {
    bool discarding = false;
    bool ok = true;
    while (ok) {
        std::size_t nl = c.in.find('\n');
        if (nl != std::string::npos && (discarding || nl + 1 > options.max_command_line)) {
            c.in.erase(0, nl + 1);
            co_return LineStatus::too_long;
        }
        if (nl != std::string::npos) {
            c.line.assign(c.in, 0, nl);
            if (!c.line.empty() && c.line.back() == '\r') c.line.pop_back();
            c.in.erase(0, nl + 1);
            co_return LineStatus::line;
        }
        if (c.in.size() > options.max_command_line) discarding = true;
        if (discarding) c.in.clear();
        if (stopping) co_return LineStatus::stopping;
        c.waiting = true;
        ok = co_await read_more(c, in(options.command_timeout));
        c.waiting = false;
    }
    co_return stopping ? LineStatus::stopping : LineStatus::closed;
}

asio::awaitable<void> SmtpServer::Impl::session(Conn& c) {
    reply(c, 220, options.hostname + " ESMTP DispatchHub");
    bool go = true;
    while (go) go = co_await next_command(c);
    co_await finish(c);
}

asio::awaitable<bool> SmtpServer::Impl::next_command(Conn& c) {
    LineStatus status = co_await read_line(c);
    if (status == LineStatus::closed && c.timed_out)
        reply(c, 421, "4.4.2 " + options.hostname + " Error: timeout exceeded");
    if (status == LineStatus::stopping)
        reply(c, 421, "4.3.2 " + options.hostname + " Service shutting down, try again later");
    if (status == LineStatus::closed || status == LineStatus::stopping) co_return false;
    bool keep = true;
    if (status == LineStatus::too_long)
        reply(c, 500, "5.5.2 Error: line too long");
    else
        keep = co_await dispatch(c);
    if (keep && c.errors >= options.max_errors) {
        reply(c, 421, "4.7.0 " + options.hostname + " Error: too many errors");
        keep = false;
    }
    co_return keep;
}

asio::awaitable<bool> SmtpServer::Impl::dispatch(Conn& c) {
    smtpd::Command cmd = smtpd::parse_command(c.line);
    bool keep = true;
    if (cmd.verb == "RCPT")
        keep = co_await rcpt(c, cmd);
    else if (cmd.verb == "DATA")
        keep = co_await data(c, cmd);
    else if (cmd.verb == "STARTTLS")
        keep = co_await starttls(c, cmd);
    else
        keep = simple_command(c, cmd);
    co_return keep;
}

/// Sends the last replies, then hangs up. After a refusal the client may still be sending: drain
/// a little first so that closing does not reset the connection before it reads our answer.
asio::awaitable<void> SmtpServer::Impl::finish(Conn& c) {
    co_await flush(c, Clock::now() + std::chrono::seconds(5));
    error_code ec;
    if (c.linger) c.socket.shutdown(tcp::socket::shutdown_send, ec);
    std::size_t drained = 0;
    arm(c, Clock::now() + std::chrono::seconds(2));
    while (c.linger && !ec && drained < (1u << 20))
        drained +=
            co_await c.socket.async_read_some(asio::buffer(c.chunk), asio::redirect_error(asio::use_awaitable, ec));
    disarm(c);
    c.socket.shutdown(tcp::socket::shutdown_both, ec);
    c.socket.close(ec);
}

void SmtpServer::Impl::begin_shutdown(std::function<void()> done) {
    stopping = true;
    error_code ec;
    acceptor.close(ec);
    auto self = shared_from_this();
    common::drain_until(ioc, Clock::now() + options.drain_timeout,
                        {.nudge =
                             [self] {
                                 error_code ignored;
                                 for (auto* s : self->sessions)
                                     if (s->waiting) s->socket.cancel(ignored);  // idle: it answers 421 and leaves
                             },
                         .remaining = [self] { return self->sessions.size(); },
                         .close_remaining =
                             [self] {
                                 log::warn("smtp shutdown: closing busy sessions", {{"count", self->sessions.size()}});
                                 error_code ignored;
                                 for (auto* s : self->sessions) s->socket.close(ignored);
                             },
                         .done = std::move(done)});
}

SmtpServer::SmtpServer(asio::io_context& ioc, asio::thread_pool& handler_pool, InboundHandler& handler, Options options)
    : impl_(std::make_shared<Impl>(ioc, handler_pool, handler, std::move(options))) {}

SmtpServer::~SmtpServer() = default;

std::uint16_t SmtpServer::listen() {
    auto& o = impl_->options;
    if (!o.tls_cert_file.empty() || !o.tls_key_file.empty()) {
        auto ctx = std::make_unique<ssl::context>(ssl::context::tls_server);
        ctx->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 |
                         ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1 | ssl::context::single_dh_use);
        ctx->use_certificate_chain_file(o.tls_cert_file);
        ctx->use_private_key_file(o.tls_key_file, ssl::context::pem);
        impl_->tls_context = std::move(ctx);
    }
    tcp::endpoint endpoint(asio::ip::make_address(o.host), o.port);
    impl_->acceptor.open(endpoint.protocol());
    impl_->acceptor.set_option(asio::socket_base::reuse_address(true));
    impl_->acceptor.bind(endpoint);
    impl_->acceptor.listen(asio::socket_base::max_listen_connections);
    return impl_->acceptor.local_endpoint().port();
}

void SmtpServer::start() {
    asio::co_spawn(impl_->ioc, impl_->accept_loop(), asio::detached);
}

void SmtpServer::shutdown(std::function<void()> done) {
    auto impl = impl_;
    asio::post(impl->ioc, [impl, done = std::move(done)]() mutable { impl->begin_shutdown(std::move(done)); });
}

}  // namespace dh::mail
