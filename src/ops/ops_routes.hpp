#pragma once
#include <functional>
#include <string>

namespace dh::db {
class Pool;
}
namespace dh::http {
class Router;
class Metrics;
}  // namespace dh::http

namespace dh::ops {

/// Extra readiness conditions contributed by other modules (e.g. relay health): empty = ready.
using ReadinessCheck = std::function<std::string()>;

/// GET /healthz, /readyz, /metrics, /api/v1/openapi.json.
void register_routes(http::Router& router, db::Pool& pool, http::Metrics& metrics,
                     std::vector<ReadinessCheck> checks = {});

}  // namespace dh::ops
