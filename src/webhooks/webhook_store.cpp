#include "webhooks/webhook_store.hpp"

#include "common/strings.hpp"
#include "db/arrays.hpp"
#include "db/sql_text.hpp"
#include "db/tx.hpp"

namespace dh::webhooks::webhook_store {
namespace {

constexpr const char* kEndpointColumns =
    "id, tenant_id, url, array_to_string(events, ',') AS events, description, created_by_label, "
    DH_SQL_TIMESTAMP("created_at") " AS created_at, " DH_SQL_TIMESTAMP("last_success_at") " AS last_success_at, "
    DH_SQL_TIMESTAMP("last_failure_at") " AS last_failure_at, last_error";

constexpr const char* kInsert = R"SQL(
INSERT INTO webhook_endpoints (tenant_id, url, events, description, secret_sealed, created_by, created_by_label)
VALUES ($1::uuid, $2, $3::text[], coalesce($4, ''), $5, $6::uuid, $7) RETURNING id)SQL";
const std::string kById = std::string("SELECT ") + kEndpointColumns + " FROM webhook_endpoints WHERE id = $1::uuid";
const std::string kList = std::string("SELECT ") + kEndpointColumns + R"SQL( FROM webhook_endpoints
WHERE $2::timestamptz IS NULL OR (created_at, id) < ($2::timestamptz, $3::uuid)
ORDER BY created_at DESC, id DESC LIMIT $1)SQL";
constexpr const char* kCount = "SELECT count(*) AS n FROM webhook_endpoints";
constexpr const char* kDelete = "DELETE FROM webhook_endpoints WHERE id = $1::uuid";

constexpr const char* kDeliveryColumns = R"SQL(
SELECT w.id, w.event_id, v.type AS event_type, w.status, w.attempts, w.response_status, w.last_error,
       CASE WHEN w.status = 'pending' THEN )SQL" DH_SQL_TIMESTAMP("w.next_attempt_at") R"SQL( END AS next_attempt_at,
       )SQL" DH_SQL_TIMESTAMP("w.delivered_at") R"SQL( AS delivered_at,
       )SQL" DH_SQL_TIMESTAMP("w.created_at") R"SQL( AS created_at, )SQL" DH_SQL_TIMESTAMP(
    "w.updated_at") R"SQL( AS updated_at
FROM webhook_deliveries w JOIN webhook_events v ON v.id = w.event_id)SQL";
const std::string kDeliveries = std::string(kDeliveryColumns) + R"SQL(
WHERE w.endpoint_id = $1::uuid AND ($2::text IS NULL OR w.status = $2)
  AND ($4::timestamptz IS NULL OR (w.created_at, w.id) < ($4::timestamptz, $5::uuid))
ORDER BY w.created_at DESC, w.id DESC LIMIT $3)SQL";

const std::string kDelivery = std::string(kDeliveryColumns) + " WHERE w.endpoint_id = $1::uuid AND w.id = $2::uuid";
constexpr const char* kReplaceSecret = "UPDATE webhook_endpoints SET secret_sealed = $2 WHERE id = $1::uuid";
// A new series of attempts: due now, attempts and the age limit counted afresh. Only a finished
// delivery: a pending or leased one is the sender's.
constexpr const char* kRequeue = R"SQL(
UPDATE webhook_deliveries SET status = 'pending', attempts = 0, next_attempt_at = now(), first_attempt_at = NULL,
                              updated_at = now()
WHERE endpoint_id = $1::uuid AND id = $2::uuid AND status IN ('delivered', 'failed'))SQL";

constexpr const char* kReclaim = R"SQL(
WITH r AS (UPDATE webhook_deliveries SET status = 'pending', lease_owner = NULL, lease_expires_at = NULL, updated_at = now()
           WHERE status = 'sending' AND lease_expires_at < now() RETURNING 1)
SELECT count(*) AS n FROM r)SQL";

