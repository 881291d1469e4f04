#include "mail/smtp_server.hpp"

#include <utility>  // Boost 1.74's asio/awaitable.hpp needs std::exchange declared first
#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>

#include <array>
#include <set>

#include "common/log.hpp"
#include "common/random.hpp"
#include "mail/smtp_protocol.hpp"

namespace asio = boost::asio;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using boost::system::error_code;
using Clock = std::chrono::steady_clock;

namespace dh::mail {
namespace {

/// Runs `fn` on `pool` and resumes the awaiting coroutine on its own executor with the result.
/// `fn` must not throw. Not a coroutine itself (GCC 12, see below).
template <class F>
asio::awaitable<std::invoke_result_t<F>> run_blocking(asio::thread_pool& pool, F fn) {
    using R = std::invoke_result_t<F>;
    return asio::async_initiate<decltype(asio::use_awaitable), void(R)>(
        [&pool, fn = std::move(fn)](auto handler) mutable {
            auto ex = asio::get_associated_executor(handler);
            asio::post(pool, [handler = std::move(handler), ex, fn = std::move(fn)]() mutable {
                R result = fn();
                asio::post(ex, [handler = std::move(handler), result = std::move(result)]() mutable {
                    std::move(handler)(std::move(result));
                });
            });
        },
        asio::use_awaitable);
}

/// One SMTP connection. Everything a session needs lives here rather than in coroutine locals.
struct Conn : std::enable_shared_from_this<Conn> {
    explicit Conn(tcp::socket s) : socket(std::move(s)), timer(socket.get_executor()) {}
    tcp::socket socket;
    std::unique_ptr<ssl::stream<tcp::socket&>> tls;
    asio::steady_timer timer;
    std::uint64_t timer_generation = 0;  // a wait from an older arm() must not fire
    Clock::time_point session_deadline;
    bool timed_out = false;
    bool waiting = false;  // blocked reading a command: shutdown may interrupt it
    bool broken = false;   // the stream is unusable (failed TLS handshake): write nothing more
    bool linger = false;   // we hang up on a client that may still be sending
    std::string in;        // received, not yet consumed
    std::string out;       // replies not yet written (pipelined replies go out together)
    std::string line;      // the current command line, without its line ending
    std::array<char, 16 * 1024> chunk{};
    InboundEnvelope env;
    bool greeted = false;  // HELO/EHLO seen
    bool has_mail = false;
    std::size_t errors = 0;
};

enum class LineStatus { line, too_long, closed, stopping };

void reply(Conn& c, int code, std::string_view text) {
    c.out += std::to_string(code);
    c.out += ' ';
    c.out += text;
    c.out += "\r\n";
    if (code >= 500) ++c.errors;
}

/// Handler texts end up on the wire: one line, printable, bounded.
std::string clean_text(std::string_view text) {
    std::string out;
    for (char ch : text.substr(0, 400)) out += (ch == '\r' || ch == '\n' || ch == '\0') ? ' ' : ch;
    return out;
}

void reset_transaction(Conn& c) {
    c.has_mail = false;
    c.env.mail_from.clear();
    c.env.rcpt_to.clear();
    c.env.body_8bitmime = false;
}

/// Closes the socket when the deadline passes; the pending read or write then fails.
void arm(Conn& c, Clock::time_point deadline) {
    c.timer.expires_at(std::min(deadline, c.session_deadline));
    c.timer.async_wait([self = c.shared_from_this(), generation = ++c.timer_generation](error_code ec) {
        if (ec || generation != self->timer_generation) return;  // cancelled, or already expired and disarmed
        self->timed_out = true;
        error_code ignored;
        self->socket.cancel(ignored);
    });
}

void disarm(Conn& c) {
    ++c.timer_generation;
    c.timer.cancel();
}

}  // namespace

struct SmtpServer::Impl : std::enable_shared_from_this<SmtpServer::Impl> {
    asio::io_context& ioc;
    asio::thread_pool& pool;
    InboundHandler& handler;
    Options options;
    tcp::acceptor acceptor;
    std::unique_ptr<ssl::context> tls_context;
    std::set<Conn*> sessions;  // touched only on the I/O thread
    bool stopping = false;

