#include "auth/auth_routes.hpp"

#include "auth/auth_service.hpp"
#include "common/error.hpp"
#include "common/strings.hpp"
#include "http/json_fields.hpp"
#include "http/page_response.hpp"
#include "http/route_support.hpp"
#include "http/router.hpp"
#include "tenancy/tenancy_json.hpp"
#include "tenancy/tenancy_service.hpp"

namespace dh::auth {
namespace {

using http::origin;

constexpr const char* kCookie = "dh_refresh";

std::string cookie_value(const http::Request& req, const std::string& name) {
    for (auto& part : strings::split(req.header("cookie"), ';')) {
        auto p = strings::trim(part);
        if (p.rfind(name + "=", 0) == 0) return p.substr(name.size() + 1);
    }
    return {};
}

/// The refresh token from the body (API clients) or the HttpOnly cookie (web UI).
std::string presented_refresh_token(const http::Request& req) {
    if (!req.body.empty()) {
        auto body = req.json();
        http::JsonFields f(body);
        f.only({"refresh_token"});
        if (auto t = f.opt_text("refresh_token", 200)) return *t;
    }
    return cookie_value(req, kCookie);
}

std::string cookie(const std::string& value, int max_age, bool secure) {
    return std::string(kCookie) + "=" + value +
           "; Path=/api/v1/auth; HttpOnly; SameSite=Strict; Max-Age=" + std::to_string(max_age) +
           (secure ? "; Secure" : "");
}

http::Response session_response(const Session& s, bool secure) {
    auto r = http::Response::json({{"access_token", s.access_token},
                                   {"token_type", "Bearer"},
                                   {"expires_in", s.expires_in},
                                   {"refresh_token", s.refresh_token},
                                   {"user", tenancy::to_json(s.user)}});
    r.header("Set-Cookie", cookie(s.refresh_token, AuthService::kRefreshTtlSeconds, secure));
    return r;
}

nlohmann::json api_key_json(const ApiKeyRow& k) {
    return {{"id", k.id},
            {"name", k.name},
            {"prefix", k.prefix},
            {"role", k.role},
            {"created_at", k.created_at},
            {"last_used_at", k.last_used_at ? nlohmann::json(*k.last_used_at) : nlohmann::json()},
            {"revoked_at", k.revoked_at ? nlohmann::json(*k.revoked_at) : nlohmann::json()}};
}

nlohmann::json me_json(const Principal& p, tenancy::TenancyService& tenancy) {
    nlohmann::json out = {{"role", to_string(p.role)}, {"tenant", nullptr}, {"plan", nullptr}};
    if (p.kind == Principal::Kind::user) {
        auto user = p.tenant_id ? tenancy.user(*p.tenant_id, p.id) : std::nullopt;
        out["user"] = user
                          ? tenancy::to_json(*user)
                          : nlohmann::json{{"id", p.id}, {"email", p.label}, {"name", ""}, {"role", to_string(p.role)}};
    } else {
        out["user"] = {
            {"id", p.id}, {"email", nullptr}, {"name", p.label}, {"role", to_string(p.role)}, {"api_key", true}};
    }
    if (p.tenant_id) {
        if (auto t = tenancy.own_tenant(*p.tenant_id)) out["tenant"] = tenancy::to_json(*t);
        if (auto plan = tenancy.plan_of(*p.tenant_id)) out["plan"] = tenancy::to_json(*plan);
    }
    return out;
}

}  // namespace

void register_auth_routes(http::Router& router, AuthService& auth, tenancy::TenancyService& tenancy, bool secure) {
    using http::Access;
    router.add({"POST", "/api/v1/auth/login", Access::public_, [&auth, secure](http::Request& req) {
                    auto body = req.json();
                    http::JsonFields f(body);
                    f.only({"email", "password", "tenant"});
                    auto tenant = f.opt_text("tenant", 63);
                    if (tenant && tenant->empty()) tenant.reset();
                    auto s = auth.login(f.text("email", 254), f.text("password", 1024), tenant, origin(req));
                    return session_response(s, secure);
                }});
    router.add({"POST", "/api/v1/auth/refresh", Access::public_, [&auth, secure](http::Request& req) {
                    return session_response(auth.refresh(presented_refresh_token(req), origin(req)), secure);
                }});
    router.add({"POST", "/api/v1/auth/logout", Access::public_, [&auth, secure](http::Request& req) {
                    auth.logout(presented_refresh_token(req));
                    auto r = http::Response::no_content();
                    r.header("Set-Cookie", cookie("", 0, secure));
                    return r;
                }});
    router.add({"GET", "/api/v1/me", Access::authenticated,
                [&tenancy](http::Request& req) { return http::Response::json(me_json(req.caller(), tenancy)); }});

    router.add({"GET", "/api/v1/api-keys", Access::tenant_admin, [&auth](http::Request& req) {
                    auto items = nlohmann::json::array();
                    for (auto& k : auth.list_api_keys(req.tenant_id())) items.push_back(api_key_json(k));
                    return http::Response::json(http::page_json(std::move(items), std::nullopt));
                }});
    router.add({"POST", "/api/v1/api-keys", Access::tenant_admin, [&auth](http::Request& req) {
                    auto body = req.json();
                    http::JsonFields f(body);
                    f.only({"name", "role"});
                    auto created = auth.create_api_key(req.caller(), f.text("name", 100),
                                                       f.opt_text("role", 20).value_or("tenant_member"), origin(req));
                    auto out = api_key_json(created.row);
                    out["key"] = created.secret;  // shown once; only its hash is stored
                    return http::Response::created(out);
                }});
    router.add({"DELETE", "/api/v1/api-keys/{id}", Access::tenant_admin, [&auth](http::Request& req) {
                    auth.revoke_api_key(req.caller(), req.param("id"), origin(req));
                    return http::Response::no_content();
                }});
}

}  // namespace dh::auth
