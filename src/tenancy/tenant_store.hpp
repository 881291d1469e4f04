#pragma once
#include <optional>
#include <string>
#include <vector>

#include "tenancy/tenant.hpp"

namespace dh::db {
class Tx;
}

namespace dh::tenancy::tenant_store {

std::optional<Tenant> by_id(db::Tx& tx, const std::string& id);
/// Newest first, keyset after (created_at, id).
std::vector<Tenant> list(db::Tx& tx, int limit, const std::optional<std::string>& after_created,
                         const std::optional<std::string>& after_id);
/// A new tenant on `plan_id`, or on the default plan when none is given.
Tenant insert(db::Tx& tx, const std::string& name, const std::string& slug, const std::optional<std::string>& plan_id);
bool set_status(db::Tx& tx, const std::string& id, const std::string& status, const std::optional<std::string>& reason);
/// Changes what is given; `limit_overrides_patch` is merged into the overrides (a null value
/// removes that override).
bool update(db::Tx& tx, const std::string& id, const std::optional<std::string>& name,
            const std::optional<std::string>& plan_id, const std::optional<std::string>& limit_overrides_patch);
/// The tenant's plan, its row locked until the transaction ends (plan changes are recorded in order).
std::optional<std::string> lock_plan(db::Tx& tx, const std::string& id);
/// Records that the tenant moves from one plan to another now (the billing history of pro rata charges).
void record_plan_change(db::Tx& tx, const std::string& id, const std::string& from_plan_id,
                        const std::string& to_plan_id, const std::optional<std::string>& changed_by);
/// The tenant's billing periods, newest first (at most `limit`).
std::vector<UsagePeriod> usage_history(db::Tx& tx, const std::string& tenant_id, int limit);
PlatformOverview overview(db::Tx& tx);

/// A tenant whose counter row (migration 0021) disagrees with its rows.
struct CountMismatch {
    std::string tenant_id;
    long long vendors_counted, vendors_live, users_counted, users;
};
/// Every tenant whose vendor or user counter differs from a count of its rows (platform scope).
std::vector<CountMismatch> count_mismatches(db::Tx& tx);

}  // namespace dh::tenancy::tenant_store
