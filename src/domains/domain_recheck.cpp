#include "domains/domain_recheck.hpp"

#include <algorithm>

#include "common/log.hpp"
#include "domains/domain_service.hpp"

namespace dh::domains {

// Waking at half the interval (between 1 s and a minute) keeps a domain's re-check within 1.5
// intervals of its last one without a timer per domain.
DomainRecheckScheduler::DomainRecheckScheduler(DomainService& domains, std::chrono::seconds interval)
    : domains_(domains),
      interval_(interval),
      tick_(std::clamp(interval / 2, std::chrono::seconds(1), std::chrono::seconds(60))) {}

void DomainRecheckScheduler::start() {
    if (thread_.joinable()) return;
    stopping_ = false;
    thread_ = std::thread([this] { run(); });
}

void DomainRecheckScheduler::stop() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_all();
    if (thread_.joinable()) thread_.join();
}

void DomainRecheckScheduler::run() {
    std::unique_lock lock(mutex_);
    while (!wake_.wait_for(lock, tick_, [this] { return stopping_; })) {
        lock.unlock();
        try {
            domains_.recheck_due(interval_.count());
        } catch (const std::exception& e) {
            log::warn("domain re-check failed; retrying at the next interval", {{"error", e.what()}});
        }
        lock.lock();
    }
}

}  // namespace dh::domains
