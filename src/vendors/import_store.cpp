#include "vendors/import_store.hpp"

#include <libpq-fe.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <set>
#include <unordered_map>
#include <unordered_set>

#include "common/error.hpp"
#include "db/tx.hpp"
#include "vendors/vendor_rules.hpp"

namespace dh::vendors::import_store {
namespace {

// Per connection, emptied at every commit. The batch arrives grouped: one import_vendors row per
// vendor key ("c:<code>" or "n:<lower-cased name>"), its contacts and list names keyed alike.
constexpr const char* kTempTables = R"SQL(
SET LOCAL client_min_messages = warning;
CREATE TEMP TABLE IF NOT EXISTS import_vendors (
  vkey text PRIMARY KEY, first_rn bigint NOT NULL, code text, name text NOT NULL, category text, status text,
  tags text, notes text, custom jsonb, lname text GENERATED ALWAYS AS (lower(name)) STORED,
  vendor_id uuid NOT NULL DEFAULT gen_random_uuid(), existing boolean NOT NULL DEFAULT false,
  first_touch boolean NOT NULL DEFAULT false, needs_primary boolean NOT NULL DEFAULT true,
  rejected boolean NOT NULL DEFAULT false, custom_rn bigint
) ON COMMIT DELETE ROWS;
CREATE TEMP TABLE IF NOT EXISTS import_contacts (
  vkey text NOT NULL, email text NOT NULL, name text NOT NULL, role text, first_of_vendor boolean NOT NULL, rn bigint
) ON COMMIT DELETE ROWS;
CREATE TEMP TABLE IF NOT EXISTS import_lists (vkey text NOT NULL, name text NOT NULL) ON COMMIT DELETE ROWS;
)SQL";

constexpr const char* kCopyVendors =
    "COPY import_vendors (vkey, first_rn, code, name, category, status, tags, notes, custom, custom_rn) FROM STDIN";
constexpr const char* kCopyContacts = "COPY import_contacts (vkey, email, name, role, first_of_vendor, rn) FROM STDIN";
constexpr const char* kCopyLists = "COPY import_lists (vkey, name) FROM STDIN";

constexpr const char* kMatchByCode = R"SQL(
UPDATE import_vendors iv SET vendor_id = v.id, existing = true, first_touch = v.updated_at < $1::timestamptz,
  needs_primary = NOT EXISTS (SELECT 1 FROM vendor_contacts c WHERE c.vendor_id = v.id AND c.is_primary)
FROM vendors v WHERE iv.code IS NOT NULL AND v.tenant_id = $2 AND v.code = iv.code
)SQL";

constexpr const char* kMatchByName = R"SQL(
UPDATE import_vendors iv SET vendor_id = m.id, existing = true, first_touch = m.updated_at < $1::timestamptz,
  needs_primary = NOT EXISTS (SELECT 1 FROM vendor_contacts c WHERE c.vendor_id = m.id AND c.is_primary)
FROM (SELECT DISTINCT ON (lower(v.name)) lower(v.name) AS lname, v.id, v.updated_at FROM vendors v
      WHERE v.tenant_id = $2 AND v.deleted_at IS NULL AND lower(v.name) IN (SELECT lname FROM import_vendors WHERE code IS NULL)
      ORDER BY lower(v.name), v.created_at, v.id) m
WHERE iv.code IS NULL AND iv.lname = m.lname
)SQL";

constexpr const char* kReject = R"SQL(
UPDATE import_vendors SET rejected = true WHERE NOT existing AND first_rn IN (
  SELECT first_rn FROM import_vendors WHERE NOT existing ORDER BY first_rn OFFSET greatest($1::bigint, 0))
RETURNING vkey
)SQL";

