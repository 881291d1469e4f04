#include "dispatch/dispatch_store.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "common/strings.hpp"
#include "db/arrays.hpp"
#include "db/sql_text.hpp"
#include "db/tx.hpp"
#include "delivery/status_counts_sql.hpp"
#include "dispatch/merge_template.hpp"
#include "dispatch/recipient_sql.hpp"
#include "webhooks/event_outbox.hpp"

namespace dh::dispatch::dispatch_store {
namespace {

using recipient_sql::missing_value_condition;
using recipient_sql::recipients_cte;
using recipient_sql::suppressed_match;

constexpr const char* kPeriod = R"SQL(
SELECT period_start AS start, period_end AS "end" FROM current_period($1::uuid, now()))SQL";

constexpr const char* kLimits = R"SQL(
SELECT emails_per_period AS emails, recipients_per_dispatch AS recipients, attachment_bytes,
       send_rate_per_second AS rate
FROM effective_limits($1::uuid))SQL";

constexpr const char* kEnsureUsage = R"SQL(
INSERT INTO usage_periods (tenant_id, period_start, period_end) VALUES ($1::uuid, $2::date, $3::date)
ON CONFLICT DO NOTHING)SQL";
// The conditional UPDATE is the whole quota check: concurrent reservations serialise on the row
// and none can pass the limit together with another (I1).
constexpr const char* kReserve = R"SQL(
UPDATE usage_periods SET reserved = reserved + $3
WHERE tenant_id = $1::uuid AND period_start = $2::date AND sent + reserved + $3 <= $4)SQL";
constexpr const char* kRelease = R"SQL(
UPDATE usage_periods SET reserved = reserved - $3 WHERE tenant_id = $1::uuid AND period_start = $2::date)SQL";
constexpr const char* kUsage = R"SQL(
SELECT to_char(p.s, 'YYYY-MM-DD') AS period_start, to_char(p.e, 'YYYY-MM-DD') AS period_end,
       coalesce(u.sent, 0) AS sent, coalesce(u.reserved, 0) AS reserved
FROM (SELECT period_start AS s, period_end AS e FROM current_period($1::uuid, now())) p
LEFT JOIN usage_periods u ON u.tenant_id = $1::uuid AND u.period_start = p.s)SQL";

constexpr const char* kIdentityColumns = "id, email, name, is_default";
const std::string kIdentityById =
    std::string("SELECT ") + kIdentityColumns + " FROM sender_identities WHERE id = $1::uuid";
const std::string kDefaultIdentity =
    std::string("SELECT ") + kIdentityColumns + " FROM sender_identities WHERE is_default LIMIT 1";
const std::string kIdentities =
    std::string("SELECT ") + kIdentityColumns + " FROM sender_identities ORDER BY created_at";
const std::string kInsertIdentity = std::string(
                                        "INSERT INTO sender_identities (tenant_id, email, name, is_default) "
                                        "VALUES ($1::uuid, $2, $3, $4) RETURNING ") +
                                    kIdentityColumns;
constexpr const char* kDeleteIdentity = "DELETE FROM sender_identities WHERE id = $1::uuid";
constexpr const char* kClearDefaultIdentity = "UPDATE sender_identities SET is_default = false WHERE is_default";
constexpr const char* kNotifyWorkers = "SELECT pg_notify('dispatchhub_deliveries', $1)";
constexpr const char* kTenantName = "SELECT name, slug FROM tenants WHERE id = $1::uuid";
constexpr const char* kApprovalThreshold = "SELECT approval_threshold FROM tenant_settings";
constexpr const char* kSetApprovalThreshold = R"SQL(
INSERT INTO tenant_settings (tenant_id, approval_threshold) VALUES ($1::uuid, $2::integer)
ON CONFLICT (tenant_id) DO UPDATE SET approval_threshold = excluded.approval_threshold, updated_at = now())SQL";
constexpr const char* kCreator = "SELECT created_by FROM dispatches WHERE id = $1::uuid";

constexpr const char* kInsertDispatch = R"SQL(
INSERT INTO dispatches (tenant_id, status, subject, body_markdown, body_html, sender_identity_id, from_email, from_name,
                        reply_to, recipients, attachment_ids, send_at, reference, is_test, period_start, created_by,
                        created_by_label, in_reply_to)
VALUES ($1::uuid, $2, $3, $4, $5, $6::uuid, $7, $8, $9, $10::jsonb, $11::uuid[], $12::timestamptz, $13, $14, $15::date,
        $16::uuid, $17, $18)
