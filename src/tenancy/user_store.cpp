#include "tenancy/user_store.hpp"

#include "db/tx.hpp"
#include "tenancy/user_row.hpp"

namespace dh::tenancy::user_store {
namespace {

constexpr const char* kColumns = R"SQL(
  u.id, u.tenant_id, u.email, u.name, u.role, u.status, u.password_hash,
  to_char(u.last_login_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS last_login_at,
  to_char(u.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS created_at,
  to_char(u.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS updated_at)SQL";

const std::string kList = std::string("SELECT ") + kColumns + R"SQL( FROM users u
 WHERE ($2::timestamptz IS NULL OR (u.created_at, u.id) > ($2::timestamptz, $3::uuid))
 ORDER BY u.created_at, u.id LIMIT $1)SQL";
const std::string kById = std::string("SELECT ") + kColumns + " FROM users u WHERE u.id = $1::uuid";
const std::string kInsert = std::string(R"SQL(
WITH u AS (INSERT INTO users (tenant_id, email, name, role, password_hash) VALUES ($1::uuid, $2, $3, $4, $5) RETURNING *)
SELECT )SQL") + kColumns + " FROM u";
constexpr const char* kUpdate = R"SQL(
UPDATE users SET name = coalesce($2, name), role = coalesce($3, role), status = coalesce($4, status),
                 password_hash = coalesce($5, password_hash), updated_at = now()
WHERE id = $1::uuid)SQL";
constexpr const char* kDelete = "DELETE FROM users WHERE id = $1::uuid";
constexpr const char* kOtherAdmins = R"SQL(
SELECT count(*) AS n FROM (SELECT id FROM users WHERE role = 'tenant_admin' AND status = 'active' AND id <> $1::uuid
                           FOR UPDATE) a)SQL";
constexpr const char* kLockCount = R"SQL(
SELECT c.users AS n, l.users AS lim FROM tenant_user_counts c CROSS JOIN effective_limits($1::uuid) l
WHERE c.tenant_id = $1::uuid FOR UPDATE OF c)SQL";

}  // namespace

std::vector<User> list(db::Tx& tx, int limit, const std::optional<std::string>& after_created,
                       const std::optional<std::string>& after_id) {
    auto r = tx.exec(kList, {limit, after_created, after_id});
    std::vector<User> out;
    for (int i = 0; i < r.rows(); ++i) out.push_back(user_from_row(r, i));
    return out;
}

std::optional<User> by_id(db::Tx& tx, const std::string& id) {
    auto r = tx.exec(kById, {id});
    if (r.empty()) return std::nullopt;
    return user_from_row(r, 0);
}

User insert(db::Tx& tx, const std::optional<std::string>& tenant_id, const std::string& email, const std::string& name,
            const std::string& role, const std::string& password_hash) {
    return user_from_row(tx.exec(kInsert, {tenant_id, email, name, role, password_hash}), 0);
}

void update(db::Tx& tx, const std::string& id, const std::optional<std::string>& name,
            const std::optional<std::string>& role, const std::optional<std::string>& status,
            const std::optional<std::string>& password_hash) {
    tx.exec(kUpdate, {id, name, role, status, password_hash});
}

void remove(db::Tx& tx, const std::string& id) {
    tx.exec(kDelete, {id});
}

long other_active_admins(db::Tx& tx, const std::string& except_id) {
    return static_cast<long>(tx.exec(kOtherAdmins, {except_id}).integer(0, "n"));
}

UserRoom lock_user_count(db::Tx& tx, const std::string& tenant_id) {
    auto r = tx.exec(kLockCount, {tenant_id});
    if (r.empty()) return {};  // no such tenant: no room
    return {static_cast<long>(r.integer(0, "n")), static_cast<long>(r.integer(0, "lim"))};
}

}  // namespace dh::tenancy::user_store
