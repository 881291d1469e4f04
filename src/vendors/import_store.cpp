#include "vendors/import_store.hpp"

#include <libpq-fe.h>

#include <nlohmann/json.hpp>

#include "common/error.hpp"
#include "db/tx.hpp"

namespace dh::vendors::import_store {
namespace {

// Per connection, emptied at every commit. vkey groups the rows of one vendor.
constexpr const char* kTempTables = R"SQL(
SET LOCAL client_min_messages = warning;
CREATE TEMP TABLE IF NOT EXISTS import_rows (
  rn bigint NOT NULL, code text, name text NOT NULL, category text, status text, tags text, notes text,
  custom jsonb, lists text, email text, contact_name text, role text,
  vkey text GENERATED ALWAYS AS (CASE WHEN code IS NOT NULL THEN 'c:' || code ELSE 'n:' || lower(name) END) STORED
) ON COMMIT DELETE ROWS;
CREATE TEMP TABLE IF NOT EXISTS import_vendors (
  vkey text PRIMARY KEY, first_rn bigint NOT NULL, code text, lname text, name text NOT NULL, category text,
  status text, tags text, notes text, custom jsonb, vendor_id uuid NOT NULL,
  existing boolean NOT NULL DEFAULT false, first_touch boolean NOT NULL DEFAULT false,
  needs_primary boolean NOT NULL DEFAULT true, rejected boolean NOT NULL DEFAULT false
) ON COMMIT DELETE ROWS;
)SQL";

constexpr const char* kCopy =
    "COPY import_rows (rn, code, name, category, status, tags, notes, custom, lists, email, contact_name, role) FROM STDIN";

// A vendor's fields come from its first row that has them.
constexpr const char* kGroup = R"SQL(
INSERT INTO import_vendors (vkey, first_rn, code, lname, name, category, status, tags, notes, custom, vendor_id)
SELECT vkey, min(rn), min(code), min(lower(name)) FILTER (WHERE code IS NULL), (array_agg(name ORDER BY rn))[1],
  (array_agg(category ORDER BY rn) FILTER (WHERE category IS NOT NULL))[1],
  (array_agg(status ORDER BY rn) FILTER (WHERE status IS NOT NULL))[1],
  (array_agg(tags ORDER BY rn) FILTER (WHERE tags IS NOT NULL))[1],
  (array_agg(notes ORDER BY rn) FILTER (WHERE notes IS NOT NULL))[1],
  (array_agg(custom ORDER BY rn) FILTER (WHERE custom IS NOT NULL))[1],
  gen_random_uuid()
FROM import_rows GROUP BY vkey
)SQL";

constexpr const char* kMatchByCode = R"SQL(
UPDATE import_vendors iv SET vendor_id = v.id, existing = true, first_touch = v.updated_at < $1::timestamptz,
  needs_primary = NOT EXISTS (SELECT 1 FROM vendor_contacts c WHERE c.vendor_id = v.id AND c.is_primary)
FROM vendors v WHERE iv.code IS NOT NULL AND v.tenant_id = $2 AND v.code = iv.code
)SQL";

constexpr const char* kMatchByName = R"SQL(
UPDATE import_vendors iv SET vendor_id = m.id, existing = true, first_touch = m.updated_at < $1::timestamptz,
  needs_primary = NOT EXISTS (SELECT 1 FROM vendor_contacts c WHERE c.vendor_id = m.id AND c.is_primary)
FROM (SELECT DISTINCT ON (lower(v.name)) lower(v.name) AS lname, v.id, v.updated_at FROM vendors v
      WHERE v.tenant_id = $2 AND lower(v.name) IN (SELECT lname FROM import_vendors WHERE code IS NULL)
      ORDER BY lower(v.name), v.created_at, v.id) m
WHERE iv.code IS NULL AND iv.lname = m.lname
)SQL";

constexpr const char* kReject = R"SQL(
UPDATE import_vendors SET rejected = true WHERE NOT existing AND first_rn IN (
  SELECT first_rn FROM import_vendors WHERE NOT existing ORDER BY first_rn OFFSET greatest($1::bigint, 0))
)SQL";

constexpr const char* kRejectedRows = R"SQL(
SELECT r.rn FROM import_rows r JOIN import_vendors iv ON iv.vkey = r.vkey WHERE iv.rejected ORDER BY r.rn
)SQL";

constexpr const char* kInsertVendors = R"SQL(
INSERT INTO vendors (id, tenant_id, name, code, category, tags, status, notes, custom_fields)
SELECT vendor_id, $1, name, code, category, coalesce(string_to_array(tags, E'\x1f'), '{}'), coalesce(status, 'active'),
       notes, coalesce(custom, '{}'::jsonb)
FROM import_vendors WHERE NOT existing AND NOT rejected
)SQL";

constexpr const char* kUpdateVendors = R"SQL(
UPDATE vendors v SET name = iv.name, category = coalesce(iv.category, v.category),
  status = coalesce(iv.status, v.status), notes = coalesce(iv.notes, v.notes),
  tags = v.tags || ARRAY(SELECT t FROM unnest(string_to_array(iv.tags, E'\x1f')) AS t WHERE t <> ALL (v.tags)),
  custom_fields = v.custom_fields || coalesce(iv.custom, '{}'::jsonb), updated_at = now()