RETURNING id)SQL";

const std::string kInsertDeliveries = R"SQL(, inserted AS (
  INSERT INTO deliveries (tenant_id, dispatch_id, vendor_id, contact_id, email, contact_name, status, reason)
  SELECT $1::uuid, $5::uuid, r.vendor_id, r.contact_id, r.email, r.name,
         CASE WHEN s.reason IS NULL THEN 'queued' ELSE 'suppressed' END,
         CASE WHEN s.reason IS NULL THEN NULL ELSE 'the address is on the suppression list (' || s.reason || ')' END
  FROM recipients r
  LEFT JOIN LATERAL (SELECT s.reason FROM suppressions s WHERE )SQL" +
                                      suppressed_match("r.email") + R"SQL(
                     ORDER BY length(s.address) DESC LIMIT 1) s ON true
  RETURNING status
)
SELECT count(*) FILTER (WHERE status = 'queued') AS queued, count(*) FILTER (WHERE status = 'suppressed') AS suppressed)SQL";

// Per required field i, a column missing_i: the recipient has no value for it (keys from `keys_param`).
std::string missing_flags(const std::vector<std::string>& required_fields, const std::string& keys_param) {
    std::string flags;
    for (std::size_t i = 0; i < required_fields.size(); ++i) {
        auto condition = missing_value_condition(required_fields[i], "c.name",
                                                 "(" + keys_param + "::text[])[" + std::to_string(i + 1) + "]");
        flags += ", (" + condition.value_or("false") + ") AS missing_" + std::to_string(i);
    }
    return flags.empty() ? flags : ", v.name AS vendor_name" + flags;
}

// The fan-out also finds, per required field, a queued recipient without a value (the first by
// label), from the recipients it has just resolved: no second pass over the new deliveries.
std::string fan_out_sql(const std::vector<std::string>& required_fields) {
    std::string checks;
    for (std::size_t i = 0; i < required_fields.size(); ++i) {
        auto n = std::to_string(i);
        checks +=
            ",\n  (SELECT min(coalesce(r.vendor_name, '') || ' <' || r.email || '>') FROM recipients r WHERE "
            "r.missing_" +
            n + " AND NOT EXISTS (SELECT 1 FROM suppressions s WHERE " + suppressed_match("r.email") +
            ")) AS missing_" + n;
    }
    return recipients_cte(missing_flags(required_fields, "$6")) + kInsertDeliveries + checks + " FROM inserted";
}

// What a request resolves to, without writing: recipients (suppressed ones included, as in a
// dispatch's recipients_total), the excluded ones by cause, and per required field how many
// recipients that would be mailed have no value. $5: the keys of vendor.custom.<key> fields.
std::string summary_sql(const std::vector<std::string>& required_fields) {
    std::string counts;
    for (std::size_t i = 0; i < required_fields.size(); ++i) {
        auto n = std::to_string(i);
        counts += ",\n  (SELECT count(*) FROM marked WHERE missing_" + n + " AND NOT is_suppressed) AS missing_" + n;
    }
    return recipients_cte(missing_flags(required_fields, "$5")) + R"SQL(
, marked AS (
  SELECT r.*, EXISTS (SELECT 1 FROM suppressions s WHERE )SQL" +
           suppressed_match("r.email") + R"SQL() AS is_suppressed
  FROM recipients r
)
SELECT (SELECT count(*) FROM marked) AS total, (SELECT count(*) FROM marked WHERE is_suppressed) AS suppressed,
  (SELECT count(*) FROM vendors v WHERE v.id IN (SELECT vendor_id FROM chosen) AND v.status <> 'active') AS inactive,
  (SELECT count(*) FROM vendors v WHERE v.id IN (SELECT vendor_id FROM chosen) AND v.status = 'active'
     AND NOT EXISTS (SELECT 1 FROM matched m WHERE m.vendor_id = v.id)) AS no_matching_contact)SQL" +
           counts;
}

const std::string kPreviewRecipient = recipients_cte("") + R"SQL(
SELECT r.email, r.name AS contact_name, v.id AS vendor_id, v.name AS vendor_name, v.code, v.custom_fields::text AS custom,
       (SELECT count(*) FROM recipients) AS total
FROM recipients r JOIN vendors v ON v.id = r.vendor_id
WHERE v.tenant_id = $1::uuid AND ($5::uuid IS NULL OR v.id = $5::uuid)
ORDER BY v.name, r.email LIMIT 1)SQL";

