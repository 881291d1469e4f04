#pragma once
#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

#include "common/log.hpp"
#include "db/tx.hpp"

namespace dh::delivery {

/// Runs `tick` on a thread of its own until destroyed: first after `first`, then after whatever
/// the previous tick returned.
class Periodic {
public:
    using Tick = std::function<std::chrono::milliseconds()>;
    Periodic(std::chrono::milliseconds first, Tick tick)
        : thread_([this, first, tick = std::move(tick)] {
              std::unique_lock lock(mutex_);
              auto next = first;
              while (!cv_.wait_for(lock, next, [this] { return done_; })) {
                  lock.unlock();
                  next = tick();
                  lock.lock();
              }
          }) {}
    ~Periodic() {
        {
            std::lock_guard lock(mutex_);
            done_ = true;
        }
        cv_.notify_all();
        thread_.join();
    }
    Periodic(const Periodic&) = delete;
    Periodic& operator=(const Periodic&) = delete;

private:
    std::mutex mutex_;
    std::condition_variable cv_;
    bool done_ = false;
    std::thread thread_;  // last: starts once the members it uses exist
};

/// A stalled relay can hold a batch for minutes (SMTP timeouts), longer than the lease, and a
/// database outage can hold its outcomes: while this lives, `renew` runs every third of the lease in
/// a platform transaction of its own, so the batch is not taken over, and sent a second time, while
/// its messages are on the wire or their outcomes wait to be recorded (I6). A worker that dies stops
/// renewing: its leases expire. A failed renewal is tried again within seconds (1 s, doubling, at
/// most 5 s), not a third of a lease later, so that leases outlive a database outage shorter than
/// the lease.
class LeaseRenewal {
public:
    LeaseRenewal(db::Pool& pool, const std::string& owner, int lease_seconds, std::function<void(db::Tx&)> renew)
        : periodic_(std::chrono::milliseconds(lease_seconds * 1000 / 3),
                    [&pool, owner, every = std::chrono::milliseconds(lease_seconds * 1000 / 3),
                     renew = std::move(renew), failures = 0]() mutable -> std::chrono::milliseconds {
                        try {
                            db::with_tx(pool, db::Scope::platform(), renew);
                            if (failures > 0)
                                log::info("lease renewal works again", {{"worker", owner}, {"failed_tries", failures}});
                            failures = 0;
                            return every;
                        } catch (const std::exception& e) {
                            if (failures++ % 10 == 0)
                                log::warn("lease renewal failed; trying again shortly",
                                          {{"worker", owner}, {"error", e.what()}});
                            auto retry = std::chrono::milliseconds(1000) * (1 << std::min(failures - 1, 3));
                            return std::min({retry, std::chrono::milliseconds(5000), every});
                        }
                    }) {}

private:
    Periodic periodic_;
};

}  // namespace dh::delivery
