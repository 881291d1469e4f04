#include "delivery/outcome_recorder.hpp"

#include <algorithm>

#include "common/error.hpp"
#include "common/log.hpp"

namespace dh::delivery {
namespace {

bool is_unavailability(const std::exception& e) {
    auto* error = dynamic_cast<const Error*>(&e);
    return error && error->kind() == ErrorKind::unavailable;
}

/// For the log: a database error's internal detail (never sent to clients) says more than its message.
std::string describe(const std::exception& e) {
    auto* error = dynamic_cast<const Error*>(&e);
    if (!error || error->detail().empty()) return e.what();
    return error->message() + " (" + error->detail() + ")";
}

std::vector<std::string> ids_of(const OutcomeGroup& g) {
    std::vector<std::string> ids;
    for (auto& s : g.sent) ids.push_back(s.id);
    for (auto& s : g.retries) ids.push_back(s.id);
    for (auto& s : g.failed) ids.push_back(s.id);
    return ids;
}

}  // namespace

void OutcomeGroup::add(const DeliveryOutcome& outcome) {
    std::visit(
        [this](const auto& x) {
            using T = std::decay_t<decltype(x)>;
            if constexpr (std::is_same_v<T, queue_store::Sent>)
                sent.push_back(x);
            else if constexpr (std::is_same_v<T, queue_store::Retry>)
                retries.push_back(x);
            else
                failed.push_back(x);
        },
        outcome);
}

OutcomeRecorder::OutcomeRecorder(std::string owner, Record record, Options options)
    : owner_(std::move(owner)), record_(std::move(record)), options_(options), thread_([this] { run(); }) {}

OutcomeRecorder::~OutcomeRecorder() {
    stop();
}

std::uint64_t OutcomeRecorder::add(DeliveryOutcome outcome) {
    std::lock_guard lock(mutex_);
    if (queue_.empty()) oldest_since_ = Clock::now();
    auto ticket = next_ticket_++;
    queue_.push_back({ticket, std::move(outcome)});
    if (queue_.size() >= options_.group_max) wake_.notify_one();
    return ticket;
}

void OutcomeRecorder::flush_soon() {
    std::lock_guard lock(mutex_);
    urgent_through_ = next_ticket_ - 1;
    wake_.notify_one();
}

void OutcomeRecorder::wait(std::uint64_t ticket) {
    std::unique_lock lock(mutex_);
    recorded_.wait(lock, [&] { return handled_ >= ticket; });
}

std::size_t OutcomeRecorder::waiting() const {
    std::lock_guard lock(mutex_);
    return queue_.size();
}

void OutcomeRecorder::shutdown_within(std::chrono::milliseconds grace) {
    std::lock_guard lock(mutex_);
    if (!deadline_) deadline_ = Clock::now() + grace;
    wake_.notify_one();
}

void OutcomeRecorder::stop() {
    {
        std::lock_guard lock(mutex_);
        if (!deadline_) deadline_ = Clock::now();
        stopping_ = true;
        wake_.notify_one();
    }
    if (thread_.joinable()) thread_.join();
}

bool OutcomeRecorder::past_deadline() const {
    std::lock_guard lock(mutex_);
    return deadline_ && Clock::now() >= *deadline_;
}

bool OutcomeRecorder::due(Clock::time_point now) const {
    if (queue_.empty()) return false;
    return stopping_ || deadline_ || queue_.size() >= options_.group_max || queue_.front().ticket <= urgent_through_ ||
           now >= oldest_since_ + options_.flush_every;
}

void OutcomeRecorder::back_off(std::chrono::milliseconds delay) {
    std::unique_lock lock(mutex_);
    wake_.wait_for(lock, delay, [this] { return deadline_ && Clock::now() >= *deadline_; });
}

void OutcomeRecorder::run() {
    std::unique_lock lock(mutex_);
    for (;;) {
        if (queue_.empty()) {
            if (stopping_) return;
            wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
            continue;
        }
        if (!due(Clock::now())) {
            wake_.wait_until(lock, oldest_since_ + options_.flush_every);
            continue;
        }
        OutcomeGroup group;
        std::size_t n = std::min(queue_.size(), options_.group_max);
        for (std::size_t i = 0; i < n; ++i) group.add(queue_[i].outcome);
        lock.unlock();
        record_with_retries(group, true);
        lock.lock();
        handled_ = queue_[n - 1].ticket;
        queue_.erase(queue_.begin(), queue_.begin() + static_cast<std::ptrdiff_t>(n));
        if (!queue_.empty()) oldest_since_ = Clock::now();
        recorded_.notify_all();
    }
}

bool OutcomeRecorder::record_with_retries(const OutcomeGroup& group, bool may_split) {
    auto delay = options_.retry_first;
    auto since = Clock::now();
    int failures = 0, other_errors = 0;
    for (;;) {
        try {
            record_(group);
            if (failures > 0) {
                stalled_ = false;
                log::info("waiting outcomes recorded",
                          {{"worker", owner_},
                           {"outcomes", group.size()},
                           {"tries", failures + 1},
                           {"waited_ms",
                            std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - since).count()}});
            }
            return true;
        } catch (const std::exception& e) {
            ++failures;
            if (!is_unavailability(e)) ++other_errors;
            if (failures == 1 || failures % 20 == 0) {
                stalled_ = true;
                log::warn("outcomes waiting: recording them failed; retrying, and claiming nothing meanwhile",
                          {{"worker", owner_}, {"outcomes", waiting()}, {"tries", failures}, {"error", describe(e)}});
            }
            if (other_errors >= options_.tries_for_other_errors || past_deadline()) {
                if (may_split && group.size() > 1 && !past_deadline()) break;
                stalled_ = false;
                log::error("outcomes not recorded: these deliveries are sent again once their lease expires",
                           {{"worker", owner_}, {"deliveries", ids_of(group)}, {"error", describe(e)}});
                return false;
            }
        }
        back_off(delay);
        delay = std::min(delay * 2, options_.retry_max);
    }
    // The same error again and again: record each outcome alone, so that one bad row costs only itself.
    bool all = true;
    auto one = [&](const DeliveryOutcome& o) {
        OutcomeGroup single;
        single.add(o);
        all = record_with_retries(single, false) && all;
    };
    for (auto& s : group.sent) one(s);
    for (auto& s : group.retries) one(s);
    for (auto& s : group.failed) one(s);
    stalled_ = false;
    return all;
}

}  // namespace dh::delivery
