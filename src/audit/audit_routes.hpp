#pragma once

namespace dh::http {
class Router;
}

namespace dh::audit {

class AuditService;

/// Super admins: GET /api/v1/admin/audit (all tenants); tenant admins: GET /api/v1/audit (own tenant).
void register_audit_routes(http::Router& router, AuditService& audit);

}  // namespace dh::audit
