#include "webhooks/webhook_routes.hpp"

#include "common/error.hpp"
#include "http/json_fields.hpp"
#include "http/page_response.hpp"
#include "http/route_support.hpp"
#include "http/router.hpp"
#include "webhooks/webhook_service.hpp"

namespace dh::webhooks {
namespace {

using http::opt_json;
using http::origin;

nlohmann::json to_json(const Endpoint& e) {
    return {{"id", e.id},
            {"url", e.url},
            {"events", e.events},
            {"description", e.description},
            {"created_by", e.created_by_label},
            {"created_at", e.created_at},
            {"last_success_at", opt_json(e.last_success_at)},
            {"last_failure_at", opt_json(e.last_failure_at)},
            {"last_error", opt_json(e.last_error)}};
}

nlohmann::json to_json(const EventDelivery& d) {
    return {{"id", d.id},
            {"event_id", d.event_id},
            {"event_type", d.event_type},
            {"status", d.status},
            {"attempts", d.attempts},
            {"response_status", d.response_status ? nlohmann::json(*d.response_status) : nlohmann::json()},
            {"last_error", opt_json(d.last_error)},
            {"next_attempt_at", opt_json(d.next_attempt_at)},
            {"delivered_at", opt_json(d.delivered_at)},
            {"created_at", d.created_at},
            {"updated_at", d.updated_at}};
}

std::vector<std::string> events_of(const nlohmann::json& body) {
    if (!body.contains("events")) throw Error::invalid_field("events", "is required");
    auto& events = body["events"];
    if (!events.is_array()) throw Error::invalid_field("events", "must be an array of event types");
    std::vector<std::string> out;
    for (auto& e : events) {
        if (!e.is_string()) throw Error::invalid_field("events", "must be an array of event types");
        out.push_back(e.get<std::string>());
    }
    return out;
}

NewEndpoint endpoint_of(const http::Request& req) {
    auto body = req.json();
    http::JsonFields f(body);
    f.only({"url", "events", "description"});
    return {f.text("url", 2000), events_of(body), f.opt_text("description", 200)};
}

}  // namespace

void register_webhook_routes(http::Router& router, WebhookService& svc) {
    using http::Access;
    router.add({"POST", "/api/v1/webhooks", Access::tenant_admin, [&svc](http::Request& req) {
                    auto created = svc.create(req.caller(), endpoint_of(req), origin(req));
                    auto out = to_json(created.endpoint);
                    out["secret"] = created.secret;  // shown this once
                    return http::Response::created(out);
                }});
    router.add({"GET", "/api/v1/webhooks", Access::tenant_admin, [&svc](http::Request& req) {
                    auto page = http::Page::from(req);
                    auto rows = svc.list(req.tenant_id(), page.limit, page.after_key, page.after_id);
                    return http::keyset_page(rows, page.limit, [](const Endpoint& e) { return to_json(e); });
                }});
    router.add({"GET", "/api/v1/webhooks/{id}", Access::tenant_admin, [&svc](http::Request& req) {
                    return http::Response::json(to_json(svc.get(req.tenant_id(), req.param("id"))));
                }});
    router.add({"DELETE", "/api/v1/webhooks/{id}", Access::tenant_admin, [&svc](http::Request& req) {
                    svc.remove(req.caller(), req.param("id"), origin(req));
                    return http::Response::no_content();
                }});
    router.add({"POST", "/api/v1/webhooks/{id}/rotate-secret", Access::tenant_admin, [&svc](http::Request& req) {
                    auto rotated = svc.rotate_secret(req.caller(), req.param("id"), origin(req));
                    auto out = to_json(rotated.endpoint);
                    out["secret"] = rotated.secret;  // shown this once
                    return http::Response::json(out);
                }});
    router.add({"POST", "/api/v1/webhooks/{id}/deliveries/{delivery_id}/redeliver", Access::tenant_admin,
                [&svc](http::Request& req) {
                    auto d = svc.redeliver(req.caller(), req.param("id"), req.param("delivery_id"), origin(req));
                    return http::Response::json(to_json(d), 202);
                }});
    router.add({"GET", "/api/v1/webhooks/{id}/deliveries", Access::tenant_admin, [&svc](http::Request& req) {
                    auto page = http::Page::from(req);
                    auto rows = svc.deliveries(req.tenant_id(), req.param("id"), req.query_param("status"), page.limit,
                                               page.after_key, page.after_id);
                    return http::keyset_page(rows, page.limit, [](const EventDelivery& d) { return to_json(d); });
                }});
}

}  // namespace dh::webhooks
