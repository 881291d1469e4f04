#include "delivery/rate_limiter.hpp"

#include <algorithm>
#include <cmath>

namespace dh::delivery {

RateLimiter::RateLimiter(double global_rate, Clock clock)
    : global_rate_(global_rate), clock_(clock ? std::move(clock) : [] { return std::chrono::steady_clock::now(); }) {}

double RateLimiter::refill(Bucket& b, double rate, std::chrono::steady_clock::time_point now) {
    double burst = std::max(1.0, rate);  // at most one second's worth at once
    if (!b.primed) {
        b.tokens = burst;
        b.primed = true;
    } else {
        b.tokens = std::min(burst, b.tokens + rate * std::chrono::duration<double>(now - b.at).count());
    }
    b.at = now;
    return b.tokens;
}

int RateLimiter::take(const std::string& tenant, double tenant_rate, int wanted) {
    std::lock_guard lock(mutex_);
    auto now = clock_();
    double allowed = wanted;
    if (global_rate_ > 0) allowed = std::min(allowed, std::floor(refill(global_, global_rate_, now)));
    Bucket* t = nullptr;
    if (tenant_rate > 0) {
        t = &tenants_[tenant];
        allowed = std::min(allowed, std::floor(refill(*t, tenant_rate, now)));
    }
    int granted = static_cast<int>(std::max(0.0, allowed));
    if (global_rate_ > 0) global_.tokens -= granted;
    if (t) t->tokens -= granted;
    return granted;
}

void RateLimiter::give_back(const std::string& tenant, int unused) {
    if (unused <= 0) return;
    std::lock_guard lock(mutex_);
    if (global_rate_ > 0) global_.tokens += unused;
    if (auto it = tenants_.find(tenant); it != tenants_.end()) it->second.tokens += unused;
}

}  // namespace dh::delivery
