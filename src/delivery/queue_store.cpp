#include "delivery/queue_store.hpp"

#include <unistd.h>

#include <nlohmann/json.hpp>

#include "db/arrays.hpp"
#include "db/tx.hpp"
#include "webhooks/event_outbox.hpp"

namespace dh::delivery::queue_store {
namespace {

constexpr const char* kReclaim = R"SQL(
WITH r AS (UPDATE deliveries SET status = 'queued', lease_owner = NULL, lease_expires_at = NULL, updated_at = now()
           WHERE status = 'sending' AND lease_expires_at < now() RETURNING 1)
SELECT count(*) AS n FROM r)SQL";

constexpr const char* kReleaseScheduled =
    "UPDATE dispatches SET status = 'queued', updated_at = now() WHERE status = 'scheduled' AND send_at <= now()";

constexpr const char* kBacklogs = R"SQL(
SELECT d.tenant_id, to_char(d.period_start, 'YYYY-MM-DD') AS period_start,
       el.send_rate_per_second AS rate,
       json_agg(d.id ORDER BY d.created_at)::text AS dispatch_ids
FROM dispatches d JOIN tenants t ON t.id = d.tenant_id AND t.status = 'active'
     CROSS JOIN LATERAL effective_limits(d.tenant_id) el
WHERE d.status IN ('queued', 'sending')
  -- A dispatch from a sending domain that fails its DNS check holds until the domain verifies again.
  AND NOT EXISTS (SELECT 1 FROM sending_domains s WHERE s.tenant_id = d.tenant_id
                  AND s.domain = lower(split_part(d.from_email, '@', 2)) AND s.status = 'failing')
GROUP BY 1, 2, 3)SQL";

constexpr const char* kBacklogQuota = R"SQL(
SELECT u.sent, u.reserved, el.emails_per_period AS lim, t.status AS tenant_status
FROM usage_periods u JOIN tenants t ON t.id = u.tenant_id CROSS JOIN LATERAL effective_limits(u.tenant_id) el
WHERE u.tenant_id = $1::uuid AND u.period_start = $2::date)SQL";

constexpr const char* kLockUsagePeriod = R"SQL(
SELECT 1 FROM usage_periods WHERE tenant_id = $1::uuid AND period_start = $2::date FOR UPDATE)SQL";

constexpr const char* kInFlight = R"SQL(
SELECT count(*) AS n FROM deliveries l JOIN dispatches d ON d.id = l.dispatch_id
WHERE d.tenant_id = $1::uuid AND d.period_start = $2::date AND l.status = 'sending')SQL";

// The vendor of each claimed delivery is looked up by its key (LIMIT 1 keeps the planner from
// turning the lookup into a hash join): with a plain join, and vendors' statistics still missing
// after a large import, PostgreSQL chose a sequential scan of every tenant's vendors per claim.
constexpr const char* kClaim = R"SQL(
WITH picked AS (
  SELECT l.id FROM deliveries l
  WHERE l.dispatch_id = $1::uuid AND l.status IN ('queued', 'deferred') AND l.next_attempt_at <= now()
    AND EXISTS (SELECT 1 FROM dispatches d WHERE d.id = $1::uuid AND d.status IN ('queued', 'sending'))
  ORDER BY l.next_attempt_at
  LIMIT $2
  FOR UPDATE OF l SKIP LOCKED
), claimed AS (
  UPDATE deliveries l SET status = 'sending', lease_owner = $3, lease_expires_at = now() + make_interval(secs => $4),
                          attempts = l.attempts + 1, first_attempt_at = coalesce(l.first_attempt_at, now()), updated_at = now()
  FROM picked WHERE l.id = picked.id
  RETURNING l.id, l.tenant_id, l.dispatch_id, l.email, l.contact_name, l.vendor_id, l.attempts, l.first_attempt_at
), started AS (
  UPDATE dispatches SET status = 'sending', updated_at = now()
  WHERE id IN (SELECT dispatch_id FROM claimed) AND status = 'queued'
)
SELECT c.id, c.tenant_id, c.dispatch_id, c.email, c.contact_name, c.vendor_id, v.name AS vendor_name, v.code AS vendor_code,
       coalesce(v.custom_fields, '{}'::jsonb)::text AS custom, c.attempts,
       extract(epoch FROM now() - c.first_attempt_at)::bigint AS age,
       (SELECT json_agg(json_build_array(a.filename, a.content_type, a.storage_key) ORDER BY a.filename, a.id)
        FROM dispatch_recipient_attachments ra JOIN attachments a ON a.id = ra.attachment_id AND a.tenant_id = ra.tenant_id
        WHERE ra.dispatch_id = c.dispatch_id AND ra.vendor_id = c.vendor_id)::text AS files
