#pragma once

namespace dh::http {
class Router;
}

namespace dh::billing {

class BillingService;

/// Super admin: /api/v1/admin/invoices…, /api/v1/admin/tenants/{id}/invoice-preview;
/// tenant users: /api/v1/billing/invoices….
void register_billing_routes(http::Router& router, BillingService& billing);

}  // namespace dh::billing
