#pragma once
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <variant>
#include <vector>

#include "delivery/queue_store.hpp"

namespace dh::delivery {

/// What became of one claimed delivery, waiting to be recorded.
using DeliveryOutcome = std::variant<queue_store::Sent, queue_store::Retry, queue_store::Failed>;

/// Outcomes recorded together, in one transaction.
struct OutcomeGroup {
    std::vector<queue_store::Sent> sent;
    std::vector<queue_store::Retry> retries;
    std::vector<queue_store::Failed> failed;
    void add(const DeliveryOutcome& outcome);
    std::size_t size() const { return sent.size() + retries.size() + failed.size(); }
};

/// Records the outcomes of a worker's messages as they arrive, in small time-boxed groups (one
/// transaction per group, on a thread of its own), so that a crash re-sends only what was really
/// on the wire (I6). An outcome is never dropped because the database is away: the group is tried
/// again with backoff until it is recorded, and meanwhile `stalled()` tells the worker to claim
/// nothing more (the senders keep renewing their leases while they wait). Only an error that is not
/// unavailability, repeated, makes an outcome be given up (each outcome then tried alone, so one
/// bad row cannot hold the others); so does shutdown after `shutdown_within()` has passed. A given
/// up delivery keeps its lease until it expires and is then sent again, and the log says so.
class OutcomeRecorder {
public:
    struct Options {
        std::chrono::milliseconds flush_every{75};  ///< the longest an outcome waits for its group
        std::size_t group_max = 500;                ///< a group this large is recorded at once
        std::chrono::milliseconds retry_first{200};
        std::chrono::milliseconds retry_max{std::chrono::seconds(5)};
        int tries_for_other_errors = 5;  ///< errors other than unavailability, before splitting or giving up
    };
    /// Records one group in one transaction; throws when it could not.
    using Record = std::function<void(const OutcomeGroup&)>;

    OutcomeRecorder(std::string owner, Record record, Options options);
    ~OutcomeRecorder();
    OutcomeRecorder(const OutcomeRecorder&) = delete;
    OutcomeRecorder& operator=(const OutcomeRecorder&) = delete;

    /// Queues an outcome (cheap: safe on a transport's I/O thread); returns its ticket for wait().
    std::uint64_t add(DeliveryOutcome outcome);
    /// What is queued now is recorded without waiting for the end of the interval.
    void flush_soon();
    /// Blocks until every outcome up to `ticket` has been recorded (or given up).
    void wait(std::uint64_t ticket);
    /// Outcomes not recorded yet (queued or being recorded).
    std::size_t waiting() const;
    /// True while recording fails and outcomes wait.
    bool stalled() const { return stalled_; }
    /// From now on, recording that still fails after `grace` gives up (the process is stopping).
    void shutdown_within(std::chrono::milliseconds grace);
    /// Records what is queued (within the grace period), then ends the recording thread.
    void stop();

private:
    using Clock = std::chrono::steady_clock;
    struct Entry {
        std::uint64_t ticket;
        DeliveryOutcome outcome;
    };
    void run();
    bool due(Clock::time_point now) const;
    /// True when recorded; false when given up.
    bool record_with_retries(const OutcomeGroup& group, bool may_split);
    bool past_deadline() const;
    void back_off(std::chrono::milliseconds delay);

    std::string owner_;
    Record record_;
    Options options_;
    mutable std::mutex mutex_;
    std::condition_variable wake_;      ///< the recording thread
    std::condition_variable recorded_;  ///< waiters
    std::deque<Entry> queue_;           ///< front: the oldest; a group stays here until recorded
    Clock::time_point oldest_since_{};
    std::uint64_t next_ticket_ = 1;
    std::uint64_t handled_ = 0;         ///< every ticket up to this one is recorded or given up
    std::uint64_t urgent_through_ = 0;  ///< flush_soon(): tickets up to this one are due now
    std::optional<Clock::time_point> deadline_;
    bool stopping_ = false;
    std::atomic<bool> stalled_{false};
    std::thread thread_;  // last: starts once the members it uses exist
};

}  // namespace dh::delivery
