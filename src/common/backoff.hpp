#pragma once
#include <functional>
#include <optional>

namespace dh::backoff {

/// The one retry policy of every sender (deliveries, platform notifications, webhooks): the delay
/// grows exponentially from `base_seconds`, is capped at `max_delay_seconds`, jittered ±20 % so
/// that retries of one outage spread out, and never shorter than a delay the peer asked for. An item
/// is given up on when its next attempt would come later than `max_age_seconds` after its first.
struct Policy {
    int base_seconds = 60;
    int max_delay_seconds = 3600;
    long long max_age_seconds = 86400;
};

/// Uniform in [0, 1): the jitter source. Injected, so tests fix it; production uses random::unit.
using Jitter = std::function<double()>;

/// The delay before attempt `attempts + 1`, given `attempts` already made (at least 1 s).
long long delay_seconds(const Policy& policy, int attempts, std::optional<int> hinted, double jitter01);

/// What to do after a transient failure.
struct Decision {
    bool give_up = false;
    long long delay_seconds = 0;  ///< when not giving up
};

/// Retry after the policy's delay, or give up when the item (first attempted `age_seconds` ago)
/// would by then be older than the policy allows.
Decision after_transient_failure(const Policy& policy, int attempts, long long age_seconds, std::optional<int> hinted,
                                 double jitter01);

/// A policy bound to its jitter source: what senders hold.
class Backoff {
public:
    explicit Backoff(Policy policy, Jitter jitter = {});
    Decision after_transient_failure(int attempts, long long age_seconds, std::optional<int> hinted = {}) const;
    const Policy& policy() const { return policy_; }

private:
    Policy policy_;
    Jitter jitter_;
};

}  // namespace dh::backoff
