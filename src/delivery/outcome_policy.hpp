#pragma once
#include <optional>
#include <string>

#include "common/backoff.hpp"
#include "mail/transport.hpp"

namespace dh::delivery {

/// What comes after one attempt to send a mail of the platform (a dispatch's delivery or a platform
/// notification): the one place that decides sent, failed, or retried, and when.
struct NextStep {
    enum class Kind { sent, failed, retry };
    Kind kind = Kind::retry;
    std::string reason;           ///< failed and retry: plain language for the UI
    long long delay_seconds = 0;  ///< retry only
    bool relay_problem = false;   ///< retry only: the relay (AUTH/TLS), not the message, was at fault,
                                  ///< so the attempt does not count and nothing is given up
};

class OutcomePolicy {
public:
    /// While the relay refuses us, one item per `relay_probe_seconds` probes it.
    OutcomePolicy(backoff::Backoff backoff, int relay_probe_seconds)
        : backoff_(std::move(backoff)), relay_probe_seconds_(relay_probe_seconds) {}
    /// `attempts` made so far (this one included), the first of them `age_seconds` ago.
    NextStep after(const mail::DeliveryResult& result, int attempts, long long age_seconds) const;

private:
    backoff::Backoff backoff_;
    int relay_probe_seconds_;
};

/// The policy of the RETRY_BASE_SECONDS and RETRY_MAX_AGE_SECONDS settings (delays capped at one hour).
OutcomePolicy retry_policy(int retry_base_seconds, int retry_max_age_seconds, int relay_probe_seconds);

}  // namespace dh::delivery