constexpr const char* kClaim = R"SQL(
WITH picked AS (
  SELECT w.id FROM webhook_deliveries w
  WHERE w.status = 'pending' AND w.next_attempt_at <= now()
  ORDER BY w.next_attempt_at
  LIMIT $2
  FOR UPDATE SKIP LOCKED
), claimed AS (
  UPDATE webhook_deliveries w SET status = 'sending', lease_owner = $1, lease_expires_at = now() + make_interval(secs => $3),
                                  attempts = w.attempts + 1, first_attempt_at = coalesce(w.first_attempt_at, now()),
                                  updated_at = now()
  FROM picked WHERE w.id = picked.id
  RETURNING w.id, w.event_id, w.endpoint_id, w.attempts, w.first_attempt_at
)
SELECT c.id, c.attempts, extract(epoch FROM now() - c.first_attempt_at)::bigint AS age, e.url, e.secret_sealed,
       v.id AS event_id, v.type, v.tenant_id, v.data::text AS data, )SQL" DH_SQL_TIMESTAMP(
    "v.created_at") R"SQL( AS created_at
FROM claimed c JOIN webhook_endpoints e ON e.id = c.endpoint_id JOIN webhook_events v ON v.id = c.event_id)SQL";

// One statement for a whole batch: the deliveries, then per endpoint its latest success and failure.
constexpr const char* kRecord = R"SQL(
WITH x AS (
  SELECT * FROM unnest($2::uuid[], $3::text[], $4::int[], $5::text[], $6::bigint[]) AS x(id, status, code, error, delay)
), done AS (
  UPDATE webhook_deliveries w
  SET status = x.status, response_status = nullif(x.code, 0), last_error = nullif(x.error, ''),
      next_attempt_at = CASE WHEN x.status = 'pending' THEN now() + make_interval(secs => x.delay) ELSE w.next_attempt_at END,
      delivered_at = CASE WHEN x.status = 'delivered' THEN now() END,
      lease_owner = NULL, lease_expires_at = NULL, updated_at = now()
  FROM x WHERE w.id = x.id AND w.lease_owner = $1 AND w.status = 'sending'
  RETURNING w.endpoint_id, x.status, x.error
), per AS (
  SELECT endpoint_id, bool_or(status = 'delivered') AS succeeded, max(error) FILTER (WHERE status <> 'delivered') AS error
  FROM done GROUP BY endpoint_id
)
UPDATE webhook_endpoints e
SET last_success_at = CASE WHEN per.succeeded THEN now() ELSE e.last_success_at END,
    last_failure_at = CASE WHEN per.error IS NOT NULL THEN now() ELSE e.last_failure_at END,
    last_error = coalesce(per.error, e.last_error)
FROM per WHERE e.id = per.endpoint_id)SQL";

constexpr const char* kExpire = R"SQL(
WITH x AS (DELETE FROM webhook_events WHERE created_at < now() - make_interval(days => $1) RETURNING 1)
SELECT count(*) AS n FROM x)SQL";

Endpoint endpoint_from(const db::Result& r, int i) {
    Endpoint e;
    e.id = r.text(i, "id");
    e.tenant_id = r.text(i, "tenant_id");
    e.url = r.text(i, "url");
    e.events = strings::split(r.text(i, "events"), ',');
    e.description = r.text(i, "description");
    e.created_by_label = r.text(i, "created_by_label");
    e.created_at = r.text(i, "created_at");
    e.last_success_at = r.opt(i, "last_success_at");
    e.last_failure_at = r.opt(i, "last_failure_at");
    e.last_error = r.opt(i, "last_error");
    return e;
}

EventDelivery delivery_from(const db::Result& r, int i) {
    EventDelivery d;
    d.id = r.text(i, "id");
    d.event_id = r.text(i, "event_id");
    d.event_type = r.text(i, "event_type");
    d.status = r.text(i, "status");
    d.attempts = r.integer(i, "attempts");
    d.response_status = r.opt_integer(i, "response_status");
    d.last_error = r.opt(i, "last_error");
    d.next_attempt_at = r.opt(i, "next_attempt_at");
    d.delivered_at = r.opt(i, "delivered_at");
    d.created_at = r.text(i, "created_at");
    d.updated_at = r.text(i, "updated_at");
    return d;
}

