#pragma once

namespace dh::http {
class Router;
}

namespace dh::inbox {

class InboxService;

/// /api/v1/inbox (list, read, flag) and /api/v1/vendors/{id}/messages, for tenant members.
void register_inbox_routes(http::Router& router, InboxService& inbox);

}  // namespace dh::inbox
