#include "inbox/inbox_store.hpp"

#include "db/conditions.hpp"
#include "db/sql_text.hpp"
#include "db/tx.hpp"
#include "webhooks/event_outbox.hpp"

namespace dh::inbox::inbox_store {
namespace {

constexpr const char* kDelivery =
    "SELECT id, tenant_id, dispatch_id, email, status, vendor_id, contact_id FROM deliveries WHERE id = $1::uuid";
constexpr const char* kContactsByAddress = R"SQL(
SELECT c.tenant_id, c.vendor_id, c.id AS contact_id, c.email FROM vendor_contacts c
WHERE lower(c.email) = lower($1) ORDER BY c.tenant_id LIMIT $2)SQL";
constexpr const char* kContactInTenant = R"SQL(
SELECT c.vendor_id, c.id FROM vendor_contacts c WHERE lower(c.email) = lower($1)
ORDER BY c.is_primary DESC, c.created_at LIMIT 1)SQL";

namespace events = webhooks::event_outbox;

// Receiving a message and a bounce both write their webhook event in the same statement (event_outbox).
const std::string kInsertMessage = R"SQL(
WITH m AS (
  INSERT INTO inbox_messages (tenant_id, kind, routed_by, vendor_id, contact_id, dispatch_id, delivery_id, from_address,
    from_name, to_addresses, subject, message_id, in_reply_to, text_body, html_text, has_html, bounce_status, diagnostic,
    parse_error, envelope_from, raw_path, size_bytes)
  VALUES ($1::uuid, $2, $3, $4::uuid, $5::uuid, $6::uuid, $7::uuid, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18,
          $19, $20, $21, $22)
  RETURNING id, tenant_id, kind, vendor_id, dispatch_id, delivery_id, from_address, subject, received_at
))SQL" + events::emit("received", "m", events::kInboxReceived, R"SQL(
  jsonb_build_object('message_id', s.id, 'kind', s.kind, 'vendor_id', s.vendor_id, 'dispatch_id', s.dispatch_id,
    'delivery_id', s.delivery_id, 'from_address', s.from_address, 'subject', s.subject,
    'received_at', )SQL" DH_SQL_TIMESTAMP("s.received_at") ")") +
                                   " SELECT id FROM m";
constexpr const char* kInsertAttachment = R"SQL(
INSERT INTO inbox_attachments (tenant_id, message_id, filename, content_type, content_id, is_inline, size_bytes, storage_key)
VALUES ($1::uuid, $2::uuid, $3, $4, $5, $6, $7, $8))SQL";
constexpr const char* kInsertQuarantine = R"SQL(
INSERT INTO inbound_quarantine (envelope_from, envelope_to, from_address, subject, message_id, reason, raw_path, size_bytes)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id)SQL";

constexpr const char* kQuarantine = R"SQL(
SELECT id, envelope_from, envelope_to, from_address, subject, message_id, reason, size_bytes,
  to_char(received_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS received_at
FROM inbound_quarantine
WHERE ($1::timestamptz IS NULL OR (received_at, id) < ($1::timestamptz, $2::uuid))
ORDER BY received_at DESC, id DESC LIMIT $3)SQL";

