#pragma once
#include <nlohmann/json.hpp>

#include "tenancy/tenant.hpp"

namespace dh::tenancy {

nlohmann::json to_json(const Tenant& t);
nlohmann::json to_json(const User& u);  ///< never includes the password hash
nlohmann::json to_json(const Plan& p);
nlohmann::json to_json(const std::vector<UsagePeriod>& periods);
nlohmann::json to_json(const PlatformOverview& o);

}  // namespace dh::tenancy
