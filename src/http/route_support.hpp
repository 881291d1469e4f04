#pragma once
// Small pieces every route file needs: where a call came from (for the audit log) and optional
// text as JSON (null when absent).
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "auth/auth_service.hpp"
#include "http/json_fields.hpp"
#include "http/message.hpp"

namespace dh::http {

inline auth::Origin origin(const Request& req) {
    return {req.client_ip, req.request_id};
}

}  // namespace dh::http
