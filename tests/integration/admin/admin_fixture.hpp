#pragma once
#include <string>

#include "harness/tenants.hpp"

namespace dh::test {

/// A plan body with every limit; `emails` per period, `overage` cents per 1,000 (null: hard stop).
inline nlohmann::json plan_body(const std::string& name, long long emails, nlohmann::json overage = nullptr,
                                long long price = 4900) {
    return {{"name", name},
            {"price_cents", price},
            {"currency", "EUR"},
            {"overage_cents_per_1000", overage},
            {"limits",
             {{"emails_per_period", emails},
              {"recipients_per_dispatch", 1000},
              {"vendors", 1000},
              {"users", 5},
              {"send_rate_per_second", 100},
              {"attachment_bytes", 1000000}}}};
}

/// Creates a plan and puts `tenant` on it; returns the plan id.
inline std::string assign_new_plan(PlatformSession& platform, const TenantSession& tenant, const nlohmann::json& body) {
    auto plan = platform.root().post("/api/v1/admin/plans", body);
    if (plan.status != 201) throw std::runtime_error("create plan -> " + std::to_string(plan.status) + " " + plan.body);
    auto id = plan.json()["id"].get<std::string>();
    auto r = platform.root().patch("/api/v1/admin/tenants/" + tenant.id, {{"plan_id", id}});
    if (r.status != 200) throw std::runtime_error("assign plan -> " + std::to_string(r.status) + " " + r.body);
    return id;
}

/// The audit actions the super admin sees, newest first.
inline std::vector<std::string> audit_actions(PlatformSession& platform, const std::string& query = "") {
    auto page = platform.root().get("/api/v1/admin/audit?limit=200" + query).json();
    std::vector<std::string> out;
    for (auto& e : page["items"]) out.push_back(e["action"].get<std::string>());
    return out;
}

}  // namespace dh::test
