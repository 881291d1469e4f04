#pragma once
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

namespace dh::domains {

class DomainService;

/// Looks every domain up again once it was not checked for `interval` (DOMAIN_RECHECK_SECONDS), so
/// that a record that disappears turns its domain `failing` and one that is back verifies it again.
/// Checks are idempotent: any number of API processes may run one.
class DomainRecheckScheduler {
public:
    DomainRecheckScheduler(DomainService& domains, std::chrono::seconds interval);
    ~DomainRecheckScheduler() { stop(); }
    void start();
    void stop();

private:
    void run();

    DomainService& domains_;
    std::chrono::seconds interval_;
    std::chrono::seconds tick_;
    std::thread thread_;
    std::mutex mutex_;
    std::condition_variable wake_;
    bool stopping_ = false;
};

}  // namespace dh::domains