FROM import_vendors iv WHERE iv.existing AND v.id = iv.vendor_id
)SQL";

// New contacts are added; a known one gets the row's name and role when given. The first contact
// of a vendor without a primary contact becomes primary.
constexpr const char* kUpsertContacts = R"SQL(
WITH rows AS (
  SELECT DISTINCT ON (iv.vendor_id, r.email) iv.vendor_id, iv.needs_primary, r.email, r.contact_name, r.role, r.rn
  FROM import_rows r JOIN import_vendors iv ON iv.vkey = r.vkey
  WHERE r.email IS NOT NULL AND NOT iv.rejected
  ORDER BY iv.vendor_id, r.email, r.rn
), ranked AS (
  SELECT *, needs_primary AND row_number() OVER (PARTITION BY vendor_id ORDER BY rn) = 1 AS primary_flag FROM rows
), added AS (
  INSERT INTO vendor_contacts AS c (tenant_id, vendor_id, email, name, role, is_primary)
  SELECT $1, vendor_id, email, coalesce(contact_name, ''), role, primary_flag FROM ranked
  ON CONFLICT (vendor_id, email) DO UPDATE
  SET name = CASE WHEN excluded.name <> '' THEN excluded.name ELSE c.name END,
      role = coalesce(excluded.role, c.role), updated_at = now()
  WHERE (excluded.name <> '' AND excluded.name <> c.name) OR (excluded.role IS NOT NULL AND excluded.role IS DISTINCT FROM c.role)
  RETURNING (xmax = 0) AS inserted
)
SELECT count(*) FILTER (WHERE inserted) AS n FROM added
)SQL";

constexpr const char* kInsertLists = R"SQL(
INSERT INTO vendor_lists (tenant_id, name)
SELECT DISTINCT $1::uuid, l.name FROM import_rows r JOIN import_vendors iv ON iv.vkey = r.vkey
CROSS JOIN LATERAL unnest(string_to_array(r.lists, E'\x1f')) AS l(name)
WHERE r.lists IS NOT NULL AND NOT iv.rejected
ON CONFLICT (tenant_id, name) DO NOTHING
)SQL";

constexpr const char* kInsertMembers = R"SQL(
INSERT INTO vendor_list_members (tenant_id, list_id, vendor_id)
SELECT DISTINCT $1::uuid, vl.id, iv.vendor_id FROM import_rows r JOIN import_vendors iv ON iv.vkey = r.vkey
CROSS JOIN LATERAL unnest(string_to_array(r.lists, E'\x1f')) AS l(name)
JOIN vendor_lists vl ON vl.name = l.name
WHERE r.lists IS NOT NULL AND NOT iv.rejected
ON CONFLICT (list_id, vendor_id) DO NOTHING
)SQL";

constexpr const char* kCounts = R"SQL(
SELECT count(*) FILTER (WHERE NOT existing AND NOT rejected) AS created,
       count(*) FILTER (WHERE existing AND first_touch) AS updated
FROM import_vendors
)SQL";

constexpr const char* kCreateJob = R"SQL(
INSERT INTO import_jobs (tenant_id, bytes_total, created_by) VALUES ($1, $2, $3::uuid)
RETURNING id
)SQL";

constexpr const char* kClock = "SELECT clock_timestamp()::text AS now";

constexpr const char* kProgress =
    "UPDATE import_jobs SET rows_processed = $2, bytes_processed = $3, heartbeat_at = now() WHERE id = $1";

constexpr const char* kFinish = R"SQL(
UPDATE import_jobs SET status = $2, report = $3::jsonb, error = $4, rows_processed = $5, bytes_processed = $6,
  finished_at = now(), heartbeat_at = now()
WHERE id = $1
)SQL";

constexpr const char* kFindJob = R"SQL(
SELECT id, rows_processed, bytes_processed, bytes_total, report::text AS report,
  CASE WHEN status = 'running' AND heartbeat_at < now() - interval '10 minutes' THEN 'failed' ELSE status END AS status,
  CASE WHEN status = 'running' AND heartbeat_at < now() - interval '10 minutes' THEN 'The import was interrupted.'
       ELSE error END AS error,
  to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS created_at,
  to_char(finished_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS finished_at
FROM import_jobs WHERE id = $1
)SQL";

/// COPY text format: backslash escapes for the characters that delimit fields and rows.
void copy_field(std::string& out, const std::optional<std::string>& value) {
    if (!value) {
        out.append("\\N");
        return;
    }
    for (char c : *value) {
        switch (c) {
            case '\\': out.append("\\\\"); break;
            case '\t': out.append("\\t"); break;
            case '\n': out.append("\\n"); break;
            case '\r': out.append("\\r"); break;
            default: out.push_back(c);
        }
    }
}

