#pragma once
#include <optional>
#include <string>
#include <vector>

#include "auth/auth_service.hpp"
#include "auth/principal.hpp"
#include "tenancy/tenant.hpp"

namespace dh::db {
class Pool;
}

namespace dh::tenancy {

/// A partial change of a plan: members left empty keep their value.
struct PlanChanges {
    std::optional<std::string> name, currency;
    std::optional<long long> price_cents;
    std::optional<std::optional<long long>> overage_cents_per_1000;  ///< set to none: hard stop
    std::optional<long long> emails_per_period, recipients_per_dispatch, vendors, users, attachment_bytes;
    std::optional<double> send_rate_per_second;
    std::optional<bool> retired;
};

/// Applies `changes` to `plan` (pure).
Plan apply(Plan plan, const PlanChanges& changes);
/// Throws a validation error naming the first bad field (pure).
void validate(const Plan& plan);

/// Plans (super admin). Limits are read at every dispatch and by the worker, so a change applies at once.
class PlanService {
public:
    explicit PlanService(db::Pool& pool) : pool_(pool) {}

    std::vector<Plan> list(bool include_retired);
    Plan get(const std::string& id);
    Plan create(const auth::Principal& actor, const PlanChanges& input, const auth::Origin& origin);
    Plan update(const auth::Principal& actor, const std::string& id, const PlanChanges& changes,
                const auth::Origin& origin);
    /// Deletes an unused plan; a plan any tenant is on can only be retired (conflict plan_in_use).
    void remove(const auth::Principal& actor, const std::string& id, const auth::Origin& origin);

private:
    db::Pool& pool_;
};

}  // namespace dh::tenancy
