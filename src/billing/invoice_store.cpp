#include "billing/invoice_store.hpp"

#include "db/sql_text.hpp"
#include "db/tx.hpp"

namespace dh::billing::invoice_store {
namespace {

constexpr const char* kToday = "SELECT to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS today";
// One row per plan segment of each tenant's period, in order. A tenant's span is the period, or its
// part after the tenant was created (a new tenant's first period is charged in full, among its
// plans). The plan at the span's start is the target of the last change before it, else the origin
// of the first change after it, else the tenant's plan (no changes at all); every change inside the
// span starts a segment. Seconds count from the span start, so the segments tile the span exactly.
constexpr const char* kBases = R"SQL(
WITH b AS (SELECT ($1::date)::timestamp AT TIME ZONE 'UTC' AS s, ($2::date)::timestamp AT TIME ZONE 'UTC' AS e),
t AS (SELECT id, plan_id, created_at FROM tenants WHERE created_at < $2::date AND ($3::uuid IS NULL OR id = $3::uuid)),
spans AS (SELECT t.id AS tenant_id, t.plan_id, greatest(b.s, t.created_at) AS s, b.e FROM t, b),
starts AS (
  SELECT x.tenant_id, x.s AS starts_at, 0::bigint AS seq, coalesce(
    (SELECT c.to_plan_id FROM tenant_plan_changes c WHERE c.tenant_id = x.tenant_id AND c.effective_at <= x.s
     ORDER BY c.effective_at DESC, c.id DESC LIMIT 1),
    (SELECT c.from_plan_id FROM tenant_plan_changes c WHERE c.tenant_id = x.tenant_id AND c.effective_at > x.s
     ORDER BY c.effective_at, c.id LIMIT 1),
    x.plan_id) AS plan_id
  FROM spans x
  UNION ALL
  SELECT c.tenant_id, c.effective_at, c.id, c.to_plan_id
  FROM tenant_plan_changes c JOIN spans x ON x.tenant_id = c.tenant_id
  WHERE c.effective_at > x.s AND c.effective_at < x.e
),
segments AS (
  SELECT g.tenant_id, g.plan_id, g.starts_at, g.seq, lead(g.starts_at, 1, x.e) OVER w AS ends_at, x.s AS span_start
  FROM starts g JOIN spans x ON x.tenant_id = g.tenant_id
  WINDOW w AS (PARTITION BY g.tenant_id ORDER BY g.starts_at, g.seq)
)
SELECT g.tenant_id, p.id AS plan_id, p.name AS plan_name, p.currency, p.price_cents, p.overage_cents_per_1000,
       p.emails_per_period, coalesce(u.sent, 0) AS sent,
       to_char(g.starts_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI') AS segment_from,
       to_char(g.ends_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI') AS segment_until,
       floor(extract(epoch FROM g.ends_at - g.span_start))::bigint
         - floor(extract(epoch FROM g.starts_at - g.span_start))::bigint AS segment_seconds
FROM segments g JOIN t ON t.id = g.tenant_id JOIN plans p ON p.id = g.plan_id
LEFT JOIN usage_periods u ON u.tenant_id = g.tenant_id AND u.period_start = $1::date
ORDER BY t.created_at, t.id, g.starts_at, g.seq)SQL";
constexpr const char* kLockCounter = "SELECT last_number FROM invoice_counter FOR UPDATE";
constexpr const char* kNextNumber = "UPDATE invoice_counter SET last_number = last_number + 1 RETURNING last_number";
constexpr const char* kLive =
    "SELECT id FROM invoices WHERE tenant_id = $1::uuid AND period_start = $2::date AND status <> 'void'";
constexpr const char* kInsert = R"SQL(
INSERT INTO invoices (tenant_id, number, period_start, period_end, currency, total_cents, plan_id, plan_name, emails_sent)
VALUES ($1::uuid, $2, $3::date, $4::date, $5, $6, $7::uuid, $8, $9) RETURNING id)SQL";
constexpr const char* kInsertLine = R"SQL(
INSERT INTO invoice_lines (tenant_id, invoice_id, position, kind, description, quantity, unit_cents, amount_cents)
VALUES ($1::uuid, $2::uuid, $3, $4, $5, $6, $7, $8))SQL";
constexpr const char* kColumns =
    "i.id, i.tenant_id, t.name AS tenant_name, i.number, to_char(i.period_start, 'YYYY-MM-DD') AS period_start, "
    "to_char(i.period_end, 'YYYY-MM-DD') AS period_end, i.status, i.currency, i.total_cents, i.plan_name, "
    "i.emails_sent, i.void_reason, " DH_SQL_TIMESTAMP("i.issued_at") " AS issued_at, " DH_SQL_TIMESTAMP("i.paid_at") " AS paid_at, "
    DH_SQL_TIMESTAMP("i.voided_at") " AS voided_at, " DH_SQL_TIMESTAMP("i.created_at") " AS created_at, "
    "(SELECT coalesce(sum(amount_cents), 0) FROM invoice_payments x WHERE x.invoice_id = i.id) AS paid_cents";
constexpr const char* kFrom = " FROM invoices i JOIN tenants t ON t.id = i.tenant_id ";
const std::string kById = std::string("SELECT ") + kColumns + kFrom + "WHERE i.id = $1::uuid";
const std::string kList = std::string("SELECT ") + kColumns + kFrom + R"SQL(
WHERE ($2::timestamptz IS NULL OR (i.created_at, i.id) < ($2::timestamptz, $3::uuid))
  AND ($4::text IS NULL OR i.status = $4) AND ($5::uuid IS NULL OR i.tenant_id = $5::uuid)
  AND (NOT $6 OR i.status <> 'draft')
ORDER BY i.created_at DESC, i.id DESC LIMIT $1)SQL";
constexpr const char* kLines = R"SQL(
SELECT kind, description, quantity, unit_cents, amount_cents FROM invoice_lines WHERE invoice_id = $1::uuid
ORDER BY position)SQL";
const std::string kPayments =
    std::string("SELECT id, amount_cents, to_char(paid_on, 'YYYY-MM-DD') AS paid_on, reference, ") +
    DH_SQL_TIMESTAMP("created_at") + " AS created_at FROM invoice_payments WHERE invoice_id = $1::uuid " +
    "ORDER BY paid_on, created_at";
