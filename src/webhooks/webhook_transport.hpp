#pragma once
#include <chrono>
#include <string>
#include <utility>
#include <vector>

#include "webhooks/address_policy.hpp"

namespace dh::webhooks {

/// What became of one POST: an HTTP status, or why none arrived (refused target, DNS, connect,
/// TLS, timeout). Both are expected outcomes, not exceptions.
struct PostOutcome {
    long status = 0;    ///< 0 when no answer arrived
    std::string error;  ///< plain language; empty when an answer arrived
    bool delivered() const { return status >= 200 && status < 300; }
};

/// HTTPS POSTs to tenant endpoints (libcurl). Checks the target against the rules, connects only
/// to the addresses it checked (pinned, so a second DNS answer cannot differ), checks again the
/// address of every socket it opens, verifies certificates, never follows redirects, ignores proxy
/// settings of the environment. Thread-safe: one libcurl handle per call.
class WebhookTransport {
public:
    WebhookTransport(TargetRules rules, std::chrono::milliseconds timeout) : rules_(rules), timeout_(timeout) {}
    PostOutcome post(const std::string& url, const std::vector<std::pair<std::string, std::string>>& headers,
                     const std::string& body) const;

private:
    TargetRules rules_;
    std::chrono::milliseconds timeout_;
};

}  // namespace dh::webhooks
