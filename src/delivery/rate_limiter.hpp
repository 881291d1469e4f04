#pragma once
#include <chrono>
#include <functional>
#include <map>
#include <mutex>
#include <string>

namespace dh::delivery {

/// Token buckets: one global (SEND_RATE_PER_SECOND) and one per tenant (the plan's rate).
/// A rate of 0 means unlimited. Thread-safe; never blocks (callers claim what they were granted).
class RateLimiter {
public:
    using Clock = std::function<std::chrono::steady_clock::time_point()>;
    /// `clock` (tests inject one) defaults to the steady clock.
    explicit RateLimiter(double global_rate, Clock clock = {});
    /// How many of `wanted` sends may start now for `tenant` at `tenant_rate`.
    int take(const std::string& tenant, double tenant_rate, int wanted);
    /// Returns `unused` of what take() granted (fewer deliveries were ready than allowed).
    void give_back(const std::string& tenant, int unused);

private:
    struct Bucket {
        double tokens = 0;
        std::chrono::steady_clock::time_point at{};
        bool primed = false;
    };
    static double refill(Bucket& b, double rate, std::chrono::steady_clock::time_point now);
    double global_rate_;
    Clock clock_;
    Bucket global_;
    std::map<std::string, Bucket> tenants_;
    std::mutex mutex_;
};

}  // namespace dh::delivery