// A sent delivery becomes bounced (or complained) at once, with its event. One still on its way
// (queued again after a crash, deferred, or sending: the relay's answer not yet recorded) keeps the
// bounce in pending_bounce; recording `sent` applies it and writes the event then (queue_store), so
// the end state does not depend on which lands first. Only the first bounce of a delivery counts.
const std::string kMarkBounced = std::string(R"SQL(
WITH b AS (
  UPDATE deliveries l SET status = CASE WHEN l.status = 'sent' THEN $2 ELSE l.status END,
                          reason = CASE WHEN l.status = 'sent' THEN $3 ELSE l.reason END,
                          relay_reply = CASE WHEN l.status = 'sent' THEN $4 ELSE l.relay_reply END,
                          pending_bounce = CASE WHEN l.status = 'sent' THEN NULL
                            ELSE jsonb_build_object('status', $2::text, 'reason', $3::text, 'diagnostic', $4::text) END,
                          bounced_at = now(), updated_at = now()
  WHERE l.id = $1::uuid
    AND (l.status = 'sent' OR (l.status IN ('queued', 'deferred', 'sending') AND l.pending_bounce IS NULL))
  RETURNING )SQL") + events::kDeliveryColumns +
                                 "), landed AS (SELECT * FROM b WHERE status IN ('bounced', 'complained'))" +
                                 events::emit("bounced", "landed", events::kDeliveryBounced, events::delivery_data()) +
                                 " SELECT count(*) AS n FROM b";

// The vendor's name is a subquery, not a join: it then runs for the rows of the page only, where
// a join let the planner hash every vendor of the tenant for each page.
constexpr const char* kInboxColumns = R"SQL(
  m.id, m.tenant_id, m.kind, m.routed_by, m.vendor_id, m.contact_id, m.dispatch_id, m.delivery_id, m.from_address,
  m.from_name, m.to_addresses, m.subject, m.message_id, m.in_reply_to, m.has_html, m.bounce_status, m.diagnostic,
  m.parse_error, m.envelope_from, m.raw_path, m.size_bytes, m.is_read, m.archived,
  (SELECT v.name FROM vendors v WHERE v.id = m.vendor_id) AS vendor_name,
  to_char(m.received_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS received_at)SQL";

// Followed by the filters that apply (db::Conditions), then kListOrder.
const std::string kListFrom = std::string("SELECT ") + kInboxColumns + R"SQL(, '' AS text_body, '' AS html_text
FROM inbox_messages m WHERE true)SQL";
constexpr const char* kListOrder = " ORDER BY m.received_at DESC, m.id DESC LIMIT ";
const std::string kGet = std::string("SELECT ") + kInboxColumns + R"SQL(, m.text_body, m.html_text
FROM inbox_messages m WHERE m.id = $1::uuid)SQL";
constexpr const char* kAttachments = R"SQL(
SELECT id, filename, content_type, content_id, is_inline, size_bytes, storage_key FROM inbox_attachments
WHERE message_id = $1::uuid ORDER BY filename, id)SQL";
constexpr const char* kUpdateFlags = R"SQL(
UPDATE inbox_messages SET is_read = coalesce($2::boolean, is_read), archived = coalesce($3::boolean, archived)
WHERE id = $1::uuid)SQL";

constexpr const char* kVendorExists = "SELECT 1 FROM vendors WHERE id = $1::uuid";
constexpr const char* kVendorThread = R"SQL(
SELECT t.direction, t.id, to_char(t.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS at, t.subject,
       t.address, t.status, t.dispatch_id
FROM (
  SELECT 'sent' AS direction, l.id, coalesce(l.sent_at, l.created_at) AS at, d.subject, l.email AS address, l.status,
         l.dispatch_id
  FROM deliveries l JOIN dispatches d ON d.id = l.dispatch_id WHERE l.vendor_id = $1::uuid AND NOT d.is_test
  UNION ALL
  SELECT 'received', m.id, m.received_at, m.subject, m.from_address, m.kind, m.dispatch_id
  FROM inbox_messages m WHERE m.vendor_id = $1::uuid) t
WHERE $3::timestamptz IS NULL OR (t.at, t.id) > ($3::timestamptz, $4::uuid)
ORDER BY t.at, t.id LIMIT $2)SQL";

