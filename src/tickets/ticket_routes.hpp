#pragma once

namespace dh::http {
class Router;
}

namespace dh::tickets {

class TicketService;

/// Tenant users: /api/v1/tickets…; super admins: /api/v1/admin/tickets….
void register_ticket_routes(http::Router& router, TicketService& tickets);

}  // namespace dh::tickets