    Impl(asio::io_context& ioc_, asio::thread_pool& pool_, InboundHandler& handler_, Options options_)
        : ioc(ioc_), pool(pool_), handler(handler_), options(std::move(options_)), acceptor(ioc_) {}

    Clock::time_point in(std::chrono::seconds d) const { return Clock::now() + d; }

    // GCC 12 mis-handles coroutine frames with by-value class parameters and with co_await inside
    // conditional expressions or nested scopes holding non-trivial locals: these coroutines take
    // references, keep their state in Conn and declare locals at function scope only.

    asio::awaitable<void> accept_loop() {
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

    void start_session(tcp::socket socket) {
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
    void refuse_busy(tcp::socket socket) {
        auto sock = std::make_shared<tcp::socket>(std::move(socket));
        auto text = std::make_shared<std::string>("421 4.3.2 " + options.hostname +
                                                  " Too many connections, try again later\r\n");
        log::warn("smtp session cap reached", {{"max_sessions", options.max_sessions}});
        asio::async_write(*sock, asio::buffer(*text), [sock, text](error_code, std::size_t) {
            error_code ignored;
            sock->shutdown(tcp::socket::shutdown_both, ignored);
            sock->close(ignored);
        });
    }

    asio::awaitable<bool> flush(Conn& c, Clock::time_point deadline) {
        if (c.out.empty() || c.broken) co_return !c.broken;
        error_code ec;
        arm(c, deadline);
        if (c.tls) co_await asio::async_write(*c.tls, asio::buffer(c.out), asio::redirect_error(asio::use_awaitable, ec));
        else co_await asio::async_write(c.socket, asio::buffer(c.out), asio::redirect_error(asio::use_awaitable, ec));
        disarm(c);
        c.out.clear();
        co_return !ec;
    }

    /// Writes pending replies, then reads more input into c.in. False when the connection ended.
    asio::awaitable<bool> read_more(Conn& c, Clock::time_point deadline) {
        bool ok = co_await flush(c, in(options.command_timeout));
        if (!ok) co_return false;
        error_code ec;
        std::size_t n = 0;
        arm(c, deadline);
        if (c.tls) n = co_await c.tls->async_read_some(asio::buffer(c.chunk), asio::redirect_error(asio::use_awaitable, ec));
        else n = co_await c.socket.async_read_some(asio::buffer(c.chunk), asio::redirect_error(asio::use_awaitable, ec));
        disarm(c);
        if (ec) co_return false;
        c.in.append(c.chunk.data(), n);
        co_return true;
    }

    /// Next command line into c.line. An overlong line is skipped whole (memory stays bounded).
    asio::awaitable<LineStatus> read_line(Conn& c) {
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

    asio::awaitable<void> session(Conn& c) {
        reply(c, 220, options.hostname + " ESMTP DispatchHub");
        bool go = true;
        while (go) go = co_await next_command(c);
        co_await finish(c);
    }

    asio::awaitable<bool> next_command(Conn& c) {
        LineStatus status = co_await read_line(c);
        if (status == LineStatus::closed && c.timed_out) reply(c, 421, "4.4.2 " + options.hostname + " Error: timeout exceeded");
        if (status == LineStatus::stopping) reply(c, 421, "4.3.2 " + options.hostname + " Service shutting down, try again later");
        if (status == LineStatus::closed || status == LineStatus::stopping) co_return false;
        bool keep = true;
        if (status == LineStatus::too_long) reply(c, 500, "5.5.2 Error: line too long");
        else keep = co_await dispatch(c);
        if (keep && c.errors >= options.max_errors) {
            reply(c, 421, "4.7.0 " + options.hostname + " Error: too many errors");
            keep = false;
        }
        co_return keep;
    }

    asio::awaitable<bool> dispatch(Conn& c) {
        smtp::Command cmd = smtp::parse_command(c.line);
        bool keep = true;
        if (cmd.verb == "RCPT") keep = co_await rcpt(c, cmd);
        else if (cmd.verb == "DATA") keep = co_await data(c, cmd);
        else if (cmd.verb == "STARTTLS") keep = co_await starttls(c, cmd);
        else keep = simple_command(c, cmd);
        co_return keep;
    }

    bool simple_command(Conn& c, const smtp::Command& cmd);
    void ehlo(Conn& c, const smtp::Command& cmd);
    void mail(Conn& c, const smtp::Command& cmd);
    asio::awaitable<bool> rcpt(Conn& c, const smtp::Command& cmd);
    asio::awaitable<bool> data(Conn& c, const smtp::Command& cmd);
    asio::awaitable<bool> read_data(Conn& c, smtp::DataReader& reader);
    void answer_data(Conn& c, smtp::DataReader& reader, const StoreVerdict& verdict);
    asio::awaitable<bool> starttls(Conn& c, const smtp::Command& cmd);
    asio::awaitable<void> finish(Conn& c);
    void begin_shutdown(std::function<void()> done);
};

bool SmtpServer::Impl::simple_command(Conn& c, const smtp::Command& cmd) {
    const std::string& v = cmd.verb;
    if (v == "EHLO" || v == "HELO") ehlo(c, cmd);
    else if (v == "MAIL") mail(c, cmd);
    else if (v == "RSET") {
        reset_transaction(c);
        reply(c, 250, "2.0.0 Ok");
    } else if (v == "NOOP") reply(c, 250, "2.0.0 Ok");
    else if (v == "VRFY") reply(c, 252, "2.5.2 Cannot VRFY user, but will accept message for routed addresses");
    else if (v == "QUIT") {
        reply(c, 221, "2.0.0 Bye");
        return false;
    } else if (v == "GET" || v == "POST" || v == "HEAD" || v == "PUT" || v == "CONNECT") {
        log::info("smtp: HTTP request on the SMTP port, hanging up", {{"session", c.env.session_id}});
        c.linger = true;
        return false;  // a browser or proxy abuse attempt: no reply at all
    } else if (v == "EXPN" || v == "HELP" || v == "AUTH" || v == "BDAT" || v == "ETRN" || v == "TURN")
        reply(c, 502, "5.5.1 Error: command not implemented");
    else reply(c, 500, "5.5.2 Error: command not recognized");
    return true;
}

void SmtpServer::Impl::ehlo(Conn& c, const smtp::Command& cmd) {
    if (cmd.arg.empty()) return reply(c, 501, "5.5.4 Syntax: " + cmd.verb + " hostname");
    c.env.helo = clean_text(cmd.arg);
    c.greeted = true;
    reset_transaction(c);
    if (cmd.verb == "HELO") return reply(c, 250, options.hostname);
    std::vector<std::string> lines = {options.hostname, "PIPELINING", "SIZE " + std::to_string(options.max_message_size),
                                      "8BITMIME"};
    if (tls_context && !c.tls) lines.push_back("STARTTLS");
    lines.push_back("ENHANCEDSTATUSCODES");
    for (std::size_t i = 0; i < lines.size(); ++i) c.out += "250" + std::string(i + 1 < lines.size() ? "-" : " ") + lines[i] + "\r\n";
}

void SmtpServer::Impl::mail(Conn& c, const smtp::Command& cmd) {
    if (!c.greeted) return reply(c, 503, "5.5.1 Error: send HELO/EHLO first");
    if (c.has_mail) return reply(c, 503, "5.5.1 Error: nested MAIL command");
    smtp::PathArg path = smtp::parse_path_arg(cmd.arg, "FROM:");
    if (!path.ok) return reply(c, path.code, path.error);
    bool eight_bit = false;
    for (auto& [key, value] : path.params) {
        if (key == "SIZE") {
            if (value.empty() || value.size() > 18 || value.find_first_not_of("0123456789") != std::string::npos)
                return reply(c, 501, "5.5.4 Bad SIZE parameter");
            if (std::stoull(value) > options.max_message_size)
                return reply(c, 552, "5.3.4 Message size exceeds fixed limit");
        } else if (key == "BODY") {
            std::string body = value;
            for (auto& ch : body) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
            if (body != "7BIT" && body != "8BITMIME") return reply(c, 555, "5.5.4 Unsupported BODY type");
            eight_bit = body == "8BITMIME";
        } else {
            return reply(c, 555, "5.5.4 Unsupported MAIL parameter " + clean_text(key));
        }
    }
    c.has_mail = true;
    c.env.mail_from = path.address;
    c.env.body_8bitmime = eight_bit;
    reply(c, 250, "2.1.0 Ok");
}

asio::awaitable<bool> SmtpServer::Impl::rcpt(Conn& c, const smtp::Command& cmd) {
    smtp::PathArg path = smtp::parse_path_arg(cmd.arg, "TO:");
    if (!c.has_mail) reply(c, 503, "5.5.1 Error: need MAIL command");
    else if (!path.ok) reply(c, path.code, path.error);
    else if (path.address.empty()) reply(c, 501, "5.1.3 Bad recipient address syntax");
    else if (!path.params.empty()) reply(c, 555, "5.5.4 Unsupported RCPT parameter");
    else if (c.env.rcpt_to.size() >= options.max_recipients) reply(c, 452, "4.5.3 Error: too many recipients");
    if (!c.has_mail || !path.ok || path.address.empty() || !path.params.empty() ||
        c.env.rcpt_to.size() >= options.max_recipients)
        co_return true;
    InboundHandler& h = handler;
    RcptVerdict verdict = co_await run_blocking(pool, [&h, &path]() -> RcptVerdict {
        try {
            return h.check_recipient(path.address);
        } catch (const std::exception& e) {
            log::error("smtp: recipient check failed", {{"error", e.what()}});
            return RcptVerdict::refuse(451, "4.3.0 Error: temporary failure, try again later");
        }
    });
    if (verdict.accepted) {
        c.env.rcpt_to.push_back(path.address);
        reply(c, 250, "2.1.5 Ok");
    } else {
        bool valid = verdict.code >= 400 && verdict.code < 600;
        reply(c, valid ? verdict.code : 550, clean_text(verdict.text));
    }
    co_return true;
}

asio::awaitable<bool> SmtpServer::Impl::read_data(Conn& c, smtp::DataReader& reader) {
    Clock::time_point deadline = in(options.data_timeout);
    bool ok = true;
    while (ok) {
        c.in.erase(0, reader.feed(c.in));
        if (reader.done()) co_return true;
        ok = co_await read_more(c, deadline);
    }
    co_return false;
}

asio::awaitable<bool> SmtpServer::Impl::data(Conn& c, const smtp::Command& cmd) {
    if (!c.has_mail) reply(c, 503, "5.5.1 Error: need MAIL command");
    else if (c.env.rcpt_to.empty()) reply(c, 554, "5.5.1 Error: no valid recipients");
    else if (!cmd.arg.empty()) reply(c, 501, "5.5.4 Syntax: DATA");
    if (!c.has_mail || c.env.rcpt_to.empty() || !cmd.arg.empty()) co_return true;
    reply(c, 354, "End data with <CR><LF>.<CR><LF>");
    smtp::DataReader reader(options.max_message_size);
    bool complete = co_await read_data(c, reader);
    if (!complete && c.timed_out) reply(c, 421, "4.4.2 " + options.hostname + " Error: timeout exceeded");
    if (!complete) co_return false;
    if (reader.bad_line_ending()) {
        // The client and we may disagree on where this message ended: never read another command.
        log::warn("smtp: bare CR/LF in DATA refused", {{"session", c.env.session_id}, {"client", c.env.client_ip}});
        reply(c, 554, "5.6.0 Message refused: bare CR or LF line ending (RFC 5321 section 2.3.8)");
        c.linger = true;
        co_return false;
    }
    StoreVerdict verdict = StoreVerdict::fail(552, "5.3.4 Message size exceeds fixed maximum message size");
    InboundHandler& h = handler;
    const InboundEnvelope& env = c.env;
    if (!reader.too_big()) verdict = co_await run_blocking(pool, [&h, &env, &reader]() -> StoreVerdict {
        try {
            return h.store(env, reader.message());
        } catch (const std::exception& e) {
            log::error("smtp: storing a message failed", {{"session", env.session_id}, {"error", e.what()}});
            return StoreVerdict::fail(451, "4.3.0 Error: message not stored, try again later");
        }
    });
    answer_data(c, reader, verdict);
    co_return true;
}

void SmtpServer::Impl::answer_data(Conn& c, smtp::DataReader& reader, const StoreVerdict& verdict) {
    if (verdict.stored) {
        log::info("smtp: message stored", {{"session", c.env.session_id}, {"id", verdict.id},
                                           {"recipients", c.env.rcpt_to.size()}, {"bytes", reader.message().size()}});
        reply(c, 250, "2.0.0 Ok: queued as " + clean_text(verdict.id));
    } else {
        bool valid = verdict.code >= 400 && verdict.code < 600;
        reply(c, valid ? verdict.code : 451, clean_text(verdict.text));
    }
    reset_transaction(c);
}

asio::awaitable<bool> SmtpServer::Impl::starttls(Conn& c, const smtp::Command& cmd) {
    if (!tls_context) reply(c, 502, "5.5.1 Error: command not implemented");
    else if (c.tls) reply(c, 503, "5.5.1 Error: TLS already active");
    else if (!cmd.arg.empty()) reply(c, 501, "5.5.4 Syntax: STARTTLS");
    if (!tls_context || c.tls || !cmd.arg.empty()) co_return true;
    reply(c, 220, "2.0.0 Ready to start TLS");
    bool ok = co_await flush(c, in(options.command_timeout));
    if (!ok) co_return false;
    c.in.clear();  // whatever was pipelined before the handshake came in clear text (CVE-2011-0411)
    c.tls = std::make_unique<ssl::stream<tcp::socket&>>(c.socket, *tls_context);
    error_code ec;
    arm(c, in(options.command_timeout));
    co_await c.tls->async_handshake(ssl::stream_base::server, asio::redirect_error(asio::use_awaitable, ec));
    disarm(c);
    if (ec) {
        log::info("smtp: TLS handshake failed", {{"session", c.env.session_id}, {"error", ec.message()}});
        c.broken = true;
        co_return false;
    }
    c.env.tls = true;
    c.greeted = false;  // RFC 3207: forget everything learnt before TLS
    c.env.helo.clear();
    reset_transaction(c);
    co_return true;
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
        drained += co_await c.socket.async_read_some(asio::buffer(c.chunk), asio::redirect_error(asio::use_awaitable, ec));
    disarm(c);
    c.socket.shutdown(tcp::socket::shutdown_both, ec);
    c.socket.close(ec);
}

void SmtpServer::Impl::begin_shutdown(std::function<void()> done) {
    stopping = true;
    error_code ec;
    acceptor.close(ec);
    auto deadline = Clock::now() + options.drain_timeout;
    auto timer = std::make_shared<asio::steady_timer>(ioc);
    auto self = shared_from_this();
    auto poll = std::make_shared<std::function<void()>>();
    *poll = [self, timer, deadline, done, poll]() {
        error_code ignored;
        for (auto* s : self->sessions)
            if (s->waiting) s->socket.cancel(ignored);  // idle: it answers 421 and leaves
        if (self->sessions.empty() || Clock::now() > deadline) {
            if (!self->sessions.empty()) log::warn("smtp shutdown: closing busy sessions", {{"count", self->sessions.size()}});
            for (auto* s : self->sessions) s->socket.close(ignored);
            done();
            *poll = nullptr;  // break the self-reference
            return;
        }
        timer->expires_after(std::chrono::milliseconds(25));
        timer->async_wait([poll](error_code) {
            if (*poll) (*poll)();
        });
    };
    (*poll)();
}

SmtpServer::SmtpServer(asio::io_context& ioc, asio::thread_pool& handler_pool, InboundHandler& handler,
                       Options options)
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

void SmtpServer::start() { asio::co_spawn(impl_->ioc, impl_->accept_loop(), asio::detached); }

void SmtpServer::shutdown(std::function<void()> done) {
    auto impl = impl_;
    asio::post(impl->ioc, [impl, done = std::move(done)]() mutable { impl->begin_shutdown(std::move(done)); });
}

}  // namespace dh::mail
