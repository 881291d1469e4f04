#include "audit/audit_routes.hpp"

#include <cstdlib>

#include "audit/audit_service.hpp"
#include "common/cursor.hpp"
#include "common/error.hpp"
#include "http/page_response.hpp"
#include "http/route_support.hpp"
#include "http/router.hpp"
#include "vendors/csv.hpp"

namespace dh::audit {
namespace {

using http::opt_json;

constexpr int kCsvRows = 10000;

long long positive(const std::string& field, const std::string& text, long long max) {
    char* end = nullptr;
    long long n = std::strtoll(text.c_str(), &end, 10);
    if (text.empty() || *end != '\0' || n < 1 || n > max)
        throw Error::invalid_field(field, "must be a number from 1 to " + std::to_string(max));
    return n;
}

Filter filter_of(const http::Request& req) {
    Filter f{req.query_param("tenant_id"), req.query_param("actor"),
             req.query_param("action"),    req.query_param("target_type"),
             req.query_param("target_id"), req.query_param("from"),
             req.query_param("to"),        std::nullopt};
    if (auto c = req.query_param("cursor"); c && !c->empty())
        f.before_id = positive("cursor", dh::cursor::decode(*c, 1).front(), 1LL << 62);
    return f;
}

nlohmann::json to_json(const StoredEntry& e) {
    return {
        {"id", std::to_string(e.id)},
        {"created_at", e.created_at},
        {"tenant_id", opt_json(e.tenant_id)},
        {"tenant",
         e.tenant_id ? nlohmann::json{{"id", *e.tenant_id}, {"name", opt_json(e.tenant_name)}} : nlohmann::json()},
        {"actor_type", e.actor_type},
        {"actor_id", opt_json(e.actor_id)},
        {"actor", e.actor_label},
        {"action", e.action},
        {"target_type", opt_json(e.target_type)},
        {"target_id", opt_json(e.target_id)},
        {"target", e.target_type ? nlohmann::json(*e.target_type + ":" + e.target_id.value_or("")) : nlohmann::json()},
        {"details", nlohmann::json::parse(e.details, nullptr, false)},
        {"request_id", opt_json(e.request_id)},
        {"ip", opt_json(e.client_ip)}};
}

http::Response csv(const std::vector<StoredEntry>& rows) {
    std::string out;
    vendors::append_csv_row(out, {"id", "created_at", "tenant", "actor_type", "actor", "action", "target_type",
                                  "target_id", "details", "request_id", "ip"});
    for (auto& e : rows)
        vendors::append_csv_row(out, {std::to_string(e.id), e.created_at, e.tenant_name.value_or(""), e.actor_type,
                                      e.actor_label, e.action, e.target_type.value_or(""), e.target_id.value_or(""),
                                      e.details, e.request_id.value_or(""), e.client_ip.value_or("")});
    http::Response r;
    r.content_type = "text/csv; charset=utf-8";
    r.body = std::move(out);
    r.header("Content-Disposition", "attachment; filename=\"audit.csv\"");
    return r;
}

/// A page of JSON ({items, next_cursor}), or with ?format=csv up to 10,000 entries as CSV.
template <class Fetch>
http::Response answer(const http::Request& req, Fetch fetch) {
    auto filter = filter_of(req);
    if (req.query_param("format").value_or("json") == "csv") return csv(fetch(filter, kCsvRows));
    int limit = http::page_limit(req);
    auto rows = fetch(filter, limit);
    auto items = nlohmann::json::array();
    for (auto& e : rows) items.push_back(to_json(e));
    std::optional<std::string> next;
    if (static_cast<int>(rows.size()) == limit) next = dh::cursor::encode({std::to_string(rows.back().id)});
    return http::Response::json(http::page_json(std::move(items), next));
}

}  // namespace

void register_audit_routes(http::Router& router, AuditService& svc) {
    using http::Access;
    router.add({"GET", "/api/v1/admin/audit", Access::super_admin, [&svc](http::Request& req) {
                    return answer(req, [&](const Filter& f, int limit) { return svc.list_all(f, limit); });
                }});
    router.add({"GET", "/api/v1/audit", Access::tenant_admin, [&svc](http::Request& req) {
                    const auto& tenant = req.tenant_id();
                    return answer(req, [&](const Filter& f, int limit) { return svc.list_tenant(tenant, f, limit); });
                }});
}

}  // namespace dh::audit
