#pragma once
// Internals of the inbound SMTP server, shared by smtp_server.cpp (connections, I/O, timeouts,
// shutdown) and smtp_commands.cpp (the SMTP verbs). Only these two files include it.
#include <array>
#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <set>
#include <utility>  // Boost 1.74's asio/awaitable.hpp needs std::exchange declared first

#include "common/async_pool.hpp"
#include "mail/smtp_server.hpp"
#include "mail/smtp_server_protocol.hpp"

namespace dh::mail {

namespace smtp_detail {

namespace asio = boost::asio;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using boost::system::error_code;
using Clock = std::chrono::steady_clock;

using common::run_blocking;

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

inline void reply(Conn& c, int code, std::string_view text) {
    c.out += std::to_string(code);
    c.out += ' ';
    c.out += text;
    c.out += "\r\n";
    if (code >= 500) ++c.errors;
}

/// Handler texts end up on the wire: one line, printable, bounded.
inline std::string clean_text(std::string_view text) {
    std::string out;
    for (char ch : text.substr(0, 400)) out += (ch == '\r' || ch == '\n' || ch == '\0') ? ' ' : ch;
    return out;
}

inline void reset_transaction(Conn& c) {
    c.has_mail = false;
    c.env.mail_from.clear();
    c.env.rcpt_to.clear();
    c.env.body_8bitmime = false;
}

/// Closes the socket when the deadline passes; the pending read or write then fails.
inline void arm(Conn& c, Clock::time_point deadline) {
    c.timer.expires_at(std::min(deadline, c.session_deadline));
    c.timer.async_wait([self = c.shared_from_this(), generation = ++c.timer_generation](error_code ec) {
        if (ec || generation != self->timer_generation) return;  // cancelled, or already expired and disarmed
        self->timed_out = true;
        error_code ignored;
        self->socket.cancel(ignored);
    });
}

inline void disarm(Conn& c) {
    ++c.timer_generation;
    c.timer.cancel();
}

}  // namespace smtp_detail

using namespace smtp_detail;

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

    // Connections (smtp_server.cpp)
    asio::awaitable<void> accept_loop();
    void start_session(tcp::socket socket);
    void refuse_busy(tcp::socket socket);
    asio::awaitable<bool> flush(Conn& c, Clock::time_point deadline);
    asio::awaitable<bool> read_more(Conn& c, Clock::time_point deadline);
    asio::awaitable<LineStatus> read_line(Conn& c);
    asio::awaitable<void> session(Conn& c);
    asio::awaitable<bool> next_command(Conn& c);
    asio::awaitable<bool> dispatch(Conn& c);
    asio::awaitable<void> finish(Conn& c);
    void begin_shutdown(std::function<void()> done);

    // SMTP verbs (smtp_commands.cpp)
    bool simple_command(Conn& c, const smtpd::Command& cmd);
    void ehlo(Conn& c, const smtpd::Command& cmd);
    void mail(Conn& c, const smtpd::Command& cmd);
    asio::awaitable<bool> rcpt(Conn& c, const smtpd::Command& cmd);
    asio::awaitable<bool> data(Conn& c, const smtpd::Command& cmd);
    asio::awaitable<bool> read_data(Conn& c, smtpd::DataReader& reader);
    void answer_data(Conn& c, smtpd::DataReader& reader, const StoreVerdict& verdict);
    asio::awaitable<bool> starttls(Conn& c, const smtpd::Command& cmd);
};

}  // namespace dh::mail
