#include "tenancy/tenancy_service.hpp"

#include <regex>

#include "audit/audit.hpp"
#include "common/error.hpp"
#include "common/strings.hpp"
#include "db/tx.hpp"
#include "mail/header_values.hpp"
#include "tenancy/plan_store.hpp"
#include "tenancy/tenant_store.hpp"
#include "tenancy/user_store.hpp"

namespace dh::tenancy {
namespace {

void check_password(const std::string& field, const std::string& password, const std::string& email) {
    if (auto problem = auth::password_problem(password, email); !problem.empty())
        throw Error::invalid_field(field, problem);
}

void require_uuid(const std::string& id, const std::string& what) {
    if (!strings::is_uuid(id)) throw Error::not_found(what);
}

/// A plan a tenant may be put on now: it exists and is not retired (tenants already on a retired
/// plan keep it, nobody new joins it).
Plan offered_plan(db::Tx& tx, const std::string& plan_id) {
    if (!strings::is_uuid(plan_id)) throw Error::invalid_field("plan_id", "must be the id of a plan");
    auto plan = plan_store::by_id(tx, plan_id);
    if (!plan) throw Error::invalid_field("plan_id", "no such plan");
    if (plan->retired) throw Error::invalid_field("plan_id", "the plan is retired: choose one that is offered");
    return *plan;
}

/// Limits follow tenants.plan_id at once; billing charges each plan pro rata from this record of
/// the change. One invoice has one currency, so a change may not switch it.
void record_plan_change(db::Tx& tx, const auth::Principal& actor, const std::string& tenant_id,
                        const std::string& plan_id) {
    auto plan = offered_plan(tx, plan_id);
    auto current = tenant_store::lock_plan(tx, tenant_id);
    if (!current) throw Error::not_found("Tenant");
    if (*current == plan_id) return;
    auto before = plan_store::by_id(tx, *current);
    if (before && before->currency != plan.currency)
        throw Error::conflict("currency_mismatch", "The tenant's plan is billed in " + before->currency +
                                                       ", this one in " + plan.currency +
                                                       ": a plan change cannot switch the currency.");
    tenant_store::record_plan_change(tx, tenant_id, *current, plan_id, actor.id);
}

}  // namespace

std::string normalize_login_email(const std::string& field, const std::string& email) {
    auto e = strings::to_lower(strings::trim(email));
    auto at = e.find('@');
    if (e.empty()) throw Error::invalid_field(field, "is required");
    if (e.size() > 254 || at == std::string::npos || at == 0 || at == e.size() - 1 ||
        e.find('@', at + 1) != std::string::npos)
        throw Error::invalid_field(field, "must be an email address");
    for (unsigned char c : e)
        if (c <= 0x20 || c == 0x7f || c == ',' || c == ';' || c == '<' || c == '>')
            throw Error::invalid_field(field, "must be an email address");
    return e;
}

bool valid_slug(const std::string& slug) {
    static const std::regex re("^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$");
    return std::regex_match(slug, re);
}

std::pair<Tenant, User> TenancyService::create_tenant(const auth::Principal& actor, const NewTenant& in,
                                                      const auth::Origin& origin) {
    mail::check_display_name("name", in.name);  // the default sender's display name
    mail::check_display_name("admin_name", in.admin_name);
    if (!valid_slug(in.slug))
        throw Error::invalid_field("slug", "must be 1-63 of a-z, 0-9 and -, not starting or ending with -");
    auto email = normalize_login_email("admin_email", in.admin_email);
    check_password("admin_password", in.admin_password, email);
    if (in.plan_id && !strings::is_uuid(*in.plan_id)) throw Error::invalid_field("plan_id", "must be the id of a plan");
    auto hash = auth::hash_password(in.admin_password, cost_);
    try {
        return db::with_tx(pool_, db::Scope::platform(), [&](db::Tx& tx) {
            if (in.plan_id) offered_plan(tx, *in.plan_id);
            auto tenant = tenant_store::insert(tx, in.name, in.slug, in.plan_id);
            auto admin = user_store::insert(tx, tenant.id, email, in.admin_name, "tenant_admin", hash);
            auto e = audit::by(actor, origin.request_id, origin.client_ip, "tenant.created", "tenant", tenant.id);
            e.details = {{"slug", tenant.slug}, {"admin_email", email}, {"plan_id", tenant.plan_id}};
            audit::record(tx, e);
            return std::make_pair(tenant, admin);
        });
    } catch (const Error& e) {
        if (e.code() == "already_exists")
            throw Error::conflict("slug_taken", "A tenant with this slug already exists.");
        throw;
    }
}

std::vector<Tenant> TenancyService::list_tenants(int limit, const std::optional<std::string>& after_created,
                                                 const std::optional<std::string>& after_id) {
    return db::with_tx(pool_, db::Scope::platform(),
                       [&](db::Tx& tx) { return tenant_store::list(tx, limit, after_created, after_id); });
}

Tenant TenancyService::tenant(const std::string& id) {
    require_uuid(id, "Tenant");
    auto t = db::with_tx(pool_, db::Scope::platform(), [&](db::Tx& tx) { return tenant_store::by_id(tx, id); });
    if (!t) throw Error::not_found("Tenant");
    return *t;
}

std::vector<UsagePeriod> TenancyService::usage_history(const std::string& id) {
    require_uuid(id, "Tenant");
    return db::with_tx(pool_, db::Scope::platform(),
                       [&](db::Tx& tx) { return tenant_store::usage_history(tx, id, 24); });
}

PlatformOverview TenancyService::overview() {
    return db::with_tx(pool_, db::Scope::platform(), [&](db::Tx& tx) { return tenant_store::overview(tx); });
}

Tenant TenancyService::set_tenant_status(const auth::Principal& actor, const std::string& id, const std::string& status,
                                         const std::optional<std::string>& reason, const auth::Origin& origin) {
    require_uuid(id, "Tenant");
    auto tenant = db::with_tx(pool_, db::Scope::platform(), [&](db::Tx& tx) {
        if (!tenant_store::set_status(tx, id, status, reason)) throw Error::not_found("Tenant");
        auto e = audit::by(actor, origin.request_id, origin.client_ip,
                           status == "suspended" ? "tenant.suspended" : "tenant.activated", "tenant", id);
        e.tenant_id = id;
        if (reason) e.details = {{"reason", *reason}};
        audit::record(tx, e);
        return *tenant_store::by_id(tx, id);
    });
    if (principals_) principals_->drop_tenant(id);
    return tenant;
}

Tenant TenancyService::update_tenant(const auth::Principal& actor, const std::string& id,
                                     const std::optional<std::string>& name, const std::optional<std::string>& plan_id,
                                     const std::optional<std::string>& overrides_patch, const auth::Origin& origin) {
    require_uuid(id, "Tenant");
    if (plan_id && !strings::is_uuid(*plan_id)) throw Error::invalid_field("plan_id", "must be the id of a plan");
    if (name) mail::check_display_name("name", *name);
    return db::with_tx(pool_, db::Scope::platform(), [&](db::Tx& tx) {
        if (plan_id) record_plan_change(tx, actor, id, *plan_id);
        if (!tenant_store::update(tx, id, name, plan_id, overrides_patch)) throw Error::not_found("Tenant");
        auto e = audit::by(actor, origin.request_id, origin.client_ip,
                           plan_id ? "tenant.plan_changed" : "tenant.updated", "tenant", id);
        e.tenant_id = id;
        e.details = nlohmann::json::object();
        if (plan_id) e.details["plan_id"] = *plan_id;
        if (name) e.details["name"] = *name;
        if (overrides_patch) e.details["limit_overrides"] = nlohmann::json::parse(*overrides_patch);
        audit::record(tx, e);
        return *tenant_store::by_id(tx, id);
    });
}

User TenancyService::create_super_admin(const std::string& email_in, const std::string& name,
                                        const std::string& password) {
    auto email = normalize_login_email("email", email_in);
    check_password("password", password, email);
    auto hash = auth::hash_password(password, cost_);
    try {
        return db::with_tx(pool_, db::Scope::platform(), [&](db::Tx& tx) {
            auto user = user_store::insert(tx, std::nullopt, email, name, "super_admin", hash);
            audit::Entry e;
            e.action = "user.super_admin_created";
            e.actor_label = "dispatchhub admin create-superadmin";
            e.target_type = "user";
            e.target_id = user.id;
            e.details = {{"email", email}};
            audit::record(tx, e);
            return user;
        });
    } catch (const Error& e) {
        if (e.code() == "already_exists")
            throw Error::conflict("email_taken", "A super admin with this email already exists.");
        throw;
    }
}

std::optional<Tenant> TenancyService::own_tenant(const std::string& tenant_id) {
    return db::with_tx(pool_, db::Scope::tenant(tenant_id),
                       [&](db::Tx& tx) { return tenant_store::by_id(tx, tenant_id); });
}

std::optional<Plan> TenancyService::plan_of(const std::string& tenant_id) {
    return db::with_tx(pool_, db::Scope::tenant(tenant_id),
                       [&](db::Tx& tx) { return plan_store::of_tenant(tx, tenant_id); });
}

std::optional<User> TenancyService::user(const std::string& tenant_id, const std::string& id) {
    if (!strings::is_uuid(id)) return std::nullopt;
    return db::with_tx(pool_, db::Scope::tenant(tenant_id), [&](db::Tx& tx) { return user_store::by_id(tx, id); });
}

std::vector<User> TenancyService::list_users(const std::string& tenant_id, int limit,
                                             const std::optional<std::string>& after_created,
                                             const std::optional<std::string>& after_id) {
    return db::with_tx(pool_, db::Scope::tenant(tenant_id),
                       [&](db::Tx& tx) { return user_store::list(tx, limit, after_created, after_id); });
}

User TenancyService::create_user(const auth::Principal& caller, const std::string& email_in, const std::string& name,
                                 const std::string& role, const std::string& password, const auth::Origin& origin) {
    if (role != "tenant_admin" && role != "tenant_member")
        throw Error::invalid_field("role", "must be tenant_admin or tenant_member");
    mail::check_display_name("name", name);  // platform notifications are addressed to it
    auto email = normalize_login_email("email", email_in);
    check_password("password", password, email);
    auto hash = auth::hash_password(password, cost_);
    const auto& tenant_id = *caller.tenant_id;
    try {
        return db::with_tx(pool_, db::Scope::tenant(tenant_id), [&](db::Tx& tx) {
            auto room = user_store::lock_user_count(tx, tenant_id);
            if (room.count >= room.limit)
                throw Error(ErrorKind::quota_exceeded, "user_limit_reached", "The plan's user limit is reached.");
            auto user = user_store::insert(tx, tenant_id, email, name, role, hash);
            auto e = audit::by(caller, origin.request_id, origin.client_ip, "user.created", "user", user.id);
            e.details = {{"email", email}, {"role", role}};
            audit::record(tx, e);
            return user;
        });
    } catch (const Error& e) {
        if (e.code() == "already_exists")
            throw Error::conflict("email_taken", "A user with this email already exists.");
        throw;
    }
}

User TenancyService::update_user(const auth::Principal& caller, const std::string& id, const UserChanges& changes,
                                 const auth::Origin& origin) {
    if (!strings::is_uuid(id)) throw Error::not_found("User");
    bool is_admin = caller.is_tenant_admin();
    bool self = caller.kind == auth::Principal::Kind::user && caller.id == id;
    // Members may change their own name and password; nothing else, nobody else.
    if (!is_admin && (!self || changes.role || changes.status))
        throw Error::forbidden("Only a tenant admin may change this.");
    if (changes.role && *changes.role != "tenant_admin" && *changes.role != "tenant_member")
        throw Error::invalid_field("role", "must be tenant_admin or tenant_member");
    if (changes.name) mail::check_display_name("name", *changes.name);
    if (changes.status && *changes.status != "active" && *changes.status != "disabled")
        throw Error::invalid_field("status", "must be active or disabled");
    std::optional<std::string> hash;
    auto updated = db::with_tx(pool_, db::Scope::tenant(*caller.tenant_id), [&](db::Tx& tx) {
        auto current = user_store::by_id(tx, id);
        if (!current) throw Error::not_found("User");
        if (changes.password) {
            check_password("password", *changes.password, current->email);
            hash = auth::hash_password(*changes.password, cost_);
        }
        bool loses_admin = current->role == "tenant_admin" && ((changes.role && *changes.role != "tenant_admin") ||
                                                               (changes.status && *changes.status != "active"));
        if (loses_admin && user_store::other_active_admins(tx, id) == 0)
            throw Error::conflict("last_admin", "The workspace must keep at least one active tenant admin.");
        user_store::update(tx, id, changes.name, changes.role, changes.status, hash);
        auto e = audit::by(caller, origin.request_id, origin.client_ip, "user.updated", "user", id);
        e.details = nlohmann::json::object();
        if (changes.role) e.details["role"] = *changes.role;
        if (changes.status) e.details["status"] = *changes.status;
        if (changes.name) e.details["name"] = *changes.name;
        if (changes.password) e.details["password_changed"] = true;
        audit::record(tx, e);
        return *user_store::by_id(tx, id);
    });
    if (principals_) principals_->drop_user(id);
    return updated;
}

void TenancyService::delete_user(const auth::Principal& caller, const std::string& id, const auth::Origin& origin) {
    if (!strings::is_uuid(id)) throw Error::not_found("User");
    db::with_tx(pool_, db::Scope::tenant(*caller.tenant_id), [&](db::Tx& tx) {
        auto current = user_store::by_id(tx, id);
        if (!current) throw Error::not_found("User");
        if (current->role == "tenant_admin" && current->status == "active" &&
            user_store::other_active_admins(tx, id) == 0)
            throw Error::conflict("last_admin", "The workspace must keep at least one active tenant admin.");
        user_store::remove(tx, id);
        auto e = audit::by(caller, origin.request_id, origin.client_ip, "user.deleted", "user", id);
        e.details = {{"email", current->email}};
        audit::record(tx, e);
    });
    if (principals_) principals_->drop_user(id);
}

}  // namespace dh::tenancy