FROM claimed c LEFT JOIN LATERAL (SELECT name, code, custom_fields FROM vendors WHERE id = c.vendor_id LIMIT 1) v ON true)SQL";

// What rendering needs of a dispatch, read once per dispatch (the renderer caches it).
constexpr const char* kDispatchForRender = R"SQL(
SELECT d.subject, d.body_markdown, d.body_html, d.from_email, d.from_name, d.reply_to, d.reference, d.in_reply_to,
       t.name AS tenant_name,
       coalesce((SELECT json_agg(json_build_array(a.filename, a.content_type, a.storage_key) ORDER BY a.created_at)
                 FROM attachments a WHERE a.id = ANY(d.attachment_ids) AND a.tenant_id = d.tenant_id), '[]')::text AS attachments
FROM dispatches d JOIN tenants t ON t.id = d.tenant_id WHERE d.id = $1::uuid)SQL";

namespace events = webhooks::event_outbox;

const std::string kFailOverLimit = std::string(R"SQL(
WITH f AS (
  UPDATE deliveries l SET status = 'failed', reason = 'the plan''s email limit for this period was lowered below use',
                          pending_bounce = NULL, bounced_at = NULL, updated_at = now()
  FROM dispatches d
  WHERE d.id = l.dispatch_id AND d.tenant_id = $1::uuid AND d.period_start = $2::date AND l.status IN ('queued', 'deferred')
  RETURNING )SQL") + events::kDeliveryColumns +
                                   ")" + events::emit("failed", "f", events::kDeliveryFailed, events::delivery_data()) +
                                   " SELECT count(*) AS n FROM f";

constexpr const char* kRenew = R"SQL(
WITH r AS (UPDATE deliveries SET lease_expires_at = now() + make_interval(secs => $3)
           WHERE id = ANY($2::uuid[]) AND lease_owner = $1 AND status = 'sending' RETURNING 1)
SELECT count(*) AS n FROM r)SQL";

// A delivery is 'sending' exactly while lease_owner is set (claim sets both, record and reclaim
// clear both), so "still mine" is lease_owner = me. Spelling out status = 'sending' as well lets
// the planner pick the partial index deliveries_leased, whose dead entries grow with every batch.
// Each statement that records outcomes also writes their webhook events (event_outbox::emit): in
// the same transaction, and nothing at all while no tenant has an endpoint.
// A bounce that arrived before this outcome (pending_bounce, see inbox_store::mark_bounced) lands
// here: the delivery was sent, so it is counted, but its status is the bounce's, with the bounce's
// reason and diagnostic, and both events are written (delivery.sent as the relay answered, then
// delivery.bounced). So the row, the counts and the events are those of the other order.
const std::string kRecordSent = std::string(R"SQL(
WITH done AS (
  UPDATE deliveries l SET status = coalesce(l.pending_bounce->>'status', 'sent'), counted = true, sent_at = now(),
                          smtp_code = x.code, relay_reply = coalesce(l.pending_bounce->>'diagnostic', x.reply),
                          reason = l.pending_bounce->>'reason', pending_bounce = NULL, lease_owner = NULL,
                          lease_expires_at = NULL, subject = x.subject, updated_at = now()
  FROM unnest($2::uuid[], $3::int[], $4::text[], $5::text[]) AS x(id, code, reply, subject)
  WHERE l.id = x.id AND l.lease_owner = $1 AND NOT l.counted
  RETURNING x.reply AS sent_reply, )SQL") +
                                events::kDeliveryColumns +
                                R"SQL(
), per AS (
  SELECT done.tenant_id, d.period_start, count(*) AS n FROM done JOIN dispatches d ON d.id = done.dispatch_id
  GROUP BY done.tenant_id, d.period_start
), usage AS (
  UPDATE usage_periods u SET sent = u.sent + per.n, reserved = u.reserved - per.n
  FROM per WHERE u.tenant_id = per.tenant_id AND u.period_start = per.period_start
), accepted AS (
  SELECT id, tenant_id, dispatch_id, email, vendor_id, 'sent'::text AS status, smtp_code, NULL::text AS reason,
         sent_reply AS relay_reply, updated_at FROM done
), landed AS (
  SELECT * FROM done WHERE status <> 'sent'
))SQL" + events::emit("sent", "accepted", events::kDeliverySent, events::delivery_data()) +
                                events::emit("bounced", "landed", events::kDeliveryBounced, events::delivery_data()) +
                                " SELECT DISTINCT dispatch_id FROM done";

