#include "tenancy/plan_limits.hpp"

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>

#include "common/error.hpp"

namespace dh::tenancy::plan_limits {

bool is_limit(std::string_view name) {
    return std::find(kNames.begin(), kNames.end(), name) != kNames.end();
}

bool is_rate(std::string_view name) {
    return name == "send_rate_per_second";
}

std::optional<std::string> problem(std::string_view name, const nlohmann::json& v) {
    if (!is_limit(name)) return "is not a plan limit";
    if (is_rate(name)) {
        if (!v.is_number() || !std::isfinite(v.get<double>()) || v.get<double>() < 0)
            return "must be a non-negative number (0: no limit)";
        return std::nullopt;
    }
    bool whole = v.is_number_unsigned() || (v.is_number_integer() && v.get<long long>() >= 0);
    if (!whole || v.get<unsigned long long>() > static_cast<unsigned long long>(kMax))
        return "must be a whole number from 0 to 10^15";
    return std::nullopt;
}

nlohmann::json to_json(const PlanLimits& l) {
    return {{"emails_per_period", l.emails_per_period},
            {"recipients_per_dispatch", l.recipients_per_dispatch},
            {"vendors", l.vendors},
            {"users", l.users},
            {"send_rate_per_second", l.send_rate_per_second},
            {"attachment_bytes", l.attachment_bytes}};
}

std::string overrides_patch(const nlohmann::json& value) {
    if (!value.is_object()) throw Error::invalid_field("limit_overrides", "must be an object");
    for (auto& [key, v] : value.items()) {
        if (v.is_null()) continue;
        if (auto why = problem(key, v)) {
            bool known = is_limit(key);
            throw Error::invalid_field("limit_overrides." + key,
                                       known ? *why + ", or null to clear the override" : *why);
        }
    }
    return value.dump();
}

}  // namespace dh::tenancy::plan_limits
