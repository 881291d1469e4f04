#include "tenancy/tenant_store.hpp"

#include "db/tx.hpp"

namespace dh::tenancy::tenant_store {
namespace {

constexpr const char* kTenantColumns = R"SQL(
  t.id, t.name, t.slug, t.status, t.plan_id, p.name AS plan_name, t.status_reason, t.limit_overrides::text AS limit_overrides,
  to_char(t.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS created_at,
  to_char(t.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS updated_at,
  (SELECT x.users FROM tenant_user_counts x WHERE x.tenant_id = t.id) AS users_count,
  tenant_vendor_count(t.id) AS vendors_count,
  (SELECT x.sent FROM usage_periods x WHERE x.tenant_id = t.id
     AND x.period_start = (SELECT c.period_start FROM current_period(t.id, now()) c)) AS period_sent,
  (SELECT x.reserved FROM usage_periods x WHERE x.tenant_id = t.id
     AND x.period_start = (SELECT c.period_start FROM current_period(t.id, now()) c)) AS period_reserved,
  (SELECT to_char(max(a.at) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')
   FROM (SELECT max(d.created_at) AS at FROM dispatches d WHERE d.tenant_id = t.id
         UNION ALL SELECT max(u.last_login_at) FROM users u WHERE u.tenant_id = t.id) a) AS last_activity_at)SQL";

const std::string kById =
    std::string("SELECT ") + kTenantColumns + " FROM tenants t JOIN plans p ON p.id = t.plan_id WHERE t.id = $1::uuid";
const std::string kList = std::string("SELECT ") + kTenantColumns + R"SQL(
 FROM tenants t JOIN plans p ON p.id = t.plan_id
 WHERE ($2::timestamptz IS NULL OR (t.created_at, t.id) < ($2::timestamptz, $3::uuid))
 ORDER BY t.created_at DESC, t.id DESC LIMIT $1)SQL";
const std::string kInsert = std::string(R"SQL(
WITH t AS (INSERT INTO tenants (name, slug, plan_id)
           VALUES ($1, $2, coalesce($3::uuid, (SELECT id FROM plans WHERE is_default))) RETURNING *)
SELECT )SQL") + kTenantColumns +
                            " FROM t JOIN plans p ON p.id = t.plan_id";
constexpr const char* kSetStatus = R"SQL(
UPDATE tenants SET status = $2, status_reason = $3, updated_at = now() WHERE id = $1::uuid)SQL";
// Overrides change by merge patch in one statement, so two admins setting different limits at
// the same time both keep theirs.
constexpr const char* kUpdate = R"SQL(
UPDATE tenants SET name = coalesce($2, name), plan_id = coalesce($3::uuid, plan_id),
                   limit_overrides = coalesce(jsonb_strip_nulls(limit_overrides || $4::jsonb), limit_overrides),
                   updated_at = now()
WHERE id = $1::uuid)SQL";
constexpr const char* kLockPlan = "SELECT plan_id FROM tenants WHERE id = $1::uuid FOR UPDATE";
// clock_timestamp(), not now(): taken under the row lock, so effective times follow the order of the changes.
constexpr const char* kRecordPlanChange = R"SQL(
INSERT INTO tenant_plan_changes (tenant_id, from_plan_id, to_plan_id, effective_at, changed_by)
VALUES ($1::uuid, $2::uuid, $3::uuid, clock_timestamp(), $4::uuid))SQL";
constexpr const char* kUsageHistory = R"SQL(
SELECT to_char(period_start, 'YYYY-MM-DD') AS period_start, to_char(period_end, 'YYYY-MM-DD') AS period_end, sent, reserved
FROM usage_periods WHERE tenant_id = $1::uuid ORDER BY period_start DESC LIMIT $2)SQL";
// Counts over small sets only: the ready and failed deliveries have partial indexes.
constexpr const char* kOverview = R"SQL(
SELECT (SELECT count(*) FROM tenants WHERE status = 'active') AS tenants_active,
       (SELECT count(*) FROM tenants WHERE status = 'suspended') AS tenants_suspended,
       (SELECT coalesce(sum(sent), 0) FROM usage_periods
         WHERE period_start = (SELECT c.period_start FROM current_period(tenant_id, now()) c)) AS sent_period,
       (SELECT count(*) FROM deliveries WHERE status IN ('queued', 'deferred')) AS queue_depth,
       (SELECT extract(epoch FROM now() - min(created_at))::float8 FROM deliveries
         WHERE status IN ('queued', 'deferred')) AS oldest_queued_seconds,
       (SELECT count(*) FROM deliveries WHERE status = 'deferred') AS deferred,
       (SELECT count(*) FROM deliveries WHERE status = 'failed' AND updated_at > now() - interval '24 hours') AS failed_24h,
       (SELECT count(*) FROM tickets WHERE status IN ('open', 'pending')) AS tickets_open,
       (SELECT count(*) FROM invoices WHERE status = 'issued') AS invoices_unpaid)SQL";

