#pragma once
#include <optional>
#include <string>
#include <vector>

namespace dh::webhooks {

/// An HTTPS endpoint a tenant registered for some event types. Its secret is never part of it:
/// shown once at creation, then only the worker reads it (sealed) to sign.
struct Endpoint {
    std::string id;
    std::string tenant_id;
    std::string url;
    std::vector<std::string> events;
    std::string description;
    std::string created_by_label;
    std::string created_at;
    std::optional<std::string> last_success_at;
    std::optional<std::string> last_failure_at;
    std::optional<std::string> last_error;  ///< of the latest failed attempt
};

struct NewEndpoint {
    std::string url;
    std::vector<std::string> events;
    std::optional<std::string> description;
};

/// The endpoint as created, with the signing secret the caller sees this once.
struct CreatedEndpoint {
    Endpoint endpoint;
    std::string secret;
};

/// One event on its way to one endpoint.
struct EventDelivery {
    std::string id;
    std::string event_id;
    std::string event_type;
    std::string status;  ///< pending | sending | delivered | failed (given up)
    long long attempts = 0;
    std::optional<long long> response_status;
    std::optional<std::string> last_error;
    std::optional<std::string> next_attempt_at;  ///< while pending
    std::optional<std::string> delivered_at;
    std::string created_at;
    std::string updated_at;
};

}  // namespace dh::webhooks
