#pragma once
#include <optional>
#include <string>
#include <vector>

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
    // Activity, for the super admin's list and detail.
    long long users_count = 0;
    long long vendors_count = 0;
    long long period_sent = 0;                    ///< emails sent in the running billing period
    long long period_reserved = 0;                ///< emails reserved (queued) in it
    std::optional<std::string> last_activity_at;  ///< latest dispatch or sign-in
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
    bool is_default = false;                 ///< the plan of new tenants unless another is chosen
    std::optional<long long> tenants_count;  ///< tenants on it (any status); only on the super admin's reads
};

}  // namespace dh::tenancy

namespace dh::tenancy {

/// One billing period of a tenant's usage.
struct UsagePeriod {
    std::string period_start, period_end;
    long long sent = 0, reserved = 0;
};

/// Platform health at a glance (super admin).
/// A delivery worker process that reported within the last minute.
struct WorkerHeartbeat {
    std::string worker_id, hostname, started_at, seen_at;
    int pid = 0;
    std::optional<std::string> relay_problem;
};

struct PlatformOverview {
    long long tenants_active = 0, tenants_suspended = 0;
    long long sent_period = 0;  ///< all tenants, running billing period
    long long queue_depth = 0;  ///< deliveries queued or deferred
    std::optional<double> oldest_queued_seconds;
    long long deferred = 0;
    long long failed_24h = 0;
    long long tickets_open = 0;     ///< open or pending
    long long invoices_unpaid = 0;  ///< issued, not yet paid
    std::vector<WorkerHeartbeat> workers;
};

}  // namespace dh::tenancy