constexpr const char* kLiveWorkers = R"SQL(
SELECT worker_id, hostname, pid, relay_problem,
       to_char(started_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS started_at,
       to_char(seen_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS seen_at
FROM worker_heartbeats WHERE seen_at > now() - interval '1 minute' ORDER BY hostname, pid)SQL";

Tenant tenant_from(const db::Result& r, int i) {
    Tenant t{r.text(i, "id"),         r.text(i, "name"),      r.text(i, "slug"),         r.text(i, "status"),
             r.text(i, "plan_id"),    r.text(i, "plan_name"), r.opt(i, "status_reason"), r.text(i, "limit_overrides"),
             r.text(i, "created_at"), r.text(i, "updated_at")};
    t.users_count = r.integer(i, "users_count");
    t.vendors_count = r.integer(i, "vendors_count");
    t.period_sent = r.opt_integer(i, "period_sent").value_or(0);
    t.period_reserved = r.opt_integer(i, "period_reserved").value_or(0);
    t.last_activity_at = r.opt(i, "last_activity_at");
    return t;
}

constexpr const char* kCountMismatches = R"SQL(
SELECT t.id AS tenant_id, coalesce(tenant_vendor_count(t.id), -1) AS vendors_counted, coalesce(c.users, -1) AS users_counted,
       (SELECT count(*) FROM vendors v WHERE v.tenant_id = t.id AND v.deleted_at IS NULL) AS vendors_live,
       (SELECT count(*) FROM users u WHERE u.tenant_id = t.id) AS users
FROM tenants t LEFT JOIN tenant_user_counts c ON c.tenant_id = t.id)SQL";

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

Tenant insert(db::Tx& tx, const std::string& name, const std::string& slug, const std::optional<std::string>& plan_id) {
    return tenant_from(tx.exec(kInsert, {name, slug, plan_id}), 0);
}

bool set_status(db::Tx& tx, const std::string& id, const std::string& status,
                const std::optional<std::string>& reason) {
    return tx.exec(kSetStatus, {id, status, reason}).affected() == 1;
}

bool update(db::Tx& tx, const std::string& id, const std::optional<std::string>& name,
            const std::optional<std::string>& plan_id, const std::optional<std::string>& limit_overrides_patch) {
    return tx.exec(kUpdate, {id, name, plan_id, limit_overrides_patch}).affected() == 1;
}

std::optional<std::string> lock_plan(db::Tx& tx, const std::string& id) {
    auto r = tx.exec(kLockPlan, {id});
    if (r.empty()) return std::nullopt;
    return r.text(0, "plan_id");
}

void record_plan_change(db::Tx& tx, const std::string& id, const std::string& from_plan_id,
                        const std::string& to_plan_id, const std::optional<std::string>& changed_by) {
    tx.exec(kRecordPlanChange, {id, from_plan_id, to_plan_id, changed_by});
}

std::vector<UsagePeriod> usage_history(db::Tx& tx, const std::string& tenant_id, int limit) {
    auto r = tx.exec(kUsageHistory, {tenant_id, limit});
    std::vector<UsagePeriod> out;
    for (int i = 0; i < r.rows(); ++i)
        out.push_back(
            {r.text(i, "period_start"), r.text(i, "period_end"), r.integer(i, "sent"), r.integer(i, "reserved")});
    return out;
}

PlatformOverview overview(db::Tx& tx) {
    auto r = tx.exec(kOverview);
    PlatformOverview o;
    o.tenants_active = r.integer(0, "tenants_active");
    o.tenants_suspended = r.integer(0, "tenants_suspended");
    o.sent_period = r.integer(0, "sent_period");
    o.queue_depth = r.integer(0, "queue_depth");
    if (r.opt(0, "oldest_queued_seconds")) o.oldest_queued_seconds = r.number(0, "oldest_queued_seconds");
    o.deferred = r.integer(0, "deferred");
    o.failed_24h = r.integer(0, "failed_24h");
    o.tickets_open = r.integer(0, "tickets_open");
    o.invoices_unpaid = r.integer(0, "invoices_unpaid");
    auto w = tx.exec(kLiveWorkers);
    for (int i = 0; i < w.rows(); ++i)
        o.workers.push_back({w.text(i, "worker_id"), w.text(i, "hostname"), w.text(i, "started_at"),
                             w.text(i, "seen_at"), static_cast<int>(w.integer(i, "pid")), w.opt(i, "relay_problem")});
    return o;
}

std::vector<CountMismatch> count_mismatches(db::Tx& tx) {
    auto r = tx.exec(kCountMismatches);
    std::vector<CountMismatch> out;
    for (int i = 0; i < r.rows(); ++i) {
        CountMismatch m{r.text(i, "tenant_id"), r.integer(i, "vendors_counted"), r.integer(i, "vendors_live"),
                        r.integer(i, "users_counted"), r.integer(i, "users")};
        if (m.vendors_counted != m.vendors_live || m.users_counted != m.users) out.push_back(std::move(m));
    }
    return out;
}

}  // namespace dh::tenancy::tenant_store