Claimed claimed_from(const db::Result& r, int i) {
    Claimed c;
    c.id = r.text(i, "id");
    c.url = r.text(i, "url");
    c.secret_sealed = r.text(i, "secret_sealed");
    c.event_id = r.text(i, "event_id");
    c.event_type = r.text(i, "type");
    c.tenant_id = r.text(i, "tenant_id");
    c.event_data_json = r.text(i, "data");
    c.event_created_at = r.text(i, "created_at");
    c.attempts = static_cast<int>(r.integer(i, "attempts"));
    c.age_seconds = r.integer(i, "age");
    return c;
}

}  // namespace

std::string insert(db::Tx& tx, const std::string& tenant_id, const NewEndpoint& e, const std::string& secret_sealed,
                   const std::optional<std::string>& created_by, const std::string& created_by_label) {
    return tx
        .exec(kInsert,
              {tenant_id, e.url, db::text_array(e.events), e.description, secret_sealed, created_by, created_by_label})
        .text(0, "id");
}

std::optional<Endpoint> by_id(db::Tx& tx, const std::string& id) {
    auto r = tx.exec(kById, {id});
    if (r.empty()) return std::nullopt;
    return endpoint_from(r, 0);
}

std::vector<Endpoint> list(db::Tx& tx, int limit, const std::optional<std::string>& after_created,
                           const std::optional<std::string>& after_id) {
    auto r = tx.exec(kList, {limit, after_created, after_id});
    std::vector<Endpoint> out;
    for (int i = 0; i < r.rows(); ++i) out.push_back(endpoint_from(r, i));
    return out;
}

long long count(db::Tx& tx) {
    return tx.exec(kCount).integer(0, "n");
}

bool remove(db::Tx& tx, const std::string& id) {
    return tx.exec(kDelete, {id}).affected() > 0;
}

std::vector<EventDelivery> deliveries(db::Tx& tx, const std::string& endpoint_id,
                                      const std::optional<std::string>& status, int limit,
                                      const std::optional<std::string>& after_created,
                                      const std::optional<std::string>& after_id) {
    auto r = tx.exec(kDeliveries, {endpoint_id, status, limit, after_created, after_id});
    std::vector<EventDelivery> out;
    for (int i = 0; i < r.rows(); ++i) out.push_back(delivery_from(r, i));
    return out;
}

void replace_secret(db::Tx& tx, const std::string& id, const std::string& secret_sealed) {
    tx.exec(kReplaceSecret, {id, secret_sealed});
}

std::optional<EventDelivery> delivery(db::Tx& tx, const std::string& endpoint_id, const std::string& delivery_id) {
    auto r = tx.exec(kDelivery, {endpoint_id, delivery_id});
    if (r.empty()) return std::nullopt;
    return delivery_from(r, 0);
}

bool requeue(db::Tx& tx, const std::string& endpoint_id, const std::string& delivery_id) {
    return tx.exec(kRequeue, {endpoint_id, delivery_id}).affected() > 0;
}

long long reclaim_expired(db::Tx& tx) {
    return tx.exec(kReclaim).integer(0, "n");
}

std::vector<Claimed> claim(db::Tx& tx, const std::string& worker_id, int n, int lease_seconds) {
    auto r = tx.exec(kClaim, {worker_id, n, lease_seconds});
    std::vector<Claimed> out;
    out.reserve(r.rows());
    for (int i = 0; i < r.rows(); ++i) out.push_back(claimed_from(r, i));
    return out;
}

void record(db::Tx& tx, const std::string& worker_id, const std::vector<Outcome>& outcomes) {
    if (outcomes.empty()) return;
    tx.exec(kRecord, {worker_id, db::text_array_of(outcomes, [](auto& o) { return o.id; }),
                      db::text_array_of(outcomes, [](auto& o) { return o.status; }),
                      db::text_array_of(outcomes, [](auto& o) { return std::to_string(o.response_status); }),
                      db::text_array_of(outcomes, [](auto& o) { return o.error; }),
                      db::text_array_of(outcomes, [](auto& o) { return std::to_string(o.delay_seconds); })});
}

long long expire(db::Tx& tx, int days) {
    return tx.exec(kExpire, {days}).integer(0, "n");
}

}  // namespace dh::webhooks::webhook_store
