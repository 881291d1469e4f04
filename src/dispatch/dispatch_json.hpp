#pragma once
#include <nlohmann/json.hpp>

#include "dispatch/dispatch.hpp"

namespace dh::dispatch {

nlohmann::json to_json(const Dispatch& d);
nlohmann::json to_json(const Delivery& d);
nlohmann::json to_json(const Usage& u);
/// Reads and validates the body of POST /api/v1/dispatches (and preview/test).
DispatchRequest request_from_json(const nlohmann::json& body);

}  // namespace dh::dispatch