// The API's per-vendor limits (rules::kMaxContacts, rules::kMaxCustomFields) hold for imports too:
// contacts a vendor cannot take any more are dropped, and custom fields that would push an existing
// vendor past the limit are not merged; each such row is reported (the rest of it still applies).
constexpr const char* kDropContactsOverLimit = R"SQL(
WITH fresh AS (
  SELECT c.vkey, c.email, row_number() OVER (PARTITION BY c.vkey ORDER BY c.rn) AS k,
         CASE WHEN iv.existing THEN (SELECT count(*) FROM vendor_contacts vc WHERE vc.vendor_id = iv.vendor_id) ELSE 0 END AS have
  FROM import_contacts c JOIN import_vendors iv ON iv.vkey = c.vkey
  WHERE NOT iv.rejected AND NOT (iv.existing AND EXISTS (
    SELECT 1 FROM vendor_contacts vc WHERE vc.vendor_id = iv.vendor_id AND vc.email = c.email))
)
DELETE FROM import_contacts c USING fresh f WHERE c.vkey = f.vkey AND c.email = f.email AND f.have + f.k > $1
RETURNING c.rn
)SQL";

constexpr const char* kSkipCustomOverLimit = R"SQL(
UPDATE import_vendors iv SET custom = NULL FROM vendors v
WHERE iv.existing AND v.id = iv.vendor_id AND iv.custom IS NOT NULL
  AND (SELECT count(*) FROM jsonb_object_keys(v.custom_fields || iv.custom)) > $1
RETURNING iv.custom_rn
)SQL";

// What this import is about to create or change, recorded once per vendor and import (the first
// batch that touches a vendor sees it as it was before), so that the import can be undone.
constexpr const char* kRecordChanges = R"SQL(
INSERT INTO import_changes (tenant_id, import_id, vendor_id, created, before)
SELECT $1, $2::uuid, iv.vendor_id, NOT iv.existing,
  CASE WHEN iv.existing THEN (
    SELECT jsonb_build_object('name', v.name, 'category', v.category, 'status', v.status, 'notes', v.notes,
      'tags', to_jsonb(v.tags), 'custom_fields', v.custom_fields,
      'contacts', coalesce((SELECT jsonb_agg(jsonb_build_object('email', c.email, 'name', c.name, 'role', c.role,
                                                                'primary', c.is_primary))
                            FROM vendor_contacts c WHERE c.vendor_id = v.id), '[]'::jsonb),
      'lists', coalesce((SELECT jsonb_agg(m.list_id) FROM vendor_list_members m WHERE m.vendor_id = v.id), '[]'::jsonb))
    FROM vendors v WHERE v.id = iv.vendor_id) END
FROM import_vendors iv WHERE NOT iv.rejected
ON CONFLICT (import_id, vendor_id) DO NOTHING
)SQL";

constexpr const char* kInsertVendors = R"SQL(
INSERT INTO vendors (id, tenant_id, name, code, category, tags, status, notes, custom_fields)
SELECT vendor_id, $1, name, code, category, coalesce(string_to_array(tags, E'\x1f'), '{}'), coalesce(status, 'active'),
       notes, coalesce(custom, '{}'::jsonb)
FROM import_vendors WHERE NOT existing AND NOT rejected
)SQL";

// Counts each vendor once per import: touches after the import started are its own.
constexpr const char* kUpdateVendors = R"SQL(
WITH updated AS (
UPDATE vendors v SET name = iv.name, category = coalesce(iv.category, v.category),
  status = coalesce(iv.status, v.status), notes = coalesce(iv.notes, v.notes),
  tags = v.tags || ARRAY(SELECT t FROM unnest(string_to_array(iv.tags, E'\x1f')) AS t WHERE t <> ALL (v.tags)),
  custom_fields = v.custom_fields || coalesce(iv.custom, '{}'::jsonb), updated_at = now()
FROM import_vendors iv WHERE iv.existing AND v.id = iv.vendor_id
RETURNING iv.first_touch
)
SELECT count(*) FILTER (WHERE first_touch) AS n FROM updated
)SQL";

// Contacts of new vendors cannot conflict: a plain insert (the bulk of a first import).
constexpr const char* kInsertNewContacts = R"SQL(
INSERT INTO vendor_contacts (tenant_id, vendor_id, email, name, role, is_primary)
SELECT $1, iv.vendor_id, c.email, c.name, c.role, c.first_of_vendor
FROM import_contacts c JOIN import_vendors iv ON iv.vkey = c.vkey
WHERE NOT iv.existing AND NOT iv.rejected
)SQL";

