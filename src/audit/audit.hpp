#pragma once
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "auth/principal.hpp"

namespace dh::db {
class Tx;
}
namespace dh::http {
struct Request;
}

namespace dh::audit {

/// One audit-log entry: who did what to which object, from where.
struct Entry {
    std::optional<std::string> tenant_id;
    std::string actor_type = "system";  ///< user | api_key | system
    std::optional<std::string> actor_id;
    std::string actor_label;
    std::string action;  ///< dotted verb, e.g. "vendor.deleted", "tenant.suspended"
    std::string target_type;
    std::string target_id;
    nlohmann::json details = nlohmann::json::object();  ///< never secrets
    std::string request_id;
    std::string client_ip;
};

/// An entry for `actor` (a user or API key) acting from `client_ip` in request `request_id`.
Entry by(const auth::Principal& actor, std::string request_id, std::string client_ip, std::string action,
         std::string target_type = {}, std::string target_id = {});

/// An entry for the caller of `request` (its principal, tenant, request id and address).
Entry from_request(const http::Request& request, std::string action, std::string target_type = {},
                   std::string target_id = {}, nlohmann::json details = nlohmann::json::object());

/// Appends `entry` inside `tx` (so the entry commits with the change it records).
void record(db::Tx& tx, const Entry& entry);

}  // namespace dh::audit
