#pragma once

namespace dh::http {
class Router;
}

namespace dh::tenancy {

class PlanService;

/// Super admin: /api/v1/admin/plans….
void register_plan_routes(http::Router& router, PlanService& plans);

}  // namespace dh::tenancy
