#pragma once

namespace dh::http {
class Router;
}

namespace dh::tenancy {

class TenancyService;

/// Super admin: /api/v1/admin/tenants…; tenant admin: /api/v1/users….
void register_tenancy_routes(http::Router& router, TenancyService& tenancy);

}  // namespace dh::tenancy
