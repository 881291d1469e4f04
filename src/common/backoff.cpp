#include "common/backoff.hpp"

#include <algorithm>
#include <cmath>

#include "common/random.hpp"

namespace dh::backoff {

long long delay_seconds(const Policy& policy, int attempts, std::optional<int> hinted, double jitter01) {
    // 2^(attempts-1) overflows nothing that matters: the cap applies before the jitter.
    double delay = policy.base_seconds * std::pow(2.0, std::clamp(attempts - 1, 0, 62));
    delay = std::min(delay, static_cast<double>(policy.max_delay_seconds));
    delay *= 0.8 + 0.4 * std::clamp(jitter01, 0.0, 1.0);
    if (hinted) delay = std::max(delay, static_cast<double>(*hinted));
    return std::max(1LL, static_cast<long long>(delay));
}

Decision after_transient_failure(const Policy& policy, int attempts, long long age_seconds, std::optional<int> hinted,
                                 double jitter01) {
    auto delay = delay_seconds(policy, attempts, hinted, jitter01);
    if (age_seconds + delay > policy.max_age_seconds) return {true, 0};
    return {false, delay};
}

Backoff::Backoff(Policy policy, Jitter jitter) : policy_(policy), jitter_(jitter ? std::move(jitter) : random::unit) {}

Decision Backoff::after_transient_failure(int attempts, long long age_seconds, std::optional<int> hinted) const {
    return backoff::after_transient_failure(policy_, attempts, age_seconds, hinted, jitter_());
}

}  // namespace dh::backoff
