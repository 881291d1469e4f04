#pragma once
#include <optional>
#include <string>
#include <vector>

#include "auth/auth_service.hpp"
#include "auth/password.hpp"
#include "auth/principal.hpp"
#include "auth/principal_cache.hpp"
#include "tenancy/tenant.hpp"

namespace dh::db {
class Pool;
}

namespace dh::tenancy {

struct NewTenant {
    std::string name, slug, admin_email, admin_password, admin_name;
    std::optional<std::string> plan_id;  ///< none: the default plan
};

struct UserChanges {
    std::optional<std::string> name, role, status, password;
};

/// Tenants (super admin) and tenant users (tenant admin) rules.
class TenancyService {
public:
    /// `principals`: what authentication keeps, told of every user and tenant this service changes.
    TenancyService(db::Pool& pool, auth::PasswordCost cost, auth::PrincipalCache* principals = nullptr)
        : pool_(pool), cost_(cost), principals_(principals) {}

    // Platform side: every call is an explicit, audited cross-tenant action.
    std::pair<Tenant, User> create_tenant(const auth::Principal& actor, const NewTenant& input,
                                          const auth::Origin& origin);
    std::vector<Tenant> list_tenants(int limit, const std::optional<std::string>& after_created,
                                     const std::optional<std::string>& after_id);
    Tenant tenant(const std::string& id);
    /// The tenant's usage by billing period, newest first (the last 24).
    std::vector<UsagePeriod> usage_history(const std::string& id);
    PlatformOverview overview();
    Tenant set_tenant_status(const auth::Principal& actor, const std::string& id, const std::string& status,
                             const std::optional<std::string>& reason, const auth::Origin& origin);
    /// `overrides_patch`: a merge patch of the limit overrides (see plan_limits::overrides_patch).
    Tenant update_tenant(const auth::Principal& actor, const std::string& id, const std::optional<std::string>& name,
                         const std::optional<std::string>& plan_id, const std::optional<std::string>& overrides_patch,
                         const auth::Origin& origin);
    User create_super_admin(const std::string& email, const std::string& name, const std::string& password);

    // Tenant side (RLS-scoped to the caller's tenant).
    std::optional<Tenant> own_tenant(const std::string& tenant_id);
    std::optional<Plan> plan_of(const std::string& tenant_id);
    std::optional<User> user(const std::string& tenant_id, const std::string& id);
    std::vector<User> list_users(const std::string& tenant_id, int limit,
                                 const std::optional<std::string>& after_created,
                                 const std::optional<std::string>& after_id);
    User create_user(const auth::Principal& caller, const std::string& email, const std::string& name,
                     const std::string& role, const std::string& password, const auth::Origin& origin);
    User update_user(const auth::Principal& caller, const std::string& id, const UserChanges& changes,
                     const auth::Origin& origin);
    void delete_user(const auth::Principal& caller, const std::string& id, const auth::Origin& origin);

private:
    db::Pool& pool_;
    auth::PasswordCost cost_;
    auth::PrincipalCache* principals_;
};

/// Basic address sanity for sign-in emails: one @, no spaces or control characters, ≤ 254 bytes.
std::string normalize_login_email(const std::string& field, const std::string& email);
/// Slugs: 1–63 of [a-z0-9-], no leading/trailing dash.
bool valid_slug(const std::string& slug);

}  // namespace dh::tenancy