// Contacts of existing vendors: new ones are added, known ones get the row's name and role when
// given. The first contact of a vendor without a primary contact becomes primary.
constexpr const char* kUpsertContacts = R"SQL(
WITH rows AS (
  SELECT DISTINCT ON (iv.vendor_id, c.email) iv.vendor_id, c.email, c.name, c.role,
         iv.needs_primary AND c.first_of_vendor AS primary_flag
  FROM import_contacts c JOIN import_vendors iv ON iv.vkey = c.vkey
  WHERE iv.existing
  ORDER BY iv.vendor_id, c.email, iv.first_rn
), added AS (
  INSERT INTO vendor_contacts AS c (tenant_id, vendor_id, email, name, role, is_primary)
  SELECT $1, vendor_id, email, name, role, primary_flag FROM rows
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
SELECT DISTINCT $1::uuid, l.name FROM import_lists l JOIN import_vendors iv ON iv.vkey = l.vkey WHERE NOT iv.rejected
ON CONFLICT (tenant_id, name) DO NOTHING
)SQL";

constexpr const char* kInsertMembers = R"SQL(
INSERT INTO vendor_list_members (tenant_id, list_id, vendor_id)
SELECT DISTINCT $1::uuid, vl.id, iv.vendor_id FROM import_lists l JOIN import_vendors iv ON iv.vkey = l.vkey
JOIN vendor_lists vl ON vl.name = l.name
WHERE NOT iv.rejected
ON CONFLICT (list_id, vendor_id) DO NOTHING
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

// Undo. The job row is locked first, so two undos of one import do not interleave.
constexpr const char* kLockJob = R"SQL(
SELECT status, heartbeat_at < now() - interval '10 minutes' AS stale,
  coalesce(finished_at, heartbeat_at) < now() - make_interval(days => $2) AS expired
FROM import_jobs WHERE id = $1 FOR UPDATE
)SQL";

// Updated vendors get their fields back (unless deleted since).
constexpr const char* kRestoreVendors = R"SQL(
WITH restored AS (
UPDATE vendors v SET name = x.before->>'name', category = x.before->>'category', status = x.before->>'status',
  notes = x.before->>'notes', tags = ARRAY(SELECT jsonb_array_elements_text(x.before->'tags')),
  custom_fields = x.before->'custom_fields', updated_at = now()
FROM import_changes x WHERE x.import_id = $1 AND NOT x.created AND v.id = x.vendor_id AND v.deleted_at IS NULL
RETURNING 1
)
SELECT count(*) AS n FROM restored
)SQL";

// Their contacts: those the import added go, the others get name, role and primary flag back (all
// primary flags are cleared first: the one-primary index is checked row by row).
constexpr const char* kDropAddedContacts = R"SQL(
DELETE FROM vendor_contacts c USING import_changes x
WHERE x.import_id = $1 AND NOT x.created AND c.vendor_id = x.vendor_id
  AND NOT (x.before->'contacts' @> jsonb_build_array(jsonb_build_object('email', c.email)))
)SQL";
constexpr const char* kClearRestoredPrimaries = R"SQL(
UPDATE vendor_contacts c SET is_primary = false FROM import_changes x
WHERE x.import_id = $1 AND NOT x.created AND c.vendor_id = x.vendor_id AND c.is_primary
)SQL";
constexpr const char* kRestoreContacts = R"SQL(
UPDATE vendor_contacts c SET name = e->>'name', role = e->>'role', is_primary = (e->>'primary')::boolean, updated_at = now()
FROM import_changes x CROSS JOIN LATERAL jsonb_array_elements(x.before->'contacts') AS e
WHERE x.import_id = $1 AND NOT x.created AND c.vendor_id = x.vendor_id AND c.email = e->>'email'
)SQL";

// Their list memberships: those the import added go.
constexpr const char* kDropAddedMembers = R"SQL(
DELETE FROM vendor_list_members m USING import_changes x
WHERE x.import_id = $1 AND NOT x.created AND m.vendor_id = x.vendor_id
  AND NOT (x.before->'lists' @> to_jsonb(m.list_id::text))
)SQL";

// Vendors the import created are soft-deleted, as DELETE /vendors/{id} does.
constexpr const char* kDeleteCreated = R"SQL(
WITH gone AS (
  UPDATE vendors v SET deleted_at = now(), deleted_code = v.code, code = NULL, updated_at = now()
  FROM import_changes x WHERE x.import_id = $1 AND x.created AND v.id = x.vendor_id AND v.deleted_at IS NULL
  RETURNING v.id
), left_lists AS (
  DELETE FROM vendor_list_members m USING gone WHERE m.vendor_id = gone.id
)
SELECT count(*) AS n FROM gone
)SQL";

