#pragma once

namespace dh::http {
class Router;
}

namespace dh::inbox {

class InboxService;
class SesInbound;

/// /api/v1/inbox (list, read, flag) and /api/v1/vendors/{id}/messages, for tenant members.
void register_inbox_routes(http::Router& router, InboxService& inbox);
/// POST /api/v1/inbound/ses: public, authenticated by the SNS signature instead.
void register_inbound_routes(http::Router& router, SesInbound& ses);

}  // namespace dh::inbox