std::optional<std::string> joined(const std::vector<std::string>& parts) {
    if (parts.empty()) return std::nullopt;
    std::string out;
    for (std::size_t i = 0; i < parts.size(); ++i) out += (i ? "\x1f" : "") + parts[i];
    return out;
}

std::string copy_data(const std::vector<ImportRow>& rows) {
    std::string out;
    out.reserve(rows.size() * 160);
    for (auto& r : rows) {
        std::optional<std::string> custom;
        if (!r.custom.empty()) custom = nlohmann::json(r.custom).dump();
        const std::optional<std::string> fields[] = {std::to_string(r.row), r.code, r.name,  r.category,
                                                      r.status, joined(r.tags), r.notes, custom,
                                                      joined(r.lists), r.email, r.contact_name, r.role};
        for (std::size_t i = 0; i < std::size(fields); ++i) {
            if (i) out.push_back('\t');
            copy_field(out, fields[i]);
        }
        out.push_back('\n');
    }
    return out;
}

[[noreturn]] void copy_failed(PGconn* conn) {
    throw Error(ErrorKind::internal, "internal", "Internal error.", std::string("COPY failed: ") + PQerrorMessage(conn));
}

void copy_rows(db::Tx& tx, const std::vector<ImportRow>& rows) {
    PGconn* conn = tx.connection().raw();
    PGresult* res = PQexec(conn, kCopy);
    bool started = PQresultStatus(res) == PGRES_COPY_IN;
    PQclear(res);
    if (!started) copy_failed(conn);
    auto data = copy_data(rows);
    bool sent = PQputCopyData(conn, data.data(), static_cast<int>(data.size())) == 1 && PQputCopyEnd(conn, nullptr) == 1;
    bool ok = sent;
    while ((res = PQgetResult(conn)) != nullptr) {
        ok = ok && PQresultStatus(res) == PGRES_COMMAND_OK;
        PQclear(res);
    }
    if (!ok) copy_failed(conn);
}

}  // namespace

BatchResult apply_batch(db::Tx& tx, const std::string& tenant_id, const std::vector<ImportRow>& rows,
                        const std::string& started_at, std::int64_t remaining) {
    BatchResult out;
    if (rows.empty()) return out;
    tx.connection().exec_script(kTempTables);
    copy_rows(tx, rows);
    tx.exec(kGroup);
    tx.exec(kMatchByCode, {started_at, tenant_id});
    bool by_name = false, with_lists = false;
    for (auto& r : rows) {
        by_name = by_name || !r.code;
        with_lists = with_lists || !r.lists.empty();
    }
    if (by_name) tx.exec(kMatchByName, {started_at, tenant_id});
    if (tx.exec(kReject, {static_cast<long long>(remaining)}).affected() > 0) {
        auto r = tx.exec(kRejectedRows);
        for (int i = 0; i < r.rows(); ++i) out.rejected_rows.push_back(static_cast<std::size_t>(r.integer(i, "rn")));
    }
    tx.exec(kInsertVendors, {tenant_id});
    tx.exec(kUpdateVendors);
    out.contacts_added = tx.exec(kUpsertContacts, {tenant_id}).integer(0, "n");
    if (with_lists) {
        tx.exec(kInsertLists, {tenant_id});
        tx.exec(kInsertMembers, {tenant_id});
    }
    auto counts = tx.exec(kCounts);
    out.vendors_created = counts.integer(0, "created");
    out.vendors_updated = counts.integer(0, "updated");
    return out;
}

std::string clock_now(db::Tx& tx) { return tx.exec(kClock).text(0, "now"); }

std::string create_job(db::Tx& tx, const std::string& tenant_id, std::int64_t bytes_total,
                       const std::optional<std::string>& created_by) {
    return tx.exec(kCreateJob, {tenant_id, static_cast<long long>(bytes_total), created_by}).text(0, "id");
}

void progress(db::Tx& tx, const std::string& id, std::int64_t rows, std::int64_t bytes) {
    tx.exec(kProgress, {id, static_cast<long long>(rows), static_cast<long long>(bytes)});
}

void finish(db::Tx& tx, const std::string& id, const std::string& status, const std::optional<std::string>& report_json,
            const std::optional<std::string>& error, std::int64_t rows, std::int64_t bytes) {
    tx.exec(kFinish, {id, status, report_json, error, static_cast<long long>(rows), static_cast<long long>(bytes)});
}

std::optional<ImportJob> find_job(db::Tx& tx, const std::string& id) {
    auto r = tx.exec(kFindJob, {id});
    if (r.empty()) return std::nullopt;
    ImportJob j;
    j.id = r.text(0, "id");
    j.status = r.text(0, "status");
    j.rows_processed = r.integer(0, "rows_processed");
    j.bytes_processed = r.integer(0, "bytes_processed");
    j.bytes_total = r.integer(0, "bytes_total");
    j.report_json = r.opt(0, "report");
    j.error = r.opt(0, "error");
    j.created_at = r.text(0, "created_at");
    j.finished_at = r.opt(0, "finished_at");
    return j;
}

}  // namespace dh::vendors::import_store
