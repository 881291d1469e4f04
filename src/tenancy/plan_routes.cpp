#include "tenancy/plan_routes.hpp"

#include "common/error.hpp"
#include "http/json_fields.hpp"
#include "http/page_response.hpp"
#include "http/route_support.hpp"
#include "http/router.hpp"
#include "tenancy/plan_limits.hpp"
#include "tenancy/plan_service.hpp"
#include "tenancy/tenancy_json.hpp"

namespace dh::tenancy {
namespace {

using http::origin;

constexpr std::int64_t kMax = plan_limits::kMax;

/// The members of a plan body; `complete` requires every limit (creation).
PlanChanges plan_changes(const nlohmann::json& body, bool complete) {
    http::JsonFields f(body);
    f.only({"name", "price_cents", "currency", "overage_cents_per_1000", "limits", "retired"});
    PlanChanges c;
    c.name = complete ? std::optional(f.text("name", 100)) : f.opt_text("name", 100);
    c.currency = f.opt_text("currency", 3);
    c.price_cents = f.opt_int("price_cents", 0, kMax);
    if (complete && !c.price_cents) throw Error::invalid_field("price_cents", "is required");
    if (body.contains("overage_cents_per_1000"))
        c.overage_cents_per_1000 = f.opt_int("overage_cents_per_1000", 0, kMax);
    c.retired = f.opt_bool("retired");
    if (!f.has("limits")) {
        if (complete) throw Error::invalid_field("limits", "is required");
        return c;
    }
    const auto& limits = body["limits"];
    if (!limits.is_object()) throw Error::invalid_field("limits", "must be an object");
    http::JsonFields l(limits, "limits");
    l.only(plan_limits::kNames);
    auto need = [&](const char* key) {
        auto v = l.opt_int(key, 0, kMax);
        if (complete && !v) throw Error::invalid_field(l.name(key), "is required");
        return v;
    };
    c.emails_per_period = need("emails_per_period");
    c.recipients_per_dispatch = need("recipients_per_dispatch");
    c.vendors = need("vendors");
    c.users = need("users");
    c.attachment_bytes = need("attachment_bytes");
    if (l.has("send_rate_per_second")) {
        const auto& rate = limits["send_rate_per_second"];
        if (auto why = plan_limits::problem("send_rate_per_second", rate))
            throw Error::invalid_field("limits.send_rate_per_second", *why);
        c.send_rate_per_second = rate.get<double>();
    } else if (complete) {
        throw Error::invalid_field("limits.send_rate_per_second", "is required");
    }
    return c;
}

}  // namespace

void register_plan_routes(http::Router& router, PlanService& svc) {
    using http::Access;
    router.add({"GET", "/api/v1/admin/plans", Access::super_admin, [&svc](http::Request& req) {
                    auto items = nlohmann::json::array();
                    for (auto& p : svc.list(req.query_param("include_retired").value_or("true") != "false"))
                        items.push_back(to_json(p));
                    return http::Response::json(http::page_json(std::move(items), std::nullopt));
                }});
    router.add({"POST", "/api/v1/admin/plans", Access::super_admin, [&svc](http::Request& req) {
                    auto body = req.json();
                    return http::Response::created(
                        to_json(svc.create(req.caller(), plan_changes(body, true), origin(req))));
                }});
    router.add({"GET", "/api/v1/admin/plans/{id}", Access::super_admin,
                [&svc](http::Request& req) { return http::Response::json(to_json(svc.get(req.param("id")))); }});
    router.add({"PATCH", "/api/v1/admin/plans/{id}", Access::super_admin, [&svc](http::Request& req) {
                    auto body = req.json();
                    auto plan = svc.update(req.caller(), req.param("id"), plan_changes(body, false), origin(req));
                    return http::Response::json(to_json(plan));
                }});
    router.add({"DELETE", "/api/v1/admin/plans/{id}", Access::super_admin, [&svc](http::Request& req) {
                    svc.remove(req.caller(), req.param("id"), origin(req));
                    return http::Response::no_content();
                }});
}

}  // namespace dh::tenancy
