#pragma once
#include <nlohmann/json.hpp>

#include "dispatch/dispatch.hpp"

namespace dh::dispatch {

nlohmann::json to_json(const Dispatch& d);
nlohmann::json to_json(const Delivery& d);
nlohmann::json to_json(const Usage& u);
/// Reads and validates the body of POST /api/v1/dispatches (and preview/test). `route_field` is the
/// one extra member the route itself reads ("vendor_id" for preview, "to" for a test send); any
/// other unknown member is refused with 422 naming it.
DispatchRequest request_from_json(const nlohmann::json& body, const char* route_field = nullptr);

}  // namespace dh::dispatch
