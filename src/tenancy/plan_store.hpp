#pragma once
#include <optional>
#include <string>
#include <vector>

#include "tenancy/tenant.hpp"

namespace dh::db {
class Tx;
}

namespace dh::tenancy::plan_store {

/// All plans by name; retired ones only when asked.
std::vector<Plan> list(db::Tx& tx, bool include_retired);
std::optional<Plan> by_id(db::Tx& tx, const std::string& id);
std::optional<Plan> of_tenant(db::Tx& tx, const std::string& tenant_id);
Plan insert(db::Tx& tx, const Plan& plan);
/// Writes every field of `plan` (found by its id); false when there is no such plan.
bool update(db::Tx& tx, const Plan& plan);
bool remove(db::Tx& tx, const std::string& id);
/// Tenants on the plan (any status) and invoices naming it.
long long uses(db::Tx& tx, const std::string& id);
bool is_default(db::Tx& tx, const std::string& id);

}  // namespace dh::tenancy::plan_store
