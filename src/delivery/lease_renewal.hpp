#pragma once
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

#include "common/log.hpp"
#include "db/tx.hpp"

namespace dh::delivery {

/// Runs `tick` every `every` on a thread of its own until destroyed.
class Periodic {
public:
    Periodic(std::chrono::milliseconds every, std::function<void()> tick)
        : thread_([this, every, tick = std::move(tick)] {
              std::unique_lock lock(mutex_);
              while (!cv_.wait_for(lock, every, [this] { return done_; })) {
                  lock.unlock();
                  tick();
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

/// A stalled relay can hold a batch for minutes (SMTP timeouts), longer than the lease: while this
/// lives, `renew` runs every third of the lease in a platform transaction of its own, so the batch is
/// not taken over, and sent a second time, while its messages are still on the wire (I6). A worker
/// that dies stops renewing: its leases expire. A failed renewal is logged and tried at the next tick.
class LeaseRenewal {
public:
    LeaseRenewal(db::Pool& pool, const std::string& owner, int lease_seconds, std::function<void(db::Tx&)> renew)
        : periodic_(std::chrono::milliseconds(lease_seconds * 1000 / 3), [&pool, owner, renew = std::move(renew)] {
              try {
                  db::with_tx(pool, db::Scope::platform(), renew);
              } catch (const std::exception& e) {
                  log::warn("lease renewal failed", {{"worker", owner}, {"error", e.what()}});
              }
          }) {}

private:
    Periodic periodic_;
};

}  // namespace dh::delivery
