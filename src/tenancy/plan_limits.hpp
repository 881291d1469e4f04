#pragma once
#include <array>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "tenancy/tenant.hpp"

/// The plan limits, in one place: their names (a plan's `limits`, a tenant's `limit_overrides`),
/// what a valid value is, and their JSON form. What a tenant may use is its plan's limit unless an
/// override is set; that rule lives in SQL, in effective_limits() (migrations/0020_rule_functions.sql),
/// used by every statement that checks a limit. Adding a limit: the plans table, effective_limits(),
/// PlanLimits and kNames.
namespace dh::tenancy::plan_limits {

/// The largest value of a whole-number limit.
inline constexpr long long kMax = 1'000'000'000'000'000LL;

/// Every limit by its API name. send_rate_per_second is a rate (0: no limit); the others are whole numbers.
inline constexpr std::array<const char*, 6> kNames = {
    "emails_per_period", "recipients_per_dispatch", "vendors", "users", "send_rate_per_second", "attachment_bytes"};

bool is_limit(std::string_view name);
bool is_rate(std::string_view name);

/// Why `value` is no valid value of limit `name` (a plain phrase such as "must be a whole number from
/// 0 to 10^15"); nullopt when it is valid.
std::optional<std::string> problem(std::string_view name, const nlohmann::json& value);

nlohmann::json to_json(const PlanLimits& limits);

/// A validated merge patch of a tenant's overrides (a null value clears that override), as JSON
/// text; throws a validation error naming `limit_overrides.<name>`.
std::string overrides_patch(const nlohmann::json& value);

}  // namespace dh::tenancy::plan_limits