constexpr const char* kInsertSingle = R"SQL(
INSERT INTO deliveries (tenant_id, dispatch_id, vendor_id, email, contact_name, status)
VALUES ($1::uuid, $2::uuid, $4::uuid, $3, $5, 'queued'))SQL";
// A dispatch whose every recipient is suppressed is completed at creation: that is reported too.
const std::string kSetTotals =
    std::string(R"SQL(
WITH t AS (
  UPDATE dispatches d SET recipients_total = $2, status = $3, updated_at = now(),
                          completed_at = CASE WHEN $3 = 'completed' THEN now() END
  WHERE d.id = $1::uuid RETURNING d.status, )SQL") +
    webhooks::event_outbox::kDispatchCompletedColumns + R"SQL(
), c AS (SELECT * FROM t WHERE status = 'completed'))SQL" +
    webhooks::event_outbox::emit("completed", "c", webhooks::event_outbox::kDispatchCompleted,
                                 webhooks::event_outbox::dispatch_completed_data()) +
    " SELECT count(*) AS n FROM t";

constexpr const char* kMissingBase = R"SQL(
SELECT v.name || ' <' || d.email || '>' AS label FROM deliveries d LEFT JOIN vendors v ON v.id = d.vendor_id
WHERE d.dispatch_id = $1::uuid AND d.status = 'queued' AND )SQL";

constexpr const char* kUnknownLists = R"SQL(
SELECT x FROM unnest($1::uuid[]) AS x WHERE NOT EXISTS (SELECT 1 FROM vendor_lists l WHERE l.id = x) LIMIT 1)SQL";
constexpr const char* kUnknownVendors = R"SQL(
SELECT x FROM unnest($1::uuid[]) AS x WHERE NOT EXISTS (SELECT 1 FROM vendors v WHERE v.id = x AND v.deleted_at IS NULL) LIMIT 1)SQL";

