#include "audit/audit_store.hpp"

#include "db/sql_text.hpp"
#include "db/tx.hpp"

namespace dh::audit::audit_store {
namespace {

constexpr const char* kInsert = R"SQL(
INSERT INTO audit_log (tenant_id, actor_type, actor_id, actor_label, action, target_type, target_id, details,
                       request_id, client_ip)
VALUES ($1::uuid, $2, $3::uuid, $4, $5, NULLIF($6, ''), NULLIF($7, ''), $8::jsonb, NULLIF($9, ''), NULLIF($10, ''))
)SQL";

constexpr const char* kList =
    "SELECT a.id, a.tenant_id, t.name AS tenant_name, a.actor_type, a.actor_id, a.actor_label, a.action, a.target_type, "
    "a.target_id, a.details::text AS details, a.request_id, a.client_ip, " DH_SQL_TIMESTAMP("a.created_at") " AS created_at "
    R"SQL(
FROM audit_log a LEFT JOIN tenants t ON t.id = a.tenant_id
WHERE ($2::bigint IS NULL OR a.id < $2::bigint)
  AND ($3::uuid IS NULL OR a.tenant_id = $3::uuid)
  AND ($4::text IS NULL OR a.actor_label = $4 OR a.actor_id::text = $4)
  AND ($5::text IS NULL OR left(a.action, length($5)) = $5)
  AND ($6::text IS NULL OR a.target_type = $6)
  AND ($7::text IS NULL OR a.target_id = $7)
  AND ($8::timestamptz IS NULL OR a.created_at >= $8::timestamptz)
  AND ($9::timestamptz IS NULL OR a.created_at < $9::timestamptz)
ORDER BY a.id DESC LIMIT $1)SQL";

}  // namespace

void insert(db::Tx& tx, const Entry& e) {
    tx.exec(kInsert, {e.tenant_id, e.actor_type, e.actor_id, e.actor_label, e.action, e.target_type, e.target_id,
                      e.details.dump(), e.request_id, e.client_ip});
}

std::vector<StoredEntry> list(db::Tx& tx, const Filter& f, int limit) {
    std::optional<std::string> before;
    if (f.before_id) before = std::to_string(*f.before_id);
    auto r =
        tx.exec(kList, {limit, before, f.tenant_id, f.actor, f.action, f.target_type, f.target_id, f.since, f.until});
    std::vector<StoredEntry> out;
    for (int i = 0; i < r.rows(); ++i)
        out.push_back({r.integer(i, "id"), r.opt(i, "tenant_id"), r.opt(i, "tenant_name"), r.text(i, "actor_type"),
                       r.opt(i, "actor_id"), r.text(i, "actor_label"), r.text(i, "action"), r.opt(i, "target_type"),
                       r.opt(i, "target_id"), r.opt(i, "request_id"), r.opt(i, "client_ip"), r.text(i, "details"),
                       r.text(i, "created_at")});
    return out;
}

}  // namespace dh::audit::audit_store
