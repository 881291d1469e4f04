#include "tenancy/tenancy_routes.hpp"

#include "common/error.hpp"
#include "http/json_fields.hpp"
#include "http/page_response.hpp"
#include "http/route_support.hpp"
#include "http/router.hpp"
#include "tenancy/plan_limits.hpp"
#include "tenancy/tenancy_json.hpp"
#include "tenancy/tenancy_service.hpp"

namespace dh::tenancy {
namespace {

using http::origin;

template <class T>
http::Response page_of(const std::vector<T>& rows, int limit) {
    return http::keyset_page(rows, limit, [](const T& r) { return to_json(r); });
}

std::optional<std::string> reason_of(const http::Request& req) {
    if (req.body.empty()) return std::nullopt;
    auto body = req.json();
    http::JsonFields f(body);
    f.only({"reason"});
    return f.opt_text("reason", 1000);
}

void register_admin_tenant_routes(http::Router& router, TenancyService& svc) {
    using http::Access;
    router.add({"GET", "/api/v1/admin/tenants", Access::super_admin, [&svc](http::Request& req) {
                    auto page = http::Page::from(req);
                    return page_of(svc.list_tenants(page.limit, page.after_key, page.after_id), page.limit);
                }});
    router.add({"POST", "/api/v1/admin/tenants", Access::super_admin, [&svc](http::Request& req) {
                    auto body = req.json();
                    http::JsonFields f(body);
                    f.only({"name", "slug", "admin_email", "admin_password", "admin_name", "plan_id"});
                    NewTenant in{f.text("name", 200),
                                 f.text("slug", 63),
                                 f.text("admin_email", 254),
                                 f.text("admin_password", 256),
                                 f.opt_text("admin_name", 200).value_or(""),
                                 f.opt_text("plan_id", 36)};
                    auto [tenant, admin] = svc.create_tenant(req.caller(), in, origin(req));
                    auto out = to_json(tenant);
                    out["admin"] = to_json(admin);
                    return http::Response::created(out);
                }});
    router.add({"GET", "/api/v1/admin/tenants/{id}", Access::super_admin, [&svc](http::Request& req) {
                    auto out = to_json(svc.tenant(req.param("id")));
                    out["usage_history"] = to_json(svc.usage_history(req.param("id")));
                    return http::Response::json(out);
                }});
    router.add({"GET", "/api/v1/admin/overview", Access::super_admin,
                [&svc](http::Request&) { return http::Response::json(to_json(svc.overview())); }});
    router.add({"PATCH", "/api/v1/admin/tenants/{id}", Access::super_admin, [&svc](http::Request& req) {
                    auto body = req.json();
                    http::JsonFields f(body);
                    f.only({"name", "plan_id", "limit_overrides"});
                    std::optional<std::string> overrides;
                    if (f.has("limit_overrides")) overrides = plan_limits::overrides_patch(body["limit_overrides"]);
                    return http::Response::json(
                        to_json(svc.update_tenant(req.caller(), req.param("id"), f.opt_text("name", 200),
                                                  f.opt_text("plan_id", 36), overrides, origin(req))));
                }});
    router.add({"POST", "/api/v1/admin/tenants/{id}/suspend", Access::super_admin, [&svc](http::Request& req) {
                    return http::Response::json(to_json(svc.set_tenant_status(
                        req.caller(), req.param("id"), "suspended", reason_of(req), origin(req))));
                }});
    router.add({"POST", "/api/v1/admin/tenants/{id}/activate", Access::super_admin, [&svc](http::Request& req) {
                    return http::Response::json(to_json(
                        svc.set_tenant_status(req.caller(), req.param("id"), "active", reason_of(req), origin(req))));
                }});
}

void register_user_routes(http::Router& router, TenancyService& svc) {
    using http::Access;
    router.add({"GET", "/api/v1/users", Access::tenant_member, [&svc](http::Request& req) {
                    auto page = http::Page::from(req);
                    return page_of(svc.list_users(req.tenant_id(), page.limit, page.after_key, page.after_id),
                                   page.limit);
                }});
    router.add({"POST", "/api/v1/users", Access::tenant_admin, [&svc](http::Request& req) {
                    auto body = req.json();
                    http::JsonFields f(body);
                    f.only({"email", "name", "role", "password"});
                    auto user = svc.create_user(
                        req.caller(), f.text("email", 254), f.opt_text("name", 200).value_or(""),
                        f.opt_text("role", 20).value_or("tenant_member"), f.text("password", 256), origin(req));
                    return http::Response::created(to_json(user));
                }});
    router.add({"PATCH", "/api/v1/users/{id}", Access::tenant_member, [&svc](http::Request& req) {
                    auto body = req.json();
                    http::JsonFields f(body);
                    // tenant_id, email, id and the like are never assignable (mass assignment).
                    for (auto key : {"tenant_id", "email", "id", "password_hash", "last_login_at"})
                        if (body.contains(key)) throw Error::forbidden(std::string(key) + " cannot be changed.");
                    f.only({"name", "role", "status", "password"});
                    UserChanges changes{f.opt_text("name", 200), f.opt_text("role", 20), f.opt_text("status", 20),
                                        f.opt_text("password", 256)};
                    return http::Response::json(
                        to_json(svc.update_user(req.caller(), req.param("id"), changes, origin(req))));
                }});
    router.add({"DELETE", "/api/v1/users/{id}", Access::tenant_admin, [&svc](http::Request& req) {
                    svc.delete_user(req.caller(), req.param("id"), origin(req));
                    return http::Response::no_content();
                }});
}

}  // namespace

void register_tenancy_routes(http::Router& router, TenancyService& tenancy) {
    register_admin_tenant_routes(router, tenancy);
    register_user_routes(router, tenancy);
}

}  // namespace dh::tenancy