constexpr const char* kRecordRetry = R"SQL(
UPDATE deliveries l SET status = 'deferred', next_attempt_at = now() + make_interval(secs => x.delay), smtp_code = x.code,
                        relay_reply = x.reply, reason = x.reason, lease_owner = NULL, lease_expires_at = NULL,
                        attempts = l.attempts - CASE WHEN x.uncounted THEN 1 ELSE 0 END, updated_at = now()
FROM unnest($2::uuid[], $3::int[], $4::text[], $5::text[], $6::bigint[], $7::boolean[])
     AS x(id, code, reply, reason, delay, uncounted)
WHERE l.id = x.id AND l.lease_owner = $1
RETURNING l.dispatch_id)SQL";

const std::string kRecordFailed = std::string(R"SQL(
WITH done AS (
  UPDATE deliveries l SET status = 'failed', smtp_code = x.code, relay_reply = x.reply, reason = x.reason,
                          pending_bounce = NULL, bounced_at = NULL, lease_owner = NULL, lease_expires_at = NULL,
                          subject = coalesce(x.subject, l.subject), updated_at = now()
  FROM unnest($2::uuid[], $3::int[], $4::text[], $5::text[], $6::text[]) AS x(id, code, reply, reason, subject)
  WHERE l.id = x.id AND l.lease_owner = $1
  RETURNING )SQL") + events::kDeliveryColumns +
                                  R"SQL(
), per AS (
  SELECT done.tenant_id, d.period_start, count(*) AS n FROM done JOIN dispatches d ON d.id = done.dispatch_id
  GROUP BY done.tenant_id, d.period_start
), released AS (
  UPDATE usage_periods u SET reserved = u.reserved - per.n
  FROM per WHERE u.tenant_id = per.tenant_id AND u.period_start = per.period_start
))SQL" + events::emit("failed", "done", events::kDeliveryFailed, events::delivery_data()) +
                                  " SELECT DISTINCT dispatch_id FROM done";

// A dispatch is completed by the outcome that leaves it nothing pending; the same statement writes
// its dispatch.completed webhook event (event_outbox).
const std::string kCompleteIfDone =
    std::string(R"SQL(
WITH c AS (
  UPDATE dispatches d SET status = 'completed', completed_at = now(), updated_at = now()
  WHERE d.id = ANY($1::uuid[]) AND d.status IN ('queued', 'sending')
    AND NOT EXISTS (SELECT 1 FROM deliveries l WHERE l.dispatch_id = d.id AND l.status IN ('queued', 'deferred', 'sending'))
  RETURNING )SQL") +
    events::kDispatchCompletedColumns + ")" +
    events::emit("completed", "c", events::kDispatchCompleted, events::dispatch_completed_data()) +
    " SELECT count(*) AS n FROM c";

constexpr const char* kHeartbeat = R"SQL(
INSERT INTO worker_heartbeats (worker_id, hostname, pid, relay_problem) VALUES ($1, $2, $3, $4)
ON CONFLICT (worker_id) DO UPDATE SET seen_at = now(), relay_problem = excluded.relay_problem)SQL";
constexpr const char* kDropOldHeartbeats = "DELETE FROM worker_heartbeats WHERE seen_at < now() - interval '1 day'";
constexpr const char* kForgetHeartbeat = "DELETE FROM worker_heartbeats WHERE worker_id = $1";

