#pragma once
#include <nlohmann/json.hpp>

#include "tenancy/tenant.hpp"

namespace dh::tenancy {

nlohmann::json to_json(const Tenant& t);
nlohmann::json to_json(const User& u);  ///< never includes the password hash
nlohmann::json to_json(const Plan& p);
nlohmann::json to_json(const std::vector<UsagePeriod>& periods);
nlohmann::json to_json(const PlatformOverview& o);

/// Largest value of an integer limit or override (what plans accept too).
inline constexpr long long kMaxLimit = 1'000'000'000'000'000LL;

/// A validated change of a tenant's limit overrides, as JSON text: a merge patch where a number
/// sets that limit's override, null clears it and absent limits keep theirs. Integer limits take
/// whole numbers (the SQL reads them as bigint), the send rate any non-negative number.
/// Throws a 422 naming `limit_overrides` or `limit_overrides.<limit>`.
std::string limit_overrides_patch(const nlohmann::json& value);

}  // namespace dh::tenancy
