#include "tenancy/plan_store.hpp"

#include "db/tx.hpp"

namespace dh::tenancy::plan_store {
namespace {

constexpr const char* kColumns = R"SQL(
  p.id, p.name, p.price_cents, p.currency, p.overage_cents_per_1000, p.emails_per_period, p.recipients_per_dispatch,
  p.vendors_limit, p.users_limit, p.send_rate_per_second, p.attachment_bytes, p.retired, p.is_default)SQL";

// The super admin's reads also count the plan's tenants (what retiring or deleting it would touch).
constexpr const char* kTenantsCount = ", (SELECT count(*) FROM tenants x WHERE x.plan_id = p.id) AS tenants_count";
const std::string kList =
    std::string("SELECT ") + kColumns + kTenantsCount + " FROM plans p WHERE $1 OR NOT p.retired ORDER BY p.name";
const std::string kById = std::string("SELECT ") + kColumns + kTenantsCount + " FROM plans p WHERE p.id = $1::uuid";
const std::string kOfTenant =
    std::string("SELECT ") + kColumns + " FROM tenants t JOIN plans p ON p.id = t.plan_id WHERE t.id = $1::uuid";
const std::string kInsert = std::string(R"SQL(
WITH p AS (INSERT INTO plans (name, price_cents, currency, overage_cents_per_1000, emails_per_period,
                              recipients_per_dispatch, vendors_limit, users_limit, send_rate_per_second,
                              attachment_bytes, retired)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING *)
SELECT )SQL") + kColumns + " FROM p";
constexpr const char* kUpdate = R"SQL(
UPDATE plans SET name = $2, price_cents = $3, currency = $4, overage_cents_per_1000 = $5, emails_per_period = $6,
                 recipients_per_dispatch = $7, vendors_limit = $8, users_limit = $9, send_rate_per_second = $10,
                 attachment_bytes = $11, retired = $12, updated_at = now()
WHERE id = $1::uuid)SQL";
constexpr const char* kDelete = "DELETE FROM plans WHERE id = $1::uuid";
// The plan history counts: an invoice of a period the plan was in force for still needs its price.
constexpr const char* kUses = R"SQL(
SELECT (SELECT count(*) FROM tenants WHERE plan_id = $1::uuid) + (SELECT count(*) FROM invoices WHERE plan_id = $1::uuid) +
       (SELECT count(*) FROM tenant_plan_changes WHERE from_plan_id = $1::uuid OR to_plan_id = $1::uuid) AS n)SQL";
constexpr const char* kIsDefault = "SELECT is_default FROM plans WHERE id = $1::uuid";

Plan plan_from(const db::Result& r, int i, bool counted = false) {
    Plan p;
    p.id = r.text(i, "id");
    p.name = r.text(i, "name");
    p.price_cents = r.integer(i, "price_cents");
    p.currency = r.text(i, "currency");
    p.overage_cents_per_1000 = r.opt_integer(i, "overage_cents_per_1000");
    p.limits = {r.integer(i, "emails_per_period"), r.integer(i, "recipients_per_dispatch"),
                r.integer(i, "vendors_limit"),     r.integer(i, "users_limit"),
                r.integer(i, "attachment_bytes"),  r.number(i, "send_rate_per_second")};
    p.retired = r.boolean(i, "retired");
    p.is_default = r.boolean(i, "is_default");
    if (counted) p.tenants_count = r.integer(i, "tenants_count");
    return p;
}

std::optional<Plan> first(const db::Result& r, bool counted = false) {
    if (r.empty()) return std::nullopt;
    return plan_from(r, 0, counted);
}

db::Param overage(const Plan& p) {
    if (!p.overage_cents_per_1000) return nullptr;
    return *p.overage_cents_per_1000;
}

}  // namespace

std::vector<Plan> list(db::Tx& tx, bool include_retired) {
    auto r = tx.exec(kList, {include_retired});
    std::vector<Plan> out;
    for (int i = 0; i < r.rows(); ++i) out.push_back(plan_from(r, i, true));
    return out;
}

std::optional<Plan> by_id(db::Tx& tx, const std::string& id) {
    return first(tx.exec(kById, {id}), true);
}

std::optional<Plan> of_tenant(db::Tx& tx, const std::string& tenant_id) {
    return first(tx.exec(kOfTenant, {tenant_id}));
}

Plan insert(db::Tx& tx, const Plan& p) {
    const auto& l = p.limits;
    return plan_from(
        tx.exec(kInsert, {p.name, p.price_cents, p.currency, overage(p), l.emails_per_period, l.recipients_per_dispatch,
                          l.vendors, l.users, l.send_rate_per_second, l.attachment_bytes, p.retired}),
        0);
}

bool update(db::Tx& tx, const Plan& p) {
    const auto& l = p.limits;
    return tx.exec(kUpdate,
                   {p.id, p.name, p.price_cents, p.currency, overage(p), l.emails_per_period, l.recipients_per_dispatch,
                    l.vendors, l.users, l.send_rate_per_second, l.attachment_bytes, p.retired})
               .affected() == 1;
}

bool remove(db::Tx& tx, const std::string& id) {
    return tx.exec(kDelete, {id}).affected() == 1;
}

long long uses(db::Tx& tx, const std::string& id) {
    return tx.exec(kUses, {id}).integer(0, "n");
}

bool is_default(db::Tx& tx, const std::string& id) {
    auto r = tx.exec(kIsDefault, {id});
    return !r.empty() && r.boolean(0, "is_default");
}

}  // namespace dh::tenancy::plan_store