std::string host_name() {
    char buf[256] = {};
    return gethostname(buf, sizeof buf - 1) == 0 ? std::string(buf) : std::string("unknown");
}

/// Files from a JSON array of [filename, content_type, storage_key] built by the statements above.
std::vector<StoredFile> files_of(const std::string& json_text) {
    std::vector<StoredFile> out;
    for (auto& f : nlohmann::json::parse(json_text)) out.push_back({f.at(0), f.at(1), f.at(2)});
    return out;
}

void collect(const db::Result& r, std::vector<std::string>& out) {
    for (int i = 0; i < r.rows(); ++i) out.push_back(r.text(i, 0));
}

}  // namespace

long long reclaim_expired(db::Tx& tx) {
    return tx.exec(kReclaim).integer(0, "n");
}

long long renew_leases(db::Tx& tx, const std::string& worker_id, const std::vector<std::string>& ids,
                       int lease_seconds) {
    auto array = db::text_array(ids);
    return tx.exec(kRenew, {worker_id, array, lease_seconds}).integer(0, "n");
}
void release_scheduled(db::Tx& tx) {
    tx.exec(kReleaseScheduled);
}

std::vector<Backlog> backlogs(db::Tx& tx) {
    auto r = tx.exec(kBacklogs);
    std::vector<Backlog> out;
    for (int i = 0; i < r.rows(); ++i) {
        Backlog l;
        l.tenant_id = r.text(i, "tenant_id");
        l.period_start = r.text(i, "period_start");
        l.rate = r.number(i, "rate");
        for (auto& id : nlohmann::json::parse(r.text(i, "dispatch_ids"))) l.dispatch_ids.push_back(id);
        out.push_back(l);
    }
    return out;
}

std::optional<Backlog> recheck_quota(db::Tx& tx, const Backlog& backlog) {
    auto r = tx.exec(kBacklogQuota, {backlog.tenant_id, backlog.period_start});
    if (r.empty() || r.text(0, "tenant_status") != "active") return std::nullopt;
    Backlog l = backlog;
    l.sent = r.integer(0, "sent");
    l.limit = r.integer(0, "lim");
    // Everything reserved still fits under the limit (the usual case): whatever the workers claim
    // was reserved, so together they cannot pass the limit. No lock, no count of what is in flight:
    // the usage row is written by every recorded batch and locking it here serialised the workers.
    if (l.limit - l.sent >= r.integer(0, "reserved")) return l;
    // The limit was lowered below what is reserved: workers take turns and count in-flight sends.
    tx.exec(kLockUsagePeriod, {backlog.tenant_id, backlog.period_start});
    r = tx.exec(kBacklogQuota, {backlog.tenant_id, backlog.period_start});
    l.sent = r.integer(0, "sent");
    l.limit = r.integer(0, "lim");
    l.in_flight = tx.exec(kInFlight, {backlog.tenant_id, backlog.period_start}).integer(0, "n");
    return l;
}

std::vector<Claimed> claim(db::Tx& tx, const std::string& dispatch_id, int n, const std::string& worker_id,
                           int lease_seconds) {
    auto r = tx.exec(kClaim, {dispatch_id, n, worker_id, lease_seconds});
    std::vector<Claimed> out;
    out.reserve(r.rows());
    for (int i = 0; i < r.rows(); ++i) {
        Claimed c;
        c.id = r.text(i, "id");
        c.tenant_id = r.text(i, "tenant_id");
        c.dispatch_id = r.text(i, "dispatch_id");
        c.email = r.text(i, "email");
        c.contact_name = r.text(i, "contact_name");
        c.vendor_id = r.opt(i, "vendor_id");
        c.vendor_name = r.opt(i, "vendor_name");
        c.vendor_code = r.opt(i, "vendor_code");
        c.vendor_custom_json = r.text(i, "custom");
        c.attempts = static_cast<int>(r.integer(i, "attempts"));
        c.age_seconds = r.integer(i, "age");
        if (auto files = r.opt(i, "files")) c.files = files_of(*files);
        out.push_back(std::move(c));
    }
    return out;
}

