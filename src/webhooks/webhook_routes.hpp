#pragma once

namespace dh::http {
class Router;
}

namespace dh::webhooks {

class WebhookService;

/// Tenant admins: /api/v1/webhooks (register, list, show, delete) and an endpoint's deliveries.
void register_webhook_routes(http::Router& router, WebhookService& webhooks);

}  // namespace dh::webhooks
