#pragma once

namespace dh::http {
class Router;
}

namespace dh::domains {

class DomainService;

/// /api/v1/domains (members read, admins change) and /api/v1/admin/domains (super admin).
void register_domain_routes(http::Router& router, DomainService& svc);

}  // namespace dh::domains
