#pragma once
// Internal to the SMTP transport. Everything here runs on the transport's I/O thread.
#include <atomic>
#include <boost/asio/steady_timer.hpp>
#include <deque>
#include <future>
#include <list>
#include <mutex>

#include "mail/smtp_connection.hpp"

namespace dh::mail::smtp {

/// One send() call: its results and the promise its caller waits on.
struct Batch {
    ResultCallback on_result;  ///< each result as it comes (may be empty)
    std::vector<DeliveryResult> results;
    std::size_t remaining = 0;
    std::size_t taken = 0;  ///< jobs handed to connections so far (fair share between batches)
    std::promise<void> done;
};

/// One message waiting for (or on) a connection.
struct Job {
    const OutgoingMessage* message = nullptr;
    Batch* batch = nullptr;
    std::size_t index = 0;
    bool retried = false;  ///< already re-queued once after a connection loss before its data was sent
};

/// A connection slot and the coroutine that drives it.
struct Lane {
    Lane(asio::any_io_executor ex, const SmtpOptions& options, asio::ssl::context* tls)
        : connection(ex, options, tls), timer(ex) {}
    Connection connection;
    asio::steady_timer timer;  ///< idle wait and pause sleep; cancelled to wake the lane
    bool idle = false;
    bool needs_rset = false;  ///< the last envelope failed part-way: RSET before the next one
    bool counted = false;     ///< counted in ConnectionPool::connected_
};

/// Counters shared with other threads.
struct AtomicStats {
    std::atomic<std::uint64_t> connections_opened{0}, setup_failures{0}, sent{0}, deferred{0}, failed{0}, throttled{0};
    std::atomic<int> connection_limit{0}, open_connections{0};
};

/// The scheduler: a queue of jobs, up to `limit` lanes, pauses (throttling, back-off, relay problems).
class ConnectionPool {
public:
    ConnectionPool(asio::io_context& ioc, const SmtpOptions& options, asio::ssl::context* tls, AtomicStats& stats);

    void submit(Batch& batch, const std::vector<OutgoingMessage>& messages);
    void stop();
    std::string health() const;

private:
    using Clock = std::chrono::steady_clock;
    struct Envelope;

    // Scheduling (smtp_pool.cpp).
    void wake();
    void spawn_lane();
    int effective_limit() const { return probing_ ? 1 : limit_; }
    std::optional<Job> take(const Capabilities& caps);
    std::optional<Job> pop_fairly();
    void finish(Job& job, DeliveryResult result);
    void retry_or_finish(Job& job, DeliveryResult result);
    bool pause_active() const { return Clock::now() < pause_until_; }
    void pause_for(Duration d, const DeliveryResult& cause);
    void defer_queue_for_pause();
    void on_setup_ok();
    void on_setup_failed(const DeliveryResult& why);
    void on_outcome(const DeliveryResult& result);
    void set_health(std::string text);

    // Lanes and transactions (smtp_lane.cpp).
    asio::awaitable<void> run_lane(Lane& lane);
    asio::awaitable<bool> wait(Lane& lane, Duration d);
    asio::awaitable<void> run_transactions(Lane& lane);
    asio::awaitable<bool> envelope(Lane& lane, const Job& job, std::string& pending, Envelope& env);
    asio::awaitable<bool> envelope_lockstep(Lane& lane, const Job& job, Envelope& env);
    bool should_yield(const Lane& lane) const;
    std::string envelope_commands(const Connection& c, const Job& job) const;

    asio::io_context& ioc_;
    const SmtpOptions& options_;
    asio::ssl::context* tls_;
    AtomicStats& stats_;
    std::deque<Job> queue_;
    std::list<std::unique_ptr<Lane>> lanes_;
    int running_ = 0;  ///< lanes that have not decided to exit
    int connected_ = 0;
    int limit_;
    bool probing_ = false;  ///< after a set-up failure: one connection until one works
    bool stopping_ = false;
    Clock::time_point pause_until_{};
    DeliveryResult pause_cause_;
    int setup_failures_in_a_row_ = 0;
    int throttles_in_a_row_ = 0;
    Clock::time_point last_limit_change_{};
    mutable std::mutex health_mutex_;
    std::string health_;
};

}  // namespace dh::mail::smtp
