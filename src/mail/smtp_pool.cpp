#include "mail/smtp_pool.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <cmath>

#include "common/log.hpp"
#include "common/strings.hpp"

namespace dh::mail::smtp {
namespace {

Duration doubled(Duration base, int times, Duration cap) {
    Duration d = base;
    for (int i = 0; i < times && d < cap; ++i) d *= 2;
    return std::min(d, cap);
}

bool is_ascii(std::string_view s) {
    return !has_eight_bit(s);
}

/// Addresses go into command lines: anything that could end or bend the line is refused.
bool safe_address(std::string_view a) {
    for (unsigned char c : a)
        if (c < 0x20 || c == 0x7f || c == '<' || c == '>' || c == ' ') return false;
    return a.size() <= 512;
}

DeliveryResult refused_locally(const char* reason) {
    DeliveryResult r;
    r.outcome = Outcome::failed;
    r.reason = reason;
    return r;
}

}  // namespace

ConnectionPool::ConnectionPool(asio::io_context& ioc, const SmtpOptions& options, asio::ssl::context* tls,
                               AtomicStats& stats)
    : ioc_(ioc), options_(options), tls_(tls), stats_(stats), limit_(std::max(1, options.connections)) {
    stats_.connection_limit = limit_;
}

void ConnectionPool::submit(Batch& batch, const std::vector<OutgoingMessage>& messages) {
    for (std::size_t i = 0; i < messages.size(); ++i) queue_.push_back(Job{&messages[i], &batch, i});
    if (stopping_) {
        while (!queue_.empty()) {
            finish(queue_.front(), io_failure(IoFailure::dropped));
            queue_.pop_front();
        }
        return;
    }
    wake();
}

void ConnectionPool::wake() {
    if (stopping_) return;
    std::size_t pending = queue_.size();
    for (auto& lane : lanes_) {
        if (pending == 0) return;
        if (lane->idle) {
            lane->idle = false;
            lane->timer.cancel();
            --pending;
        }
    }
    while (pending > 0 && running_ < effective_limit()) {
        spawn_lane();
        --pending;
    }
}

void ConnectionPool::spawn_lane() {
    lanes_.push_back(std::make_unique<Lane>(ioc_.get_executor(), options_, tls_));
    auto it = std::prev(lanes_.end());
    ++running_;
    asio::co_spawn(ioc_, run_lane(**it), [this, it](std::exception_ptr error) {
        if (error) {
            try {
                std::rethrow_exception(error);
            } catch (const std::exception& e) {
                log::error("smtp lane failed", {{"error", e.what()}});
            }
        }
        lanes_.erase(it);
        wake();  // its queue share goes to the others (or a fresh lane)
    });
}

void ConnectionPool::stop() {
    stopping_ = true;
    for (auto& lane : lanes_) {
        lane->timer.cancel();
        if (!lane->idle) lane->connection.cancel();
    }
    while (!queue_.empty()) {
        finish(queue_.front(), io_failure(IoFailure::dropped));
        queue_.pop_front();
    }
}

/// The next job of the batch that has had the fewest jobs handed out, so that concurrent send()
/// calls (worker threads, usually different tenants) share the connections: a batch whose messages
/// stall the relay does not keep the others queued behind it.
std::optional<Job> ConnectionPool::pop_fairly() {
    if (queue_.empty()) return std::nullopt;
    auto best = queue_.begin();
    for (auto it = queue_.begin(); it != queue_.end(); ++it)
        if (it->batch->taken < best->batch->taken) best = it;
    Job job = *best;
    queue_.erase(best);
    ++job.batch->taken;
    return job;
}

std::optional<Job> ConnectionPool::take(const Capabilities& caps) {
    while (auto next = pop_fairly()) {
        Job job = *next;
        const OutgoingMessage& m = *job.message;
        bool international = !is_ascii(m.mail_from) || !is_ascii(m.rcpt_to);
        if (m.rcpt_to.empty()) {
            finish(job, refused_locally("the message has no recipient"));
        } else if (!safe_address(m.mail_from) || !safe_address(m.rcpt_to)) {
            finish(job, refused_locally("the sender or recipient address is not valid"));
        } else if (caps.size_limit && m.data.size() > *caps.size_limit) {
            finish(job, refused_locally("the message is larger than the relay accepts"));
        } else if (international && !caps.smtputf8) {
            finish(job, refused_locally("the relay does not accept international addresses (no SMTPUTF8)"));
        } else {
            return job;
        }
    }
    return std::nullopt;
}

void ConnectionPool::finish(Job& job, DeliveryResult result) {
    result.id = job.message->id;
    switch (result.outcome) {
        case Outcome::sent:
            ++stats_.sent;
            break;
        case Outcome::deferred:
            ++stats_.deferred;
            break;
        case Outcome::failed:
            ++stats_.failed;
            break;
    }
    Batch& batch = *job.batch;
    batch.results[job.index] = std::move(result);
    if (batch.on_result) batch.on_result(batch.results[job.index]);
    if (--batch.remaining == 0) batch.done.set_value();
}

void ConnectionPool::retry_or_finish(Job& job, DeliveryResult result) {
    // Nothing of this message reached the relay's queue: one more try on another connection is
    // safe (no duplicate) and hides idle connections the relay closed under us.
    if (!job.retried && !stopping_) {
        job.retried = true;
        queue_.push_front(job);
        return;
    }
    finish(job, std::move(result));
}

void ConnectionPool::pause_for(Duration d, const DeliveryResult& cause) {
    auto until = Clock::now() + d;
    if (until <= pause_until_) return;
    pause_until_ = until;
    pause_cause_ = cause;
}

void ConnectionPool::defer_queue_for_pause() {
    auto remaining = std::chrono::duration<double>(pause_until_ - Clock::now()).count();
    while (!queue_.empty()) {
        DeliveryResult r = pause_cause_;
        r.outcome = Outcome::deferred;
        r.retry_after_seconds = std::max(1, static_cast<int>(std::ceil(remaining)));
        finish(queue_.front(), std::move(r));
        queue_.pop_front();
    }
}

void ConnectionPool::on_setup_ok() {
    ++connected_;
    stats_.open_connections = connected_;
    setup_failures_in_a_row_ = 0;
    if (probing_) {
        probing_ = false;
        wake();
    }
    set_health({});
}

void ConnectionPool::on_setup_failed(const DeliveryResult& why) {
    ++stats_.setup_failures;
    if (why.relay_problem) {
        // Every connection would fail the same way: stop, say why, probe again later with one.
        probing_ = true;
        set_health(why.reason);
        pause_for(options_.relay_problem_pause, why);
        return;
    }
    if (connected_ > 0) {
        // Others work: the relay likely caps connections per client; stay at what it accepts.
        limit_ = std::max(1, std::min(limit_, connected_));
        stats_.connection_limit = limit_;
        last_limit_change_ = Clock::now();
        return;
    }
    probing_ = true;
    if (pause_active()) return;  // a failure of the same wave: the back-off is already running
    Duration d = doubled(options_.reconnect_backoff, setup_failures_in_a_row_++, options_.max_backoff);
    if (why.retry_after_seconds) d = std::max<Duration>(d, std::chrono::seconds(*why.retry_after_seconds));
    pause_for(d, why);
}

void ConnectionPool::on_outcome(const DeliveryResult& result) {
    auto now = Clock::now();
    if (result.reason == kReasonThrottled) {
        ++stats_.throttled;
        if (pause_active()) return;  // replies already in flight when we reacted: no second cut
        limit_ = std::max(1, limit_ / 2);
        stats_.connection_limit = limit_;
        last_limit_change_ = now;
        Duration d = doubled(options_.throttle_pause, throttles_in_a_row_++, options_.max_backoff);
        if (result.retry_after_seconds) d = std::chrono::seconds(*result.retry_after_seconds);
        pause_for(d, result);
        log::warn("smtp relay is throttling: fewer connections and a pause",
                  {{"connections", limit_}, {"pause_ms", d.count()}, {"reply", result.reply}});
        return;
    }
    if (result.outcome != Outcome::sent) return;
    throttles_in_a_row_ = 0;
    if (limit_ < options_.connections && now - last_limit_change_ >= options_.recovery_interval) {
        ++limit_;
        stats_.connection_limit = limit_;
        last_limit_change_ = now;
        wake();
    }
}

void ConnectionPool::set_health(std::string text) {
    std::lock_guard lock(health_mutex_);
    if (text == health_) return;
    if (text.empty()) {
        log::info("smtp relay healthy again", {{"relay", options_.url.redacted()}});
    } else {
        log::warn("smtp relay problem: sending paused", {{"relay", options_.url.redacted()}, {"reason", text}});
    }
    health_ = std::move(text);
}

std::string ConnectionPool::health() const {
    std::lock_guard lock(health_mutex_);
    return health_;
}

}  // namespace dh::mail::smtp