constexpr const char* kDispatchColumns = R"SQL(
  d.id, d.tenant_id, d.status, d.subject, d.body_markdown, d.body_html, d.sender_identity_id, d.from_email, d.from_name,
  d.reply_to, d.recipients::text AS recipients, array_to_string(d.attachment_ids, ',') AS attachment_ids,
  to_char(d.send_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS send_at, d.reference, d.is_test,
  to_char(d.period_start, 'YYYY-MM-DD') AS period_start, d.recipients_total,
  to_char(d.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS created_at,
  to_char(d.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS updated_at,
  to_char(d.completed_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS completed_at,
  )SQL" DH_SQL_DISPATCH_COUNTS("d.id") R"SQL(::text AS counts,
  (SELECT coalesce(json_agg(json_build_object('attachment_id', ra.attachment_id, 'vendor_id', ra.vendor_id,
                                              'vendor_code', v.code, 'filename', a.filename)
                            ORDER BY v.code, a.filename), '[]')::text
   FROM dispatch_recipient_attachments ra JOIN attachments a ON a.id = ra.attachment_id
   LEFT JOIN vendors v ON v.id = ra.vendor_id WHERE ra.dispatch_id = d.id) AS recipient_attachments,
  CASE WHEN d.status IN ('scheduled', 'queued', 'sending') THEN coalesce(
    (SELECT 'Held: the sending domain ' || s.domain || ' fails its DNS check (DKIM or ownership record); '
            'sending resumes when the domain verifies again.'
     FROM sending_domains s
     WHERE s.tenant_id = d.tenant_id AND s.domain = lower(split_part(d.from_email, '@', 2)) AND s.status = 'failing'),
    CASE WHEN d.status <> 'scheduled' THEN
      (SELECT w.relay_problem FROM worker_heartbeats w
       WHERE w.relay_problem IS NOT NULL AND w.seen_at > now() - interval '30 seconds' ORDER BY w.seen_at DESC LIMIT 1)
    END)
  END AS relay_problem)SQL";
const std::string kById = std::string("SELECT ") + kDispatchColumns + " FROM dispatches d WHERE d.id = $1::uuid";
const std::string kList = std::string("SELECT ") + kDispatchColumns + R"SQL( FROM dispatches d
WHERE NOT d.is_test AND ($4::text IS NULL OR d.status = $4)
  AND ($2::timestamptz IS NULL OR (d.created_at, d.id) < ($2::timestamptz, $3::uuid))
ORDER BY d.created_at DESC, d.id DESC LIMIT $1)SQL";

constexpr const char* kDeliveries = R"SQL(
SELECT l.id, l.dispatch_id, l.email, l.contact_name, l.status, l.vendor_id, v.name AS vendor_name, l.reason,
       l.relay_reply, l.smtp_code, l.attempts,
       to_char(l.sent_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS sent_at,
       to_char(l.next_attempt_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS next_attempt_at,
       to_char(l.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS created_at,
       to_char(l.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS updated_at
FROM deliveries l LEFT JOIN vendors v ON v.id = l.vendor_id
WHERE l.dispatch_id = $1::uuid AND ($5::text IS NULL OR l.status = $5)
  AND ($3::text IS NULL OR (l.email COLLATE dh_natural, l.id) > ($3::text, $4::uuid))
ORDER BY l.email COLLATE dh_natural, l.id LIMIT $2)SQL";

constexpr const char* kCancelPending = R"SQL(
WITH c AS (UPDATE deliveries SET status = 'cancelled', reason = 'the dispatch was cancelled', updated_at = now()
           WHERE dispatch_id = $1::uuid AND status IN ('queued', 'deferred') RETURNING 1)
SELECT count(*) AS n FROM c)SQL";
constexpr const char* kRequeueFailed = R"SQL(
WITH c AS (UPDATE deliveries SET status = 'queued', next_attempt_at = now(), first_attempt_at = NULL, attempts = 0,
                                 reason = NULL, updated_at = now()
           WHERE dispatch_id = $1::uuid AND status = 'failed' RETURNING 1)
SELECT count(*) AS n FROM c)SQL";
// The INSERT waits for a concurrent transaction holding the same key; the SELECT that follows runs
// with a fresh snapshot and so sees the winner's row. Of 50 identical concurrent requests exactly
// one creates the dispatch and the others read its id.
constexpr const char* kClaimKey = R"SQL(
INSERT INTO idempotency_keys (tenant_id, key, request_hash) VALUES ($1::uuid, $2, $3)
ON CONFLICT (tenant_id, key) DO UPDATE SET request_hash = EXCLUDED.request_hash, dispatch_id = NULL, created_at = now()
  WHERE idempotency_keys.created_at < now() - interval '24 hours'
RETURNING request_hash)SQL";
constexpr const char* kReadKey =
    "SELECT request_hash, dispatch_id FROM idempotency_keys WHERE tenant_id = $1::uuid AND key = $2";
constexpr const char* kBindKey = "UPDATE idempotency_keys SET dispatch_id = $2::uuid WHERE key = $1";

SenderIdentity identity_from(const db::Result& r, int i) {
    return {r.text(i, "id"), r.text(i, "email"), r.text(i, "name"), r.boolean(i, "is_default")};
}

template <class State>
std::optional<std::string> name_of(std::optional<State> state) {
    if (!state) return std::nullopt;
    return std::string(to_string(*state));
}

Dispatch dispatch_from(const db::Result& r, int i) {
    Dispatch d;
    d.id = r.text(i, "id");
    d.tenant_id = r.text(i, "tenant_id");
    d.status = stored_dispatch_state(r.text(i, "status"));
    d.subject = r.text(i, "subject");
    d.body_markdown = r.opt(i, "body_markdown");
    d.body_html = r.opt(i, "body_html");
    d.sender_identity_id = r.opt(i, "sender_identity_id");
    d.from_email = r.text(i, "from_email");
    d.from_name = r.text(i, "from_name");
    d.reply_to = r.opt(i, "reply_to");
    d.recipients_json = r.text(i, "recipients");
    auto ids = r.text(i, "attachment_ids");
    if (!ids.empty()) d.attachment_ids = strings::split(ids, ',');
    d.send_at = r.opt(i, "send_at");
    d.reference = r.opt(i, "reference");
    d.is_test = r.boolean(i, "is_test");
    d.period_start = r.text(i, "period_start");
    d.recipients_total = r.integer(i, "recipients_total");
    d.created_at = r.text(i, "created_at");
    d.updated_at = r.text(i, "updated_at");
    d.completed_at = r.opt(i, "completed_at");
    d.relay_problem = r.opt(i, "relay_problem");
    d.recipient_attachments_json = r.text(i, "recipient_attachments");
    for (auto s : kDeliveryStates) d.counts[std::string(to_string(s))] = 0;
    const auto parsed = nlohmann::json::parse(r.text(i, "counts"));  // keep alive: items() refers to it
    for (auto& [k, v] : parsed.items()) d.counts[k] = v.get<long long>();
    return d;
}

}  // namespace

std::pair<std::string, std::string> current_period(db::Tx& tx, const std::string& tenant_id) {
    auto r = tx.exec(kPeriod, {tenant_id});
    return {r.text(0, "start"), r.text(0, "end")};
}

EffectiveLimits limits(db::Tx& tx, const std::string& tenant_id) {
    auto r = tx.exec(kLimits, {tenant_id});
    if (r.empty()) return {};
    return {r.integer(0, "emails"), r.integer(0, "recipients"), r.integer(0, "attachment_bytes"), r.number(0, "rate")};
}

bool reserve(db::Tx& tx, const std::string& tenant_id, const std::string& period_start, const std::string& period_end,
             long long n, long long limit) {
    tx.exec(kEnsureUsage, {tenant_id, period_start, period_end});
    return tx.exec(kReserve, {tenant_id, period_start, n, limit}).affected() == 1;
}

void release(db::Tx& tx, const std::string& tenant_id, const std::string& period_start, long long n) {
    if (n > 0) tx.exec(kRelease, {tenant_id, period_start, n});
}

Usage usage(db::Tx& tx, const std::string& tenant_id, long long limit) {
    auto r = tx.exec(kUsage, {tenant_id});
    return {r.text(0, "period_start"), r.text(0, "period_end"), limit, r.integer(0, "sent"), r.integer(0, "reserved")};
}

std::optional<SenderIdentity> sender_identity(db::Tx& tx, const std::string& id) {
    auto r = tx.exec(kIdentityById, {id});
    if (r.empty()) return std::nullopt;
    return identity_from(r, 0);
}

std::optional<SenderIdentity> default_sender_identity(db::Tx& tx) {
    auto r = tx.exec(kDefaultIdentity);
    if (r.empty()) return std::nullopt;
    return identity_from(r, 0);
}

std::vector<SenderIdentity> sender_identities(db::Tx& tx) {
    auto r = tx.exec(kIdentities);
    std::vector<SenderIdentity> out;
    for (int i = 0; i < r.rows(); ++i) out.push_back(identity_from(r, i));
    return out;
}

SenderIdentity insert_sender_identity(db::Tx& tx, const std::string& tenant_id, const std::string& email,
                                      const std::string& name, bool is_default) {
    return identity_from(tx.exec(kInsertIdentity, {tenant_id, email, name, is_default}), 0);
}

bool delete_sender_identity(db::Tx& tx, const std::string& id) {
    return tx.exec(kDeleteIdentity, {id}).affected() == 1;
}

void clear_default_sender_identity(db::Tx& tx) {
    tx.exec(kClearDefaultIdentity);
}

void notify_workers(db::Tx& tx, const std::string& dispatch_id) {
    tx.exec(kNotifyWorkers, {dispatch_id});
}

std::optional<long long> approval_threshold(db::Tx& tx) {
    auto r = tx.exec(kApprovalThreshold);
    if (r.empty()) return std::nullopt;
    return r.opt_integer(0, "approval_threshold");
}

void set_approval_threshold(db::Tx& tx, const std::string& tenant_id, const std::optional<long long>& threshold) {
    std::optional<std::string> value;
    if (threshold) value = std::to_string(*threshold);
    tx.exec(kSetApprovalThreshold, {tenant_id, value});
}

std::optional<std::string> creator(db::Tx& tx, const std::string& dispatch_id) {
    auto r = tx.exec(kCreator, {dispatch_id});
    if (r.empty()) return std::nullopt;
    return r.opt(0, "created_by");
}

std::pair<std::string, std::string> tenant_name_and_slug(db::Tx& tx, const std::string& tenant_id) {
    auto r = tx.exec(kTenantName, {tenant_id});
    return {r.text(0, "name"), r.text(0, "slug")};
}

std::string insert_dispatch(db::Tx& tx, const NewDispatch& d) {
    auto r = tx.exec(kInsertDispatch, {d.tenant_id, std::string(to_string(d.status)), d.subject, d.body_markdown,
                                       d.body_html, d.sender_identity_id, d.from_email, d.from_name, d.reply_to,
                                       d.recipients_json, db::text_array(d.attachment_ids), d.send_at, d.reference,
                                       d.is_test, d.period_start, d.created_by, d.created_by_label, d.in_reply_to});
    return r.text(0, "id");
}

bool is_recipient_field(const std::string& field) {
    return missing_value_condition(field, "", "").has_value();
}

FanOut fan_out(db::Tx& tx, const std::string& tenant_id, const std::string& dispatch_id, const Recipients& rc,
               const std::vector<std::string>& required_fields) {
    db::Params params = {tenant_id, db::text_array(rc.list_ids), db::text_array(rc.vendor_ids), rc.contact_role,
                         dispatch_id};
    std::vector<std::string> keys;  // $6[i]: the key of vendor.custom.<key> fields (only they refer to $6)
    for (auto& f : required_fields) keys.push_back(custom_key(f).value_or(""));
    if (std::any_of(keys.begin(), keys.end(), [](auto& k) { return !k.empty(); }))
        params.push_back(db::text_array(keys));
    auto r = tx.exec(fan_out_sql(required_fields), params);
    FanOut out{r.integer(0, "queued"), r.integer(0, "suppressed"), {}};
    for (std::size_t i = 0; i < required_fields.size(); ++i)
        out.missing.push_back(r.opt(0, "missing_" + std::to_string(i)));
    return out;
}

RecipientSummary summarize_recipients(db::Tx& tx, const std::string& tenant_id, const Recipients& rc,
                                      const std::vector<std::string>& required_fields) {
    db::Params params = {tenant_id, db::text_array(rc.list_ids), db::text_array(rc.vendor_ids), rc.contact_role};
    std::vector<std::string> keys;  // $5[i]: as in fan_out
    for (auto& f : required_fields) keys.push_back(custom_key(f).value_or(""));
    if (std::any_of(keys.begin(), keys.end(), [](auto& k) { return !k.empty(); }))
        params.push_back(db::text_array(keys));
    auto r = tx.exec(summary_sql(required_fields), params);
    RecipientSummary out{r.integer(0, "total"),
                         r.integer(0, "suppressed"),
                         r.integer(0, "no_matching_contact"),
                         r.integer(0, "inactive"),
                         {}};
    for (std::size_t i = 0; i < required_fields.size(); ++i)
        if (auto n = r.integer(0, "missing_" + std::to_string(i)); n > 0)
            out.missing.emplace_back(required_fields[i], n);
    return out;
}

void insert_single_delivery(db::Tx& tx, const std::string& tenant_id, const std::string& dispatch_id,
                            const std::string& email, const std::optional<std::string>& vendor_id,
                            const std::string& contact_name) {
    tx.exec(kInsertSingle, {tenant_id, dispatch_id, email, vendor_id, contact_name});
}

std::optional<SampleRecipient> sample_recipient(db::Tx& tx, const std::string& tenant_id, const Recipients& rc,
                                                const std::optional<std::string>& vendor_id) {
    auto r = tx.exec(kPreviewRecipient, {tenant_id, db::text_array(rc.list_ids), db::text_array(rc.vendor_ids),
                                         rc.contact_role, vendor_id});
    if (r.empty()) return std::nullopt;
    return SampleRecipient{r.text(0, "email"),       r.text(0, "contact_name"), r.text(0, "vendor_id"),
                           r.text(0, "vendor_name"), r.opt(0, "code"),          r.text(0, "custom"),
                           r.integer(0, "total")};
}

void set_totals(db::Tx& tx, const std::string& dispatch_id, long long total, DispatchState status) {
    tx.exec(kSetTotals, {dispatch_id, total, std::string(to_string(status))});
}

std::optional<std::string> recipient_missing(db::Tx& tx, const std::string& dispatch_id, const std::string& field) {
    auto condition = missing_value_condition(field, "d.contact_name", "$2");
    if (!condition) return std::nullopt;
    db::Params params = {dispatch_id};
    if (auto key = custom_key(field)) params.push_back(*key);
    auto r = tx.exec(std::string(kMissingBase) + *condition + " LIMIT 1", params);
    if (r.empty()) return std::nullopt;
    return r.is_null(0, 0) ? std::string("a recipient") : r.text(0, "label");
}

std::optional<std::string> unknown_list(db::Tx& tx, const std::vector<std::string>& ids) {
    if (ids.empty()) return std::nullopt;
    auto r = tx.exec(kUnknownLists, {db::text_array(ids)});
    if (r.empty()) return std::nullopt;
    return r.text(0, 0);
}

bool in_past(db::Tx& tx, const std::string& send_at) {
    return tx.exec("SELECT $1::timestamptz < now() - interval '1 minute' AS past", {send_at}).boolean(0, "past");
}

std::optional<std::string> unknown_vendor(db::Tx& tx, const std::vector<std::string>& ids) {
    if (ids.empty()) return std::nullopt;
    auto r = tx.exec(kUnknownVendors, {db::text_array(ids)});
    if (r.empty()) return std::nullopt;
    return r.text(0, 0);
}

std::pair<long long, long long> attachments_found(db::Tx& tx, const std::vector<std::string>& ids) {
    if (ids.empty()) return {0, 0};
    auto r = tx.exec(
        "SELECT count(*) AS n, coalesce(sum(size_bytes), 0) AS bytes FROM attachments WHERE id = ANY($1::uuid[])",
        {db::text_array(ids)});
    return {r.integer(0, "n"), r.integer(0, "bytes")};
}

std::optional<Dispatch> by_id(db::Tx& tx, const std::string& id) {
    auto r = tx.exec(kById, {id});
    if (r.empty()) return std::nullopt;
    return dispatch_from(r, 0);
}

std::vector<Dispatch> list(db::Tx& tx, int limit, const std::optional<std::string>& after_created,
                           const std::optional<std::string>& after_id, std::optional<DispatchState> status) {
    auto r = tx.exec(kList, {limit, after_created, after_id, name_of(status)});
    std::vector<Dispatch> out;
    for (int i = 0; i < r.rows(); ++i) out.push_back(dispatch_from(r, i));
    return out;
}

std::vector<Delivery> deliveries(db::Tx& tx, const std::string& dispatch_id, int limit,
                                 const std::optional<std::string>& after_email,
                                 const std::optional<std::string>& after_id, std::optional<DeliveryState> status) {
    auto r = tx.exec(kDeliveries, {dispatch_id, limit, after_email, after_id, name_of(status)});
    std::vector<Delivery> out;
    for (int i = 0; i < r.rows(); ++i) {
        Delivery d;
        d.id = r.text(i, "id");
        d.dispatch_id = r.text(i, "dispatch_id");
        d.email = r.text(i, "email");
        d.contact_name = r.text(i, "contact_name");
        d.status = stored_delivery_state(r.text(i, "status"));
        d.vendor_id = r.opt(i, "vendor_id");
        d.vendor_name = r.opt(i, "vendor_name");
        d.reason = r.opt(i, "reason");
        d.relay_reply = r.opt(i, "relay_reply");
        d.smtp_code = r.opt_integer(i, "smtp_code");
        d.attempts = r.integer(i, "attempts");
        d.sent_at = r.opt(i, "sent_at");
        d.next_attempt_at = r.opt(i, "next_attempt_at");
        d.created_at = r.text(i, "created_at");
        d.updated_at = r.text(i, "updated_at");
        out.push_back(std::move(d));
    }
    return out;
}

bool set_status(db::Tx& tx, const std::string& id, std::initializer_list<DispatchState> from, DispatchState to) {
    std::vector<std::string> names;
    for (auto s : from) names.emplace_back(to_string(s));
    return tx.exec(
                 "UPDATE dispatches SET status = $3, updated_at = now() WHERE id = $1::uuid AND status = "
                 "ANY($2::text[])",
                 {id, db::text_array(names), std::string(to_string(to))})
               .affected() == 1;
}

long long cancel_pending(db::Tx& tx, const std::string& dispatch_id) {
    return tx.exec(kCancelPending, {dispatch_id}).integer(0, "n");
}

long long requeue_failed(db::Tx& tx, const std::string& dispatch_id) {
    return tx.exec(kRequeueFailed, {dispatch_id}).integer(0, "n");
}

KeyClaim claim_idempotency_key(db::Tx& tx, const std::string& tenant_id, const std::string& key,
                               const std::string& hash) {
    if (!tx.exec(kClaimKey, {tenant_id, key, hash}).empty()) return {true, hash, std::nullopt};
    auto r = tx.exec(kReadKey, {tenant_id, key});
    return {false, r.text(0, "request_hash"), r.opt(0, "dispatch_id")};
}

void bind_idempotency_key(db::Tx& tx, const std::string& key, const std::string& dispatch_id) {
    tx.exec(kBindKey, {key, dispatch_id});
}

}  // namespace dh::dispatch::dispatch_store
