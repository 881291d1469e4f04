#include "tenancy/tenancy_json.hpp"

#include <algorithm>
#include <cmath>

#include "common/error.hpp"
#include "tenancy/plan_limits.hpp"

namespace dh::tenancy {

nlohmann::json to_json(const Tenant& t) {
    return {{"id", t.id},
            {"name", t.name},
            {"slug", t.slug},
            {"status", t.status},
            {"status_reason", t.status_reason ? nlohmann::json(*t.status_reason) : nlohmann::json()},
            {"plan_id", t.plan_id},
            {"plan_name", t.plan_name},
            {"limit_overrides", nlohmann::json::parse(t.limit_overrides, nullptr, false)},
            {"created_at", t.created_at},
            {"updated_at", t.updated_at},
            {"users_count", t.users_count},
            {"vendors_count", t.vendors_count},
            {"usage", {{"period_sent", t.period_sent}, {"period_reserved", t.period_reserved}}},
            {"last_activity_at", t.last_activity_at ? nlohmann::json(*t.last_activity_at) : nlohmann::json()}};
}

nlohmann::json to_json(const User& u) {
    return {{"id", u.id},
            {"tenant_id", u.tenant_id ? nlohmann::json(*u.tenant_id) : nlohmann::json()},
            {"email", u.email},
            {"name", u.name},
            {"role", u.role},
            {"status", u.status},
            {"last_login_at", u.last_login_at ? nlohmann::json(*u.last_login_at) : nlohmann::json()},
            {"created_at", u.created_at},
            {"updated_at", u.updated_at}};
}

nlohmann::json to_json(const Plan& p) {
    nlohmann::json out = {{"id", p.id},
                          {"name", p.name},
                          {"price_cents", p.price_cents},
                          {"currency", p.currency},
                          {"overage_cents_per_1000",
                           p.overage_cents_per_1000 ? nlohmann::json(*p.overage_cents_per_1000) : nlohmann::json()},
                          {"limits", plan_limits::to_json(p.limits)},
                          {"retired", p.retired},
                          {"is_default", p.is_default}};
    if (p.tenants_count) out["tenants_count"] = *p.tenants_count;
    return out;
}

nlohmann::json to_json(const std::vector<UsagePeriod>& periods) {
    auto out = nlohmann::json::array();
    for (auto& p : periods)
        out.push_back({{"period_start", p.period_start},
                       {"period_end", p.period_end},
                       {"sent", p.sent},
                       {"reserved", p.reserved}});
    return out;
}

nlohmann::json to_json(const PlatformOverview& o) {
    nlohmann::json workers = nlohmann::json::array();
    for (auto& w : o.workers)
        workers.push_back({{"worker_id", w.worker_id},
                           {"hostname", w.hostname},
                           {"pid", w.pid},
                           {"started_at", w.started_at},
                           {"seen_at", w.seen_at},
                           {"relay_problem", w.relay_problem ? nlohmann::json(*w.relay_problem) : nlohmann::json()}});
    return {{"tenants", {{"active", o.tenants_active}, {"suspended", o.tenants_suspended}}},
            {"emails_sent_period", o.sent_period},
            {"queue",
             {{"depth", o.queue_depth},
              {"oldest_queued_seconds",
               o.oldest_queued_seconds ? nlohmann::json(*o.oldest_queued_seconds) : nlohmann::json()},
              {"deferred", o.deferred},
              {"failed_24h", o.failed_24h}}},
            {"tickets_open", o.tickets_open},
            {"invoices_unpaid", o.invoices_unpaid},
            {"workers", workers}};
}

}  // namespace dh::tenancy