std::optional<DispatchForRender> dispatch_for_render(db::Tx& tx, const std::string& dispatch_id) {
    auto r = tx.exec(kDispatchForRender, {dispatch_id});
    if (r.empty()) return std::nullopt;
    DispatchForRender d;
    d.subject = r.text(0, "subject");
    d.body_markdown = r.opt(0, "body_markdown");
    d.body_html = r.opt(0, "body_html");
    d.from_email = r.text(0, "from_email");
    d.from_name = r.text(0, "from_name");
    d.reply_to = r.opt(0, "reply_to");
    d.reference = r.opt(0, "reference");
    d.in_reply_to = r.opt(0, "in_reply_to");
    d.tenant_name = r.text(0, "tenant_name");
    d.attachments = files_of(r.text(0, "attachments"));
    return d;
}

void complete_if_done(db::Tx& tx, const std::vector<std::string>& dispatch_ids) {
    if (!dispatch_ids.empty()) tx.exec(kCompleteIfDone, {db::text_array(dispatch_ids)});
}

void heartbeat(db::Tx& tx, const std::string& worker_id, const std::optional<std::string>& relay_problem) {
    static const std::string host = host_name();
    tx.exec(kHeartbeat, {worker_id, host, static_cast<int>(getpid()), relay_problem});
    tx.exec(kDropOldHeartbeats);
}

void forget_heartbeat(db::Tx& tx, const std::string& worker_id) {
    tx.exec(kForgetHeartbeat, {worker_id});
}

long long fail_over_limit(db::Tx& tx, const Backlog& backlog) {
    return tx.exec(kFailOverLimit, {backlog.tenant_id, backlog.period_start}).integer(0, "n");
}

std::vector<std::string> record(db::Tx& tx, const std::string& worker_id, const std::vector<Sent>& sent,
                                const std::vector<Retry>& retries, const std::vector<Failed>& failed) {
    std::vector<std::string> dispatches;
    if (!sent.empty())
        collect(tx.exec(kRecordSent, {worker_id, db::text_array_of(sent, [](auto& s) { return s.id; }),
                                      db::text_array_of(sent, [](auto& s) { return std::to_string(s.code); }),
                                      db::text_array_of(sent, [](auto& s) { return s.reply; }),
                                      db::text_array_of(sent, [](auto& s) { return s.subject; })}),
                dispatches);
    if (!retries.empty())
        collect(tx.exec(kRecordRetry,
                        {worker_id, db::text_array_of(retries, [](auto& s) { return s.id; }),
                         db::text_array_of(retries, [](auto& s) { return std::to_string(s.code); }),
                         db::text_array_of(retries, [](auto& s) { return s.reply; }),
                         db::text_array_of(retries, [](auto& s) { return s.reason; }),
                         db::text_array_of(retries, [](auto& s) { return std::to_string(s.delay_seconds); }),
                         db::text_array_of(retries, [](auto& s) { return std::string(s.uncounted ? "t" : "f"); })}),
                dispatches);
    if (!failed.empty())
        collect(tx.exec(kRecordFailed, {worker_id, db::text_array_of(failed, [](auto& s) { return s.id; }),
                                        db::text_array_of(failed, [](auto& s) { return std::to_string(s.code); }),
                                        db::text_array_of(failed, [](auto& s) { return s.reply; }),
                                        db::text_array_of(failed, [](auto& s) { return s.reason; }),
                                        db::text_array_of(failed, [](auto& s) { return s.subject; })}),
                dispatches);
    return dispatches;
}

}  // namespace dh::delivery::queue_store
