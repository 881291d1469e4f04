#pragma once
#include <nlohmann/json.hpp>

namespace dh::ops {

/// The OpenAPI 3.1 document: api/openapi/*.json fragments (compiled in) merged in file-name order.
/// Each fragment holds the `paths` and `components` of one feature.
nlohmann::json openapi_document();

}  // namespace dh::ops
