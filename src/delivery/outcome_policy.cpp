#include "delivery/outcome_policy.hpp"

#include <algorithm>

namespace dh::delivery {

NextStep OutcomePolicy::after(const mail::DeliveryResult& r, int attempts, long long age_seconds) const {
    if (r.outcome == mail::Outcome::sent) return {NextStep::Kind::sent, "", 0, false};
    if (r.outcome == mail::Outcome::failed) return {NextStep::Kind::failed, r.reason, 0, false};
    if (r.relay_problem) {
        // Not this message's fault: no attempt counted, no giving up; the dispatch shows why it waits.
        auto delay = std::max<long long>(relay_probe_seconds_, r.retry_after_seconds.value_or(0));
        return {NextStep::Kind::retry, r.reason, delay, true};
    }
    auto decision = backoff_.after_transient_failure(attempts, age_seconds, r.retry_after_seconds);
    if (decision.give_up) return {NextStep::Kind::failed, "gave up after retrying: " + r.reason, 0, false};
    return {NextStep::Kind::retry, r.reason, decision.delay_seconds, false};
}

OutcomePolicy retry_policy(int retry_base_seconds, int retry_max_age_seconds, int relay_probe_seconds) {
    return OutcomePolicy(backoff::Backoff({retry_base_seconds, 3600, retry_max_age_seconds}), relay_probe_seconds);
}

}  // namespace dh::delivery