constexpr const char* kSetStatus = R"SQL(
UPDATE invoices SET status = $2, updated_at = now(),
  issued_at = CASE WHEN $2 = 'issued' THEN now() ELSE issued_at END,
  paid_at = CASE WHEN $2 = 'paid' THEN now() ELSE paid_at END,
  voided_at = CASE WHEN $2 = 'void' THEN now() ELSE voided_at END,
  void_reason = CASE WHEN $2 = 'void' THEN $3 ELSE void_reason END
WHERE id = $1::uuid)SQL";
constexpr const char* kAddPayment = R"SQL(
INSERT INTO invoice_payments (tenant_id, invoice_id, amount_cents, paid_on, reference, recorded_by)
VALUES ($1::uuid, $2::uuid, $3, $4::date, $5, $6::uuid))SQL";

Invoice invoice_from(const db::Result& r, int i) {
    Invoice v;
    v.id = r.text(i, "id");
    v.tenant_id = r.text(i, "tenant_id");
    v.tenant_name = r.text(i, "tenant_name");
    v.number = r.integer(i, "number");
    v.period_start = r.text(i, "period_start");
    v.period_end = r.text(i, "period_end");
    v.status = r.text(i, "status");
    v.currency = r.text(i, "currency");
    v.total_cents = r.integer(i, "total_cents");
    v.paid_cents = r.integer(i, "paid_cents");
    v.plan_name = r.text(i, "plan_name");
    v.emails_sent = r.integer(i, "emails_sent");
    v.issued_at = r.opt(i, "issued_at");
    v.paid_at = r.opt(i, "paid_at");
    v.voided_at = r.opt(i, "voided_at");
    v.void_reason = r.opt(i, "void_reason");
    v.created_at = r.text(i, "created_at");
    return v;
}

}  // namespace

std::string today(db::Tx& tx) {
    return tx.exec(kToday).text(0, "today");
}