constexpr const char* kMarkUndone =
    "UPDATE import_jobs SET status = 'undone', undone_at = now(), heartbeat_at = now() WHERE id = $1";

/// COPY text format: backslash escapes for the characters that delimit fields and rows.
void copy_field(std::string& out, const std::optional<std::string>& value) {
    if (!value) {
        out.append("\\N");
        return;
    }
    for (char c : *value) {
        switch (c) {
            case '\\':
                out.append("\\\\");
                break;
            case '\t':
                out.append("\\t");
                break;
            case '\n':
                out.append("\\n");
                break;
            case '\r':
                out.append("\\r");
                break;
            default:
                out.push_back(c);
        }
    }
}

void copy_row(std::string& out, std::initializer_list<std::optional<std::string>> fields) {
    bool first = true;
    for (auto& f : fields) {
        if (!first) out.push_back('\t');
        first = false;
        copy_field(out, f);
    }
    out.push_back('\n');
}

std::optional<std::string> joined(const std::vector<std::string>& parts) {
    if (parts.empty()) return std::nullopt;
    std::string out;
    for (std::size_t i = 0; i < parts.size(); ++i) out += (i ? "\x1f" : "") + parts[i];
    return out;
}

/// ASCII lower-casing is enough to group a batch; matching stored names uses SQL lower().
std::string vendor_key(const ImportRow& r) {
    if (r.code) return "c:" + *r.code;
    std::string k = "n:" + r.name;
    for (auto& c : k) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return k;
}

/// The batch as COPY data for the three temporary tables. A vendor's fields come from its first
/// row that has them; contacts are de-duplicated per vendor.
struct CopyData {
    std::string vendors, contacts, lists;
    std::unordered_map<std::string, std::vector<std::size_t>> rows_of;  // vkey -> rows
};

CopyData group(const std::vector<ImportRow>& rows) {
    struct Merged {
        const ImportRow* first;
        std::optional<std::string> category, status, tags, notes, custom;
        std::size_t custom_row = 0;
    };
    CopyData out;
    std::unordered_map<std::string, Merged> vendors;
    std::vector<std::string> order;
    std::set<std::pair<std::string, std::string>> contacts, lists;
    std::unordered_set<std::string> with_contact;
    for (auto& r : rows) {
        auto key = vendor_key(r);
        auto [it, fresh] = vendors.try_emplace(key, Merged{&r, {}, {}, {}, {}, {}, 0});
        if (fresh) order.push_back(key);
        auto& m = it->second;
        if (!m.category) m.category = r.category;
        if (!m.status) m.status = r.status;
        if (!m.tags) m.tags = joined(r.tags);
        if (!m.notes) m.notes = r.notes;
        if (!m.custom && !r.custom.empty()) {
            m.custom = nlohmann::json(r.custom).dump();
            m.custom_row = r.row;
        }
        out.rows_of[key].push_back(r.row);
        if (r.email && contacts.insert({key, *r.email}).second) {
            bool first_of_vendor = with_contact.insert(key).second;
            copy_row(out.contacts, {key, *r.email, r.contact_name.value_or(""), r.role,
                                    std::string(first_of_vendor ? "t" : "f"), std::to_string(r.row)});
        }
        for (auto& l : r.lists)
            if (lists.insert({key, l}).second) copy_row(out.lists, {key, l});
    }
    for (auto& key : order) {
        auto& m = vendors.at(key);
        copy_row(out.vendors, {key, std::to_string(m.first->row), m.first->code, m.first->name, m.category, m.status,
                               m.tags, m.notes, m.custom, std::to_string(m.custom_row)});
    }
    return out;
}

[[noreturn]] void copy_failed(PGconn* conn) {
    throw Error(ErrorKind::internal, "internal", "Internal error.",
                std::string("COPY failed: ") + PQerrorMessage(conn));
}

