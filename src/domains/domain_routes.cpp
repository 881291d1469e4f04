#include "domains/domain_routes.hpp"

#include "domains/domain_service.hpp"
#include "http/json_fields.hpp"
#include "http/page_response.hpp"
#include "http/route_support.hpp"
#include "http/router.hpp"

namespace dh::domains {
namespace {

using http::opt_json;
using http::origin;

nlohmann::json to_json(const DnsRecord& r) {
    return {{"purpose", r.purpose}, {"type", r.type},     {"name", r.name},
            {"value", r.value},     {"status", r.status}, {"found", r.found}};
}

nlohmann::json to_json(const Domain& d, bool signing) {
    auto records = nlohmann::json::array();
    for (auto& r : d.records) records.push_back(to_json(r));
    auto algorithms = nlohmann::json::array({"rsa-sha256"});
    if (d.ed25519_selector) algorithms.push_back("ed25519-sha256");
    return {{"id", d.id},
            {"domain", d.domain},
            {"status", d.status},
            {"records", records},
            {"dkim",
             {{"selector", d.dkim_selector},
              {"next_selector", opt_json(d.next_selector)},
              {"algorithms", algorithms},
              {"ed25519_selector", opt_json(d.ed25519_selector)},
              {"signed_by", signing ? "dispatchhub" : "relay"}}},
            {"check_error", opt_json(d.check_error)},
            {"created_at", d.created_at},
            {"verified_at", opt_json(d.verified_at)},
            {"checked_at", opt_json(d.checked_at)}};
}

nlohmann::json page(const std::vector<Domain>& rows, bool signing, bool with_tenant) {
    auto items = nlohmann::json::array();
    for (auto& d : rows) {
        auto j = to_json(d, signing);
        if (with_tenant) j["tenant_id"] = d.tenant_id;
        items.push_back(std::move(j));
    }
    return http::page_json(std::move(items), std::nullopt);
}

}  // namespace

void register_domain_routes(http::Router& router, DomainService& svc) {
    using http::Access;
    router.add({"POST", "/api/v1/domains", Access::tenant_admin, [&svc](http::Request& req) {
                    auto body = req.json();
                    http::JsonFields f(body);
                    f.only({"domain"});
                    auto d = svc.add(req.caller(), f.text("domain", 1000), origin(req));
                    return http::Response::created(to_json(d, svc.signing()));
                }});
    router.add({"GET", "/api/v1/domains", Access::tenant_member, [&svc](http::Request& req) {
                    return http::Response::json(page(svc.list(req.tenant_id()), svc.signing(), false));
                }});
    router.add({"GET", "/api/v1/domains/{id}", Access::tenant_member, [&svc](http::Request& req) {
                    return http::Response::json(to_json(svc.get(req.tenant_id(), req.param("id")), svc.signing()));
                }});
    router.add({"DELETE", "/api/v1/domains/{id}", Access::tenant_admin, [&svc](http::Request& req) {
                    svc.remove(req.caller(), req.param("id"), origin(req));
                    return http::Response::no_content();
                }});
    router.add({"PATCH", "/api/v1/domains/{id}", Access::tenant_admin, [&svc](http::Request& req) {
                    auto body = req.json();
                    http::JsonFields f(body);
                    f.only({"ed25519"});
                    auto ed25519 = f.opt_bool("ed25519");
                    auto d = ed25519 ? svc.set_ed25519(req.caller(), req.param("id"), *ed25519, origin(req))
                                     : svc.get(req.tenant_id(), req.param("id"));
                    return http::Response::json(to_json(d, svc.signing()));
                }});
    router.add({"POST", "/api/v1/domains/{id}/verify", Access::tenant_admin, [&svc](http::Request& req) {
                    return http::Response::json(to_json(svc.verify(req.tenant_id(), req.param("id")), svc.signing()));
                }});
    router.add({"POST", "/api/v1/domains/{id}/rotate-dkim", Access::tenant_admin, [&svc](http::Request& req) {
                    auto d = svc.rotate_dkim(req.caller(), req.param("id"), origin(req));
                    return http::Response::json(to_json(d, svc.signing()));
                }});
    router.add({"GET", "/api/v1/admin/domains", Access::super_admin,
                [&svc](http::Request&) { return http::Response::json(page(svc.all(), svc.signing(), true)); }});
}

}  // namespace dh::domains
