// The per-connection coroutine: set-up, then transactions, pipelined when the relay allows.
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "mail/smtp_pool.hpp"

namespace dh::mail::smtp {
namespace {

bool accepted(const Reply& r) {
    return r.code >= 200 && r.code < 300;
}

}  // namespace

/// The replies to one envelope (RSET, MAIL, RCPT, DATA); code 0 = not sent or not read.
struct ConnectionPool::Envelope {
    Reply rset, mail, rcpt, data;
    bool with_rset = false;

    bool failed_before_data() const { return !accepted(mail) || !accepted(rcpt); }
    bool closing() const { return mail.code == 421 || rcpt.code == 421 || data.code == 421; }
    DeliveryResult result() const {
        if (!accepted(mail)) return classify(mail, Step::mail);
        if (!accepted(rcpt)) return classify(rcpt, Step::rcpt);
        return classify(data, Step::data);
    }
};

asio::awaitable<void> ConnectionPool::run_lane(Lane& lane) {
    std::optional<DeliveryResult> failure;
    bool keep_going = true;
    while (keep_going && !stopping_) {
        if (running_ > effective_limit()) break;
        if (queue_.empty()) {
            keep_going = co_await wait(lane, options_.idle_timeout);
            continue;
        }
        if (pause_active()) {
            // A relay problem (AUTH/TLS) will not fix itself within one send(): the caller pauses.
            if (pause_cause_.relay_problem || pause_until_ - Clock::now() > options_.max_pause_wait)
                defer_queue_for_pause();
            if (pause_active() && !queue_.empty())
                co_await wait(lane, std::chrono::ceil<Duration>(pause_until_ - Clock::now()));
            continue;
        }
        if (lane.connection.is_open() && lane.connection.stale()) lane.connection.close();
        if (lane.counted && !lane.connection.is_open()) {
            lane.counted = false;
            stats_.open_connections = --connected_;
        }
        if (!lane.connection.is_open()) {
            ++stats_.connections_opened;
            lane.needs_rset = false;
            failure = co_await lane.connection.open();
            if (failure) {
                on_setup_failed(*failure);
                continue;
            }
            lane.counted = true;
            on_setup_ok();
        }
        co_await run_transactions(lane);
    }
    --running_;
    if (lane.counted) stats_.open_connections = --connected_;
    lane.counted = false;
    co_await lane.connection.quit();
}

asio::awaitable<bool> ConnectionPool::wait(Lane& lane, Duration d) {
    boost::system::error_code ec;
    lane.idle = true;
    lane.timer.expires_after(d);
    co_await lane.timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    lane.idle = false;
    co_return ec == asio::error::operation_aborted || !queue_.empty();
}

bool ConnectionPool::should_yield(const Lane& lane) const {
    return stopping_ || pause_active() || running_ > effective_limit() || !lane.connection.is_open();
}

std::string ConnectionPool::envelope_commands(const Connection& c, const Job& job) const {
    const Capabilities& caps = c.capabilities();
    const OutgoingMessage& m = *job.message;
    std::string out;
    out.reserve(m.mail_from.size() + m.rcpt_to.size() + 64);
    out += "MAIL FROM:<";
    out += m.mail_from;
    out += '>';
    if (caps.size_limit) out += " SIZE=" + std::to_string(m.data.size());
    if (caps.eight_bit_mime && has_eight_bit(m.data)) out += " BODY=8BITMIME";
    if (caps.smtputf8 && (has_eight_bit(m.mail_from) || has_eight_bit(m.rcpt_to))) out += " SMTPUTF8";
    out += "\r\nRCPT TO:<";
    out += m.rcpt_to;
    out += ">\r\nDATA\r\n";
    return out;
}

asio::awaitable<bool> ConnectionPool::envelope(Lane& lane, const Job& job, std::string& pending, Envelope& env) {
    Connection& c = lane.connection;
    const SmtpTimeouts& t = options_.timeouts;
    bool ok = true;
    if (!options_.use_pipelining || !c.capabilities().pipelining) {
        ok = co_await envelope_lockstep(lane, job, env);
        co_return ok;
    }
    // RFC 2920: the whole envelope in one write (empty `pending`: it went out with the last body).
    if (!pending.empty()) {
        if (lane.needs_rset) pending.insert(0, "RSET\r\n");
        env.with_rset = lane.needs_rset;
        ok = co_await c.write(pending, t.mail);
    }
    if (ok && env.with_rset) ok = co_await c.read(env.rset, t.command);
    lane.needs_rset = false;
    if (ok) ok = co_await c.read(env.mail, t.mail);
    if (ok && env.mail.code != 421) ok = co_await c.read(env.rcpt, t.rcpt);
    if (ok && !env.closing()) ok = co_await c.read(env.data, t.data_init);
    co_return ok;
}

asio::awaitable<bool> ConnectionPool::envelope_lockstep(Lane& lane, const Job& job, Envelope& env) {
    Connection& c = lane.connection;
    const SmtpTimeouts& t = options_.timeouts;
    std::string commands = envelope_commands(c, job);
    auto first = commands.find("\r\n") + 2;
    auto second = commands.find("\r\n", first) + 2;
    bool ok = true;
    if (lane.needs_rset) ok = co_await c.write("RSET\r\n", t.command);
    if (ok && lane.needs_rset) ok = co_await c.read(env.rset, t.command);
    lane.needs_rset = false;
    if (ok) ok = co_await c.write(commands.substr(0, first), t.mail);
    if (ok) ok = co_await c.read(env.mail, t.mail);
    if (ok && accepted(env.mail)) ok = co_await c.write(commands.substr(first, second - first), t.rcpt);
    if (ok && accepted(env.mail)) ok = co_await c.read(env.rcpt, t.rcpt);
    if (ok && accepted(env.rcpt)) ok = co_await c.write(commands.substr(second), t.data_init);
    if (ok && accepted(env.rcpt)) ok = co_await c.read(env.data, t.data_init);
    co_return ok;
}

asio::awaitable<void> ConnectionPool::run_transactions(Lane& lane) {
    Connection& c = lane.connection;
    const SmtpTimeouts& t = options_.timeouts;
    bool pipelining = options_.use_pipelining && c.capabilities().pipelining;
    std::optional<Job> current = take(c.capabilities());
    std::optional<Job> next;
    std::string pending;  // commands still to write before reading `current`'s replies
    std::string body;
    Envelope env;
    Reply reply;
    DeliveryResult result;
    bool ok = false;
    if (current) pending = envelope_commands(c, *current);
    while (current) {
        env = Envelope{};
        ok = co_await envelope(lane, *current, pending, env);
        if (!ok) {
            retry_or_finish(*current, io_failure(c.failure()));
            co_return;
        }
        if (env.data.code == 354 && env.failed_before_data()) {
            // A pipelining server that said 354 without a recipient: end the empty message.
            ok = co_await c.write(".\r\n", t.data_block);
            if (ok) ok = co_await c.read(reply, t.data_end);
        }
        if (env.data.code != 354 || env.failed_before_data()) {
            result = env.result();
            finish(*current, result);
            on_outcome(result);
            lane.needs_rset = true;
            if (env.closing()) c.close();
            current.reset();
            if (!should_yield(lane)) current = take(c.capabilities());
            if (current) pending = envelope_commands(c, *current);
            continue;
        }
        body.clear();
        append_data_payload(body, current->message->data);
        next.reset();
        // A message already re-queued after a connection loss goes first on a connection, never
        // behind another message whose failure could take it down a second time.
        if (pipelining && !should_yield(lane) && !queue_.empty() && !queue_.front().retried)
            next = take(c.capabilities());
        // The next envelope rides with this message's data (RFC 2920 allows data first in a group).
        if (next) body += envelope_commands(c, *next);
        ok = co_await c.write(body, t.data_block);
        if (ok) ok = co_await c.read(reply, t.data_end);
        if (!ok) {
            finish(*current, io_failure(c.failure()));
            if (next) retry_or_finish(*next, io_failure(c.failure()));
            co_return;
        }
        result = classify(reply, Step::dot);
        finish(*current, result);
        on_outcome(result);
        ++c.transactions;
        if (reply.code == 421) {
            c.close();
            if (next) retry_or_finish(*next, result);
            co_return;
        }
        current = next;
        pending.clear();
        if (current) continue;
        if (!should_yield(lane)) current = take(c.capabilities());
        if (current) pending = envelope_commands(c, *current);
    }
}

}  // namespace dh::mail::smtp