InboxMessage message_from(const db::Result& r, int i) {
    InboxMessage m;
    m.id = r.text(i, "id");
    m.tenant_id = r.text(i, "tenant_id");
    m.kind = r.text(i, "kind");
    m.routed_by = r.text(i, "routed_by");
    m.vendor_id = r.opt(i, "vendor_id");
    m.contact_id = r.opt(i, "contact_id");
    m.dispatch_id = r.opt(i, "dispatch_id");
    m.delivery_id = r.opt(i, "delivery_id");
    m.from_address = r.text(i, "from_address");
    m.from_name = r.text(i, "from_name");
    m.to_addresses = r.text(i, "to_addresses");
    m.subject = r.text(i, "subject");
    m.message_id = r.opt(i, "message_id");
    m.in_reply_to = r.opt(i, "in_reply_to");
    m.text_body = r.text(i, "text_body");
    m.html_text = r.text(i, "html_text");
    m.has_html = r.boolean(i, "has_html");
    m.bounce_status = r.opt(i, "bounce_status");
    m.diagnostic = r.opt(i, "diagnostic");
    m.parse_error = r.opt(i, "parse_error");
    m.envelope_from = r.text(i, "envelope_from");
    m.raw_path = r.text(i, "raw_path");
    m.size_bytes = r.integer(i, "size_bytes");
    m.is_read = r.boolean(i, "is_read");
    m.archived = r.boolean(i, "archived");
    m.received_at = r.text(i, "received_at");
    m.vendor_name = r.opt(i, "vendor_name");
    return m;
}

}  // namespace

std::optional<DeliveryRef> delivery(db::Tx& tx, const std::string& id) {
    auto r = tx.exec(kDelivery, {id});
    if (r.empty()) return std::nullopt;
    return DeliveryRef{r.text(0, "id"),     r.text(0, "tenant_id"), r.text(0, "dispatch_id"), r.text(0, "email"),
                       r.text(0, "status"), r.opt(0, "vendor_id"),  r.opt(0, "contact_id")};
}

std::vector<DeliveryRef> contacts_by_address(db::Tx& tx, const std::string& address, int limit) {
    auto r = tx.exec(kContactsByAddress, {address, limit});
    std::vector<DeliveryRef> out;
    for (int i = 0; i < r.rows(); ++i) {
        DeliveryRef d;
        d.tenant_id = r.text(i, "tenant_id");
        d.vendor_id = r.text(i, "vendor_id");
        d.contact_id = r.text(i, "contact_id");
        d.email = r.text(i, "email");
        out.push_back(std::move(d));
    }
    return out;
}

std::optional<std::pair<std::string, std::string>> contact_in_tenant(db::Tx& tx, const std::string& address) {
    auto r = tx.exec(kContactInTenant, {address});
    if (r.empty()) return std::nullopt;
    return std::make_pair(r.text(0, 0), r.text(0, 1));
}

std::string insert_message(db::Tx& tx, const InboxMessage& m) {
    return tx
        .exec(kInsertMessage,
              {m.tenant_id,   m.kind,          m.routed_by, m.vendor_id,    m.contact_id,    m.dispatch_id,
               m.delivery_id, m.from_address,  m.from_name, m.to_addresses, m.subject,       m.message_id,
               m.in_reply_to, m.text_body,     m.html_text, m.has_html,     m.bounce_status, m.diagnostic,
               m.parse_error, m.envelope_from, m.raw_path,  m.size_bytes})
        .text(0, "id");
}

void insert_attachment(db::Tx& tx, const std::string& tenant_id, const std::string& message_id,
                       const InboxAttachment& a) {
    tx.exec(kInsertAttachment, {tenant_id, message_id, a.filename, a.content_type, a.content_id, a.is_inline,
                                a.size_bytes, a.storage_key});
}

std::string insert_quarantine(db::Tx& tx, const std::string& envelope_from, const std::string& envelope_to,
                              const std::string& from_address, const std::string& subject,
                              const std::optional<std::string>& message_id, const std::string& reason,
                              const std::string& raw_path, long long size) {
    return tx
        .exec(kInsertQuarantine,
              {envelope_from, envelope_to, from_address, subject, message_id, reason, raw_path, size})
        .text(0, "id");
}