std::vector<BillingBasis> bases(db::Tx& tx, const Period& period, const std::optional<std::string>& tenant_id) {
    auto r = tx.exec(kBases, {period.start, period.end, tenant_id});
    std::vector<BillingBasis> out;
    for (int i = 0; i < r.rows(); ++i) {
        auto tenant = r.text(i, "tenant_id");
        if (out.empty() || out.back().tenant_id != tenant) out.push_back({tenant});
        auto& b = out.back();
        // Each row overwrites the plan fields: the last segment's plan is the one in force at the end.
        b.plan_id = r.text(i, "plan_id");
        b.plan_name = r.text(i, "plan_name");
        b.currency = r.text(i, "currency");
        b.price_cents = r.integer(i, "price_cents");
        b.overage_cents_per_1000 = r.opt_integer(i, "overage_cents_per_1000");
        b.included_emails = r.integer(i, "emails_per_period");
        b.emails_sent = r.integer(i, "sent");
        auto seconds = r.integer(i, "segment_seconds");
        if (seconds > 0)  // changes within one second leave nothing to charge
            b.segments.push_back(
                {b.plan_name, b.price_cents, r.text(i, "segment_from"), r.text(i, "segment_until"), seconds});
    }
    return out;
}

void lock_counter(db::Tx& tx) {
    tx.exec(kLockCounter);
}

long long next_number(db::Tx& tx) {
    return tx.exec(kNextNumber).integer(0, "last_number");
}

std::optional<std::string> live_invoice(db::Tx& tx, const std::string& tenant_id, const std::string& period_start) {
    auto r = tx.exec(kLive, {tenant_id, period_start});
    if (r.empty()) return std::nullopt;
    return r.text(0, "id");
}

std::string insert(db::Tx& tx, const BillingBasis& b, const Period& period, long long number, long long total_cents) {
    return tx
        .exec(kInsert, {b.tenant_id, number, period.start, period.end, b.currency, total_cents, b.plan_id, b.plan_name,
                        b.emails_sent})
        .text(0, "id");
}

void insert_line(db::Tx& tx, const std::string& tenant_id, const std::string& invoice_id, int position,
                 const InvoiceLine& l) {
    tx.exec(kInsertLine,
            {tenant_id, invoice_id, position, l.kind, l.description, l.quantity, l.unit_cents, l.amount_cents});
}

std::optional<Invoice> by_id(db::Tx& tx, const std::string& id) {
    auto r = tx.exec(kById, {id});
    if (r.empty()) return std::nullopt;
    auto v = invoice_from(r, 0);
    auto lines = tx.exec(kLines, {id});
    for (int i = 0; i < lines.rows(); ++i)
        v.lines.push_back({lines.text(i, "kind"), lines.text(i, "description"), lines.integer(i, "quantity"),
                           lines.integer(i, "unit_cents"), lines.integer(i, "amount_cents")});
    auto pays = tx.exec(kPayments, {id});
    for (int i = 0; i < pays.rows(); ++i)
        v.payments.push_back({pays.text(i, "id"), pays.integer(i, "amount_cents"), pays.text(i, "paid_on"),
                              pays.text(i, "reference"), pays.text(i, "created_at")});
    return v;
}

std::vector<Invoice> list(db::Tx& tx, const InvoiceFilter& f, bool issued_only, int limit,
                          const std::optional<std::string>& after_created, const std::optional<std::string>& after_id) {
    auto r = tx.exec(kList, {limit, after_created, after_id, f.status, f.tenant_id, issued_only});
    std::vector<Invoice> out;
    for (int i = 0; i < r.rows(); ++i) out.push_back(invoice_from(r, i));
    return out;
}

void set_status(db::Tx& tx, const std::string& id, const std::string& status,
                const std::optional<std::string>& reason) {
    tx.exec(kSetStatus, {id, status, reason});
}

void add_payment(db::Tx& tx, const Invoice& invoice, long long amount_cents, const std::string& paid_on,
                 const std::string& reference, const std::optional<std::string>& recorded_by) {
    tx.exec(kAddPayment, {invoice.tenant_id, invoice.id, amount_cents, paid_on, reference, recorded_by});
}

}  // namespace dh::billing::invoice_store
