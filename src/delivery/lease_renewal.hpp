#pragma once
#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "common/log.hpp"
#include "db/tx.hpp"

namespace dh::delivery {

/// A stalled relay can hold a batch for minutes (SMTP timeouts), longer than the lease, and a
/// database outage can hold its outcomes: while a batch is held here, its `renew` runs every third
/// of the lease in a platform transaction of its own, so the batch is not taken over, and sent a
/// second time, while its messages are on the wire or their outcomes wait to be recorded (I6). A
/// worker that dies stops renewing: its leases expire. A failed renewal is tried again within
/// seconds (1 s, doubling, at most 5 s), not a third of a lease later, so that leases outlive a
/// database outage shorter than the lease.
///
/// One long-lived thread renews every batch its owner (a worker, the notifier) has out, instead of
/// a thread started per batch.
class LeaseKeeper {
public:
    using Renew = std::function<void(db::Tx&)>;

    /// While a Hold lives, its batch's leases are renewed. Its destructor waits for a renewal of
    /// that batch that is running (the renewal may read what the holder owns).
    class Hold {
    public:
        Hold(LeaseKeeper* keeper, std::uint64_t id) : keeper_(keeper), id_(id) {}
        ~Hold() { keeper_->release(id_); }
        Hold(const Hold&) = delete;
        Hold& operator=(const Hold&) = delete;

    private:
        LeaseKeeper* keeper_;
        std::uint64_t id_;
    };

    LeaseKeeper(db::Pool& pool, int lease_seconds)
        : pool_(pool), every_(std::chrono::milliseconds(lease_seconds * 1000 / 3)), thread_([this] { run(); }) {}
    ~LeaseKeeper() {
        {
            std::lock_guard lock(mutex_);
            stopping_ = true;
        }
        wake_.notify_all();
        thread_.join();
    }
    LeaseKeeper(const LeaseKeeper&) = delete;
    LeaseKeeper& operator=(const LeaseKeeper&) = delete;

    /// Renews with `renew` from a third of the lease from now, until the Hold ends. `owner` names
    /// the holder in the log.
    [[nodiscard]] std::unique_ptr<Hold> hold(std::string owner, Renew renew) {
        std::lock_guard lock(mutex_);
        auto id = next_id_++;
        held_.emplace(id, Held{std::move(owner), std::move(renew), Clock::now() + every_, 0});
        wake_.notify_all();
        return std::make_unique<Hold>(this, id);
    }

private:
    using Clock = std::chrono::steady_clock;
    struct Held {
        std::string owner;
        Renew renew;
        Clock::time_point due;
        int failures;
    };

    void release(std::uint64_t id) {
        std::unique_lock lock(mutex_);
        renewed_.wait(lock, [&] { return renewing_ != id; });
        held_.erase(id);
    }

    void run() {
        std::unique_lock lock(mutex_);
        while (!stopping_) {
            auto next = held_.end();
            for (auto it = held_.begin(); it != held_.end(); ++it)
                if (next == held_.end() || it->second.due < next->second.due) next = it;
            if (next == held_.end()) {
                wake_.wait(lock);
                continue;
            }
            if (const auto due = next->second.due; due > Clock::now()) {
                // A copy: release() may erase the entry while this waits.
                wake_.wait_until(lock, due);
                continue;
            }
            const auto id = next->first;
            renewing_ = id;
            auto& held = next->second;  // stays: release() waits while renewing_ names it
            lock.unlock();
            auto delay = renew_once(held);
            lock.lock();
            held.due = Clock::now() + delay;
            renewing_ = 0;
            renewed_.notify_all();
        }
    }

    std::chrono::milliseconds renew_once(Held& held) {
        try {
            db::with_tx(pool_, db::Scope::platform(), held.renew);
            if (held.failures > 0)
                log::info("lease renewal works again", {{"worker", held.owner}, {"failed_tries", held.failures}});
            held.failures = 0;
            return every_;
        } catch (const std::exception& e) {
            if (held.failures++ % 10 == 0)
                log::warn("lease renewal failed; trying again shortly", {{"worker", held.owner}, {"error", e.what()}});
            auto retry = std::chrono::milliseconds(1000) * (1 << std::min(held.failures - 1, 3));
            return std::min({retry, std::chrono::milliseconds(5000), every_});
        }
    }

    db::Pool& pool_;
    const std::chrono::milliseconds every_;
    std::mutex mutex_;
    std::condition_variable wake_;     ///< the renewing thread: a new hold, or stop
    std::condition_variable renewed_;  ///< release(): the running renewal ended
    std::map<std::uint64_t, Held> held_;
    std::uint64_t next_id_ = 1;
    std::uint64_t renewing_ = 0;  ///< the hold being renewed now (0: none)
    bool stopping_ = false;
    std::thread thread_;  // last: starts once the members it uses exist
};

}  // namespace dh::delivery
