#include "tenancy/tenant_store.hpp"

#include "db/tx.hpp"

namespace dh::tenancy::tenant_store {
namespace {

constexpr const char* kTenantColumns = R"SQL(
  t.id, t.name, t.slug, t.status, t.plan_id, p.name AS plan_name, t.status_reason, t.limit_overrides::text AS limit_overrides,
  to_char(t.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS created_at,
  to_char(t.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS updated_at)SQL";

const std::string kById = std::string("SELECT ") + kTenantColumns +
                          " FROM tenants t JOIN plans p ON p.id = t.plan_id WHERE t.id = $1::uuid";
const std::string kList = std::string("SELECT ") + kTenantColumns + R"SQL(
 FROM tenants t JOIN plans p ON p.id = t.plan_id
 WHERE ($2::timestamptz IS NULL OR (t.created_at, t.id) < ($2::timestamptz, $3::uuid))
 ORDER BY t.created_at DESC, t.id DESC LIMIT $1)SQL";
const std::string kInsert = std::string(R"SQL(
WITH t AS (INSERT INTO tenants (name, slug, plan_id)
           VALUES ($1, $2, (SELECT id FROM plans WHERE is_default)) RETURNING *)
SELECT )SQL") + kTenantColumns + " FROM t JOIN plans p ON p.id = t.plan_id";
constexpr const char* kSetStatus = R"SQL(
UPDATE tenants SET status = $2, status_reason = $3, updated_at = now() WHERE id = $1::uuid)SQL";
constexpr const char* kUpdate = R"SQL(
UPDATE tenants SET name = coalesce($2, name), plan_id = coalesce($3::uuid, plan_id),
                   limit_overrides = coalesce($4::jsonb, limit_overrides), updated_at = now()
WHERE id = $1::uuid)SQL";
Tenant tenant_from(const db::Result& r, int i) {
    return {r.text(i, "id"),         r.text(i, "name"),          r.text(i, "slug"),
            r.text(i, "status"),     r.text(i, "plan_id"),       r.text(i, "plan_name"),
            r.opt(i, "status_reason"), r.text(i, "limit_overrides"), r.text(i, "created_at"),
            r.text(i, "updated_at")};
}

}  // namespace

std::optional<Tenant> by_id(db::Tx& tx, const std::string& id) {
    auto r = tx.exec(kById, {id});
    if (r.empty()) return std::nullopt;
    return tenant_from(r, 0);
}

std::vector<Tenant> list(db::Tx& tx, int limit, const std::optional<std::string>& after_created,
                         const std::optional<std::string>& after_id) {
    auto r = tx.exec(kList, {limit, after_created, after_id});
    std::vector<Tenant> out;
    for (int i = 0; i < r.rows(); ++i) out.push_back(tenant_from(r, i));
    return out;
}

Tenant insert(db::Tx& tx, const std::string& name, const std::string& slug) {
    return tenant_from(tx.exec(kInsert, {name, slug}), 0);
}

bool set_status(db::Tx& tx, const std::string& id, const std::string& status, const std::optional<std::string>& reason) {
    return tx.exec(kSetStatus, {id, status, reason}).affected() == 1;
}

bool update(db::Tx& tx, const std::string& id, const std::optional<std::string>& name,
            const std::optional<std::string>& plan_id, const std::optional<std::string>& limit_overrides_json) {
    return tx.exec(kUpdate, {id, name, plan_id, limit_overrides_json}).affected() == 1;
}

}  // namespace dh::tenancy::tenant_store
