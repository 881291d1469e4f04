#pragma once
#include <optional>
#include <string>

namespace dh::tenancy {

struct Tenant {
    std::string id;
    std::string name;
    std::string slug;
    std::string status;  ///< active | suspended
    std::string plan_id;
    std::string plan_name;
    std::optional<std::string> status_reason;
    std::string limit_overrides = "{}";  ///< JSON object
    std::string created_at;
    std::string updated_at;
};

struct User {
    std::string id;
    std::optional<std::string> tenant_id;
    std::string email;
    std::string name;
    std::string role;    ///< super_admin | tenant_admin | tenant_member
    std::string status;  ///< active | disabled
    std::string password_hash;
    std::optional<std::string> last_login_at;
    std::string created_at;
    std::string updated_at;
};

}  // namespace dh::tenancy

namespace dh::tenancy {

struct PlanLimits {
    long long emails_per_period = 0, recipients_per_dispatch = 0, vendors = 0, users = 0, attachment_bytes = 0;
    double send_rate_per_second = 0;
};

struct Plan {
    std::string id, name, currency;
    long long price_cents = 0;
    std::optional<long long> overage_cents_per_1000;  ///< none = hard stop at the limit
    PlanLimits limits;
    bool retired = false;
};

}  // namespace dh::tenancy