void copy_in(db::Tx& tx, const char* statement, const std::string& data) {
    if (data.empty()) return;
    PGconn* conn = tx.connection().raw();
    PGresult* res = PQexec(conn, statement);
    bool started = PQresultStatus(res) == PGRES_COPY_IN;
    PQclear(res);
    if (!started) copy_failed(conn);
    bool ok = PQputCopyData(conn, data.data(), static_cast<int>(data.size())) == 1 && PQputCopyEnd(conn, nullptr) == 1;
    while ((res = PQgetResult(conn)) != nullptr) {
        ok = ok && PQresultStatus(res) == PGRES_COMMAND_OK;
        PQclear(res);
    }
    if (!ok) copy_failed(conn);
}

void over_limits(db::Tx& tx, BatchResult& out) {
    const auto contacts = static_cast<long long>(rules::kMaxContacts);
    auto dropped = tx.exec(kDropContactsOverLimit, {contacts});
    for (int i = 0; i < dropped.rows(); ++i)
        out.limit_errors.push_back(
            {static_cast<std::size_t>(dropped.integer(i, "rn")), "email",
             "the vendor would have more than " + std::to_string(contacts) + " contacts; this contact was not added"});
    const auto custom = static_cast<long long>(rules::kMaxCustomFields);
    auto skipped = tx.exec(kSkipCustomOverLimit, {custom});
    for (int i = 0; i < skipped.rows(); ++i)
        out.limit_errors.push_back({static_cast<std::size_t>(skipped.integer(i, "custom_rn")), "custom",
                                    "the vendor would have more than " + std::to_string(custom) +
                                        " custom fields; this row's custom fields were not merged"});
}

}  // namespace

BatchResult apply_batch(db::Tx& tx, const std::string& tenant_id, const std::string& import_id,
                        const std::vector<ImportRow>& rows, const std::string& started_at, std::int64_t remaining) {
    BatchResult out;
    if (rows.empty()) return out;
    auto data = group(rows);
    tx.connection().exec_script(kTempTables);
    copy_in(tx, kCopyVendors, data.vendors);
    copy_in(tx, kCopyContacts, data.contacts);
    copy_in(tx, kCopyLists, data.lists);
    auto existing = tx.exec(kMatchByCode, {started_at, tenant_id}).affected();
    bool by_name = std::any_of(rows.begin(), rows.end(), [](auto& r) { return !r.code; });
    if (by_name) existing += tx.exec(kMatchByName, {started_at, tenant_id}).affected();
    auto rejected = tx.exec(kReject, {static_cast<long long>(remaining)});
    for (int i = 0; i < rejected.rows(); ++i)
        for (auto row : data.rows_of[rejected.text(i, "vkey")]) out.rejected_rows.push_back(row);
    over_limits(tx, out);
    tx.exec(kRecordChanges, {tenant_id, import_id});
    out.vendors_created = tx.exec(kInsertVendors, {tenant_id}).affected();
    out.contacts_added = tx.exec(kInsertNewContacts, {tenant_id}).affected();
    if (existing > 0) {
        out.vendors_updated = tx.exec(kUpdateVendors).integer(0, "n");
        out.contacts_added += tx.exec(kUpsertContacts, {tenant_id}).integer(0, "n");
    }
    if (!data.lists.empty()) {
        tx.exec(kInsertLists, {tenant_id});
        tx.exec(kInsertMembers, {tenant_id});
    }
    return out;
}

std::string clock_now(db::Tx& tx) {
    return tx.exec(kClock).text(0, "now");
}

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

std::optional<UndoState> lock_for_undo(db::Tx& tx, const std::string& id, int window_days) {
    auto r = tx.exec(kLockJob, {id, window_days});
    if (r.empty()) return std::nullopt;
    return UndoState{r.text(0, "status"), r.boolean(0, "stale"), r.boolean(0, "expired")};
}

UndoResult undo(db::Tx& tx, const std::string& id) {
    UndoResult out;
    out.vendors_restored = tx.exec(kRestoreVendors, {id}).integer(0, "n");
    tx.exec(kDropAddedContacts, {id});
    tx.exec(kClearRestoredPrimaries, {id});
    tx.exec(kRestoreContacts, {id});
    tx.exec(kDropAddedMembers, {id});
    out.vendors_deleted = tx.exec(kDeleteCreated, {id}).integer(0, "n");
    tx.exec(kMarkUndone, {id});
    return out;
}

}  // namespace dh::vendors::import_store