bool mark_bounced(db::Tx& tx, const std::string& delivery_id, const std::string& status, const std::string& reason,
                  const std::string& diagnostic) {
    return tx.exec(kMarkBounced, {delivery_id, status, reason, diagnostic}).integer(0, "n") > 0;
}

std::vector<QuarantinedMessage> quarantine(db::Tx& tx, int limit, const std::optional<std::string>& after_time,
                                           const std::optional<std::string>& after_id) {
    auto r = tx.exec(kQuarantine, {after_time, after_id, limit});
    std::vector<QuarantinedMessage> out;
    for (int i = 0; i < r.rows(); ++i)
        out.push_back({r.text(i, "id"), r.text(i, "envelope_from"), r.text(i, "envelope_to"), r.text(i, "from_address"),
                       r.text(i, "subject"), r.text(i, "reason"), r.text(i, "received_at"), r.opt(i, "message_id"),
                       r.integer(i, "size_bytes")});
    return out;
}

std::vector<InboxMessage> list(db::Tx& tx, const InboxFilter& f, int limit,
                               const std::optional<std::string>& after_time,
                               const std::optional<std::string>& after_id) {
    db::Params params;
    db::Conditions where(params);
    if (f.unread_only) where.add("NOT m.is_read");
    if (!f.include_archived) where.add("NOT m.archived");
    if (f.vendor_id) where.add("m.vendor_id = $?::uuid", {*f.vendor_id});
    if (f.dispatch_id) where.add("m.dispatch_id = $?::uuid", {*f.dispatch_id});
    if (f.kind) where.add("m.kind = $?", {*f.kind});
    if (after_time) where.add("(m.received_at, m.id) < ($?::timestamptz, $?::uuid)", {*after_time, after_id});
    params.emplace_back(limit);
    auto r = tx.exec(kListFrom + where.sql() + kListOrder + "$" + std::to_string(params.size()), params);
    std::vector<InboxMessage> out;
    for (int i = 0; i < r.rows(); ++i) out.push_back(message_from(r, i));
    return out;
}

std::optional<InboxMessage> get(db::Tx& tx, const std::string& id) {
    auto r = tx.exec(kGet, {id});
    if (r.empty()) return std::nullopt;
    return message_from(r, 0);
}

std::vector<InboxAttachment> attachments(db::Tx& tx, const std::string& message_id) {
    auto r = tx.exec(kAttachments, {message_id});
    std::vector<InboxAttachment> out;
    for (int i = 0; i < r.rows(); ++i)
        out.push_back({r.text(i, "id"), r.text(i, "filename"), r.text(i, "content_type"), r.opt(i, "content_id"),
                       r.boolean(i, "is_inline"), r.integer(i, "size_bytes"), r.text(i, "storage_key")});
    return out;
}

bool update_flags(db::Tx& tx, const std::string& id, std::optional<bool> read, std::optional<bool> archived) {
    auto flag = [](std::optional<bool> b) -> db::Param { return b ? db::Param(*b) : db::Param(nullptr); };
    return tx.exec(kUpdateFlags, {id, flag(read), flag(archived)}).affected() > 0;
}

bool vendor_exists(db::Tx& tx, const std::string& vendor_id) {
    return !tx.exec(kVendorExists, {vendor_id}).empty();
}

std::vector<ThreadEntry> vendor_thread(db::Tx& tx, const std::string& vendor_id, int limit,
                                       const std::optional<std::string>& after_time,
                                       const std::optional<std::string>& after_id) {
    auto r = tx.exec(kVendorThread, {vendor_id, limit, after_time, after_id});
    std::vector<ThreadEntry> out;
    for (int i = 0; i < r.rows(); ++i)
        out.push_back({r.text(i, "direction"), r.text(i, "id"), r.text(i, "at"), r.text(i, "subject"),
                       r.text(i, "address"), r.text(i, "status"), r.opt(i, "dispatch_id")});
    return out;
}

}  // namespace dh::inbox::inbox_store
