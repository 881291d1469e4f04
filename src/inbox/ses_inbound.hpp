#pragma once
#include <string>
#include <string_view>

#include "inbox/inbound_service.hpp"
#include "inbox/sns.hpp"

namespace dh::inbox {

/// What POST /api/v1/inbound/ses did with an SNS message.
struct SnsResult {
    std::string type;           ///< SNS message type
    std::string event;          ///< SES notification type (Notification only)
    std::string subscribe_url;  ///< SubscriptionConfirmation: the URL an operator (or automation) visits
    Outcome outcome;
};

/// Amazon SNS → SES events: verifies the SNS signature (certificate from an allow-listed host,
/// chained to a trusted CA), keeps the body as received, then applies bounces and complaints or
/// routes a received message like one that came over SMTP.
class SesInbound {
public:
    SesInbound(InboundService& service, SnsVerifier::Options options);
    /// Error(forbidden, invalid_signature) when the signature does not verify; Error(bad_request)
    /// when the body is not an SNS message.
    SnsResult handle(std::string_view body);

private:
    InboundService& service_;
    SnsVerifier verifier_;
};

}  // namespace dh::inbox
