#include "vendors/vendor_store.hpp"

#include <nlohmann/json.hpp>

#include "common/error.hpp"
#include "db/tx.hpp"

namespace dh::vendors::vendor_store {
namespace {

#define DH_TS(col) "to_char(" col " AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')"

#define DH_VENDOR_COLUMNS \
    "v.id, v.name, v.code, v.category, array_to_json(v.tags)::text AS tags, v.status, v.notes, "             \
    "v.custom_fields::text AS custom_fields, " DH_TS("v.created_at") " AS created_at, " DH_TS("v.updated_at") \
    " AS updated_at, (SELECT count(*) FROM vendor_contacts c WHERE c.vendor_id = v.id) AS contact_count "

// $1 q (LIKE pattern), $2 status, $3 tag, $4 list id, $5/$6 keyset position (name, id).
#define DH_VENDOR_FILTER                                                                            \
    " WHERE v.deleted_at IS NULL AND ($1::text IS NULL OR v.name ILIKE $1 OR v.code ILIKE $1"       \
    "   OR EXISTS (SELECT 1 FROM vendor_contacts c WHERE c.vendor_id = v.id AND c.email ILIKE $1))" \
    " AND ($2::text IS NULL OR v.status = $2)"                                                      \
    " AND ($3::text IS NULL OR $3 = ANY (v.tags))"                                                  \
    " AND ($4::uuid IS NULL OR EXISTS (SELECT 1 FROM vendor_list_members m"                         \
    "                                 WHERE m.vendor_id = v.id AND m.list_id = $4))"

// The order a vendor's contacts are answered in: the primary first, then as they were added.
#define DH_CONTACT_ORDER "c.is_primary DESC, c.created_at, c.email"

// Every shard of the tenant's count, locked in shard order as dh_share_vendor_room locks them
// (migration 0025): the exact count, with creators waiting until the import's batch commits.
constexpr const char* kLockCount = R"SQL(
WITH locked AS (
  SELECT c.vendors FROM tenant_vendor_counts c WHERE c.tenant_id = $1::uuid ORDER BY c.shard FOR UPDATE
)
SELECT (SELECT sum(vendors) FROM locked) AS n, l.vendors AS lim FROM effective_limits($1::uuid) l)SQL";

constexpr const char* kFind = "SELECT " DH_VENDOR_COLUMNS " FROM vendors v WHERE v.id = $1 AND v.deleted_at IS NULL";
// A vendor with its contacts and lists (by name), in one statement: a read of the detail is one
// round trip.
constexpr const char* kFindDetail = "SELECT " DH_VENDOR_COLUMNS R"SQL(,
  (SELECT json_agg(json_build_array(c.id, c.name, c.email, c.role, c.is_primary) ORDER BY )SQL" DH_CONTACT_ORDER R"SQL()
     FROM vendor_contacts c WHERE c.vendor_id = v.id)::text AS contacts,
  (SELECT json_agg(json_build_array(l.id, l.name) ORDER BY l.name)
     FROM vendor_list_members m JOIN vendor_lists l ON l.id = m.list_id WHERE m.vendor_id = v.id)::text AS lists
FROM vendors v WHERE v.id = $1 AND v.deleted_at IS NULL)SQL";
constexpr const char* kFindForUpdate =
    "SELECT " DH_VENDOR_COLUMNS " FROM vendors v WHERE v.id = $1 AND v.deleted_at IS NULL FOR UPDATE";

constexpr const char* kList = "SELECT " DH_VENDOR_COLUMNS " FROM vendors v" DH_VENDOR_FILTER
                              " AND (v.name, v.id) > ($5, $6::uuid) ORDER BY v.name, v.id LIMIT $7";

constexpr const char* kExportPage = "SELECT " DH_VENDOR_COLUMNS R"SQL(,
  (SELECT json_agg(json_build_array(c.email, c.name, c.role, c.is_primary) ORDER BY )SQL" DH_CONTACT_ORDER R"SQL()
     FROM vendor_contacts c WHERE c.vendor_id = v.id)::text AS contacts,
  (SELECT json_agg(l.name ORDER BY l.name) FROM vendor_list_members m JOIN vendor_lists l ON l.id = m.list_id
     WHERE m.vendor_id = v.id)::text AS lists
FROM vendors v)SQL" DH_VENDOR_FILTER " AND (v.name, v.id) > ($5, $6::uuid) ORDER BY v.name, v.id LIMIT $7";

constexpr const char* kCustomKeys =
    "SELECT DISTINCT k.key FROM vendors v CROSS JOIN LATERAL jsonb_object_keys(v.custom_fields) AS "
    "k(key)" DH_VENDOR_FILTER " ORDER BY k.key";

// A new vendor and its contacts in one statement. No ON CONFLICT: a used code or two contacts with
// one email raise a unique violation, which aborts the whole round trip (kVendorRoom and COMMIT
// travel with it). The vendors trigger counts the row at the end of this statement, which is when
// the tenant's counter row is locked. $9: [{name, email, role, is_primary}]; the contacts come back
// as JSON in DH_CONTACT_ORDER (one statement: one created_at, so the email decides after the primary).
constexpr const char* kInsertWithContacts = R"SQL(
WITH v AS (
  INSERT INTO vendors AS v (tenant_id, name, code, category, tags, status, notes, custom_fields)
  VALUES ($1, $2, $3, $4, ARRAY(SELECT jsonb_array_elements_text($5::jsonb)), $6, $7, $8::jsonb)
  RETURNING )SQL" DH_VENDOR_COLUMNS R"SQL(
), added AS (
  INSERT INTO vendor_contacts (tenant_id, vendor_id, name, email, role, is_primary)
  SELECT $1, v.id, c.name, c.email, c.role, c.is_primary
  FROM v CROSS JOIN jsonb_to_recordset($9::jsonb) AS c(name text, email text, role text, is_primary boolean)
  RETURNING id, name, email, role, is_primary
)
SELECT v.*, (SELECT json_agg(json_build_array(a.id, a.name, a.email, a.role, a.is_primary)
                             ORDER BY a.is_primary DESC, a.email) FROM added a)::text AS contacts
FROM v)SQL";

// Raises DH409 vendor_limit_reached when the tenant's count, the new vendor included, is over its
// limit (migration 0023).
constexpr const char* kVendorRoom = "SELECT dh_require_vendor_room($1::uuid)";

constexpr const char* kUpdate = R"SQL(
UPDATE vendors SET name = $2, code = $3, category = $4, tags = ARRAY(SELECT jsonb_array_elements_text($5::jsonb)),
  status = $6, notes = $7, custom_fields = $8::jsonb, updated_at = now()
WHERE id = $1 AND NOT EXISTS (SELECT 1 FROM vendors o WHERE o.code = $3 AND o.id <> $1)
)SQL";

// Soft delete: the row stays for the history of earlier dispatches; its code is freed for reuse and
// it leaves every list at once (lists feed new dispatches).
constexpr const char* kDelete = R"SQL(
WITH gone AS (
  UPDATE vendors SET deleted_at = now(), deleted_code = code, code = NULL, updated_at = now()
  WHERE id = $1 AND deleted_at IS NULL RETURNING id
), left_lists AS (
  DELETE FROM vendor_list_members m USING gone WHERE m.vendor_id = gone.id
)
SELECT count(*) AS n FROM gone
)SQL";

constexpr const char* kFindContact =
    "SELECT id, name, email, role, is_primary FROM vendor_contacts WHERE vendor_id = $1 AND id = $2";

constexpr const char* kInsertContact = R"SQL(
INSERT INTO vendor_contacts (tenant_id, vendor_id, name, email, role, is_primary) VALUES ($1, $2, $3, $4, $5, $6)
ON CONFLICT (vendor_id, email) DO NOTHING
RETURNING id, name, email, role, is_primary
)SQL";

constexpr const char* kUpdateContact = R"SQL(
UPDATE vendor_contacts SET name = $3, email = $4, role = $5, is_primary = $6, updated_at = now()
WHERE vendor_id = $1 AND id = $2
  AND NOT EXISTS (SELECT 1 FROM vendor_contacts o WHERE o.vendor_id = $1 AND o.email = $4 AND o.id <> $2)
)SQL";

constexpr const char* kUpsertContact = R"SQL(
INSERT INTO vendor_contacts (tenant_id, vendor_id, name, email, role, is_primary) VALUES ($1, $2, $3, $4, $5, $6)
ON CONFLICT (vendor_id, email) DO UPDATE
SET name = excluded.name, role = excluded.role, is_primary = excluded.is_primary, updated_at = now()
)SQL";

constexpr const char* kDeleteContactsExcept =
    "DELETE FROM vendor_contacts WHERE vendor_id = $1 AND email <> ALL (ARRAY(SELECT "
    "jsonb_array_elements_text($2::jsonb)))";

constexpr const char* kDeleteContact = "DELETE FROM vendor_contacts WHERE vendor_id = $1 AND id = $2";
constexpr const char* kClearPrimary =
    "UPDATE vendor_contacts SET is_primary = false, updated_at = now() WHERE vendor_id = $1 AND is_primary";

constexpr const char* kEnsurePrimary = R"SQL(
UPDATE vendor_contacts SET is_primary = true, updated_at = now()
WHERE id = (SELECT id FROM vendor_contacts WHERE vendor_id = $1 ORDER BY created_at, id LIMIT 1)
  AND NOT EXISTS (SELECT 1 FROM vendor_contacts WHERE vendor_id = $1 AND is_primary)
)SQL";

std::vector<std::string> json_strings(const std::string& text) {
    std::vector<std::string> out;
    auto j = nlohmann::json::parse(text, nullptr, false);
    if (j.is_array())
        for (auto& e : j) out.push_back(e.get<std::string>());
    return out;
}

Vendor vendor_from(const db::Result& r, int i) {
    Vendor v;
    v.id = r.text(i, "id");
    v.name = r.text(i, "name");
    v.code = r.opt(i, "code");
    v.category = r.opt(i, "category");
    v.tags = json_strings(r.text(i, "tags"));
    v.status = r.text(i, "status");
    v.notes = r.opt(i, "notes");
    auto custom = nlohmann::json::parse(r.text(i, "custom_fields"));
    for (auto& [k, val] : custom.items()) v.custom_fields[k] = val.is_string() ? val.get<std::string>() : val.dump();
    v.created_at = r.text(i, "created_at");
    v.updated_at = r.text(i, "updated_at");
    v.contact_count = r.integer(i, "contact_count");
    return v;
}

/// Contacts as kFindDetail and kInsertWithContacts give them: [[id, name, email, role, is_primary], ...].
std::vector<Contact> contacts_from_json(const std::string& text) {
    std::vector<Contact> out;
    for (auto& e : nlohmann::json::parse(text))
        out.push_back({e[0].get<std::string>(), e[1].get<std::string>(), e[2].get<std::string>(),
                       e[3].is_null() ? std::nullopt : std::optional(e[3].get<std::string>()), e[4].get<bool>()});
    return out;
}

Contact contact_from(const db::Result& r, int i) {
    return {r.text(i, "id"), r.text(i, "name"), r.text(i, "email"), r.opt(i, "role"), r.boolean(i, "is_primary")};
}

std::string tags_json(const std::vector<std::string>& tags) {
    return nlohmann::json(tags).dump();
}
std::string custom_json(const std::map<std::string, std::string>& m) {
    return nlohmann::json(m).dump();
}

db::Params filter_params(const VendorFilter& f, const VendorCursor& after) {
    return {f.q,       f.status,   f.tag,
            f.list_id, after.name, after.id.empty() ? "00000000-0000-0000-0000-000000000000" : after.id};
}

Error code_taken() {
    return Error::conflict("vendor_code_taken", "Another vendor already has this code.");
}

Error contact_exists() {
    return Error::conflict("contact_exists", "This vendor already has a contact with this email.");
}

/// True when `e` is the unique violation of `constraint`.
bool violated(const Error& e, std::string_view constraint) {
    auto named = e.extensions().find("constraint");
    return e.code() == "already_exists" && named != e.extensions().end() && std::get_if<std::string>(&named->second) &&
           *std::get_if<std::string>(&named->second) == constraint;
}

}  // namespace

VendorRoom lock_vendor_count(db::Tx& tx, const std::string& tenant_id) {
    auto r = tx.exec(kLockCount, {tenant_id});
    if (r.empty()) return {};  // no such tenant: no room
    return {r.integer(0, "n"), r.integer(0, "lim")};
}

std::optional<Vendor> find(db::Tx& tx, const std::string& id, bool for_update) {
    auto r = tx.exec(for_update ? kFindForUpdate : kFind, {id});
    if (r.empty()) return std::nullopt;
    return vendor_from(r, 0);
}

std::optional<Vendor> find_detail(db::Tx& tx, const std::string& id) {
    auto r = tx.exec(kFindDetail, {id});
    if (r.empty()) return std::nullopt;
    auto v = vendor_from(r, 0);
    if (auto contacts = r.opt(0, "contacts")) v.contacts = contacts_from_json(*contacts);
    if (auto lists = r.opt(0, "lists"))
        for (auto& e : nlohmann::json::parse(*lists))
            v.lists.push_back({e[0].get<std::string>(), e[1].get<std::string>()});
    return v;
}

std::vector<Vendor> list(db::Tx& tx, const VendorFilter& filter, const VendorCursor& after, int limit) {
    auto params = filter_params(filter, after);
    params.emplace_back(limit + 1);
    auto r = tx.exec(kList, params);
    std::vector<Vendor> out;
    for (int i = 0; i < r.rows(); ++i) out.push_back(vendor_from(r, i));
    return out;
}

std::vector<Vendor> export_page(db::Tx& tx, const VendorFilter& filter, const VendorCursor& after, int limit) {
    auto params = filter_params(filter, after);
    params.emplace_back(limit);
    auto r = tx.exec(kExportPage, params);
    std::vector<Vendor> out;
    for (int i = 0; i < r.rows(); ++i) {
        auto v = vendor_from(r, i);
        if (auto c = r.opt(i, "contacts"))
            for (auto& e : nlohmann::json::parse(*c))
                v.contacts.push_back({"", e[1].get<std::string>(), e[0].get<std::string>(),
                                      e[2].is_null() ? std::nullopt : std::optional(e[2].get<std::string>()),
                                      e[3].get<bool>()});
        if (auto l = r.opt(i, "lists"))
            for (auto& name : json_strings(*l)) v.lists.push_back({"", name});
        out.push_back(std::move(v));
    }
    return out;
}

std::vector<std::string> custom_keys(db::Tx& tx, const VendorFilter& f) {
    auto r = tx.exec(kCustomKeys, {f.q, f.status, f.tag, f.list_id});
    std::vector<std::string> out;
    for (int i = 0; i < r.rows(); ++i) out.push_back(r.text(i, "key"));
    return out;
}

Vendor insert_with_contacts(db::Tx& tx, const std::string& tenant_id, const Vendor& v) {
    auto contacts = nlohmann::json::array();
    for (auto& c : v.contacts)
        contacts.push_back({{"name", c.name},
                            {"email", c.email},
                            {"role", c.role ? nlohmann::json(*c.role) : nullptr},
                            {"is_primary", c.primary}});
    try {
        auto r = tx.exec(kInsertWithContacts, {tenant_id, v.name, v.code, v.category, tags_json(v.tags), v.status,
                                               v.notes, custom_json(v.custom_fields), contacts.dump()});
        auto created = vendor_from(r, 0);
        if (auto added = r.opt(0, "contacts")) created.contacts = contacts_from_json(*added);
        created.contact_count = static_cast<std::int64_t>(created.contacts.size());
        return created;
    } catch (const Error& e) {
        if (violated(e, "vendors_tenant_id_code_key")) throw code_taken();
        if (violated(e, "vendor_contacts_vendor_id_email_key")) throw contact_exists();
        throw;
    }
}

db::Statement vendor_room_check(const std::string& tenant_id) {
    return {kVendorRoom, {tenant_id}};
}

void update(db::Tx& tx, const Vendor& v) {
    auto r = tx.exec(kUpdate, {v.id, v.name, v.code, v.category, tags_json(v.tags), v.status, v.notes,
                               custom_json(v.custom_fields)});
    if (r.affected() == 0) throw code_taken();
}

bool remove(db::Tx& tx, const std::string& id) {
    return tx.exec(kDelete, {id}).integer(0, "n") > 0;
}

std::optional<Contact> find_contact(db::Tx& tx, const std::string& vendor_id, const std::string& contact_id) {
    auto r = tx.exec(kFindContact, {vendor_id, contact_id});
    if (r.empty()) return std::nullopt;
    return contact_from(r, 0);
}

Contact insert_contact(db::Tx& tx, const std::string& tenant_id, const std::string& vendor_id, const Contact& c) {
    auto r = tx.exec(kInsertContact, {tenant_id, vendor_id, c.name, c.email, c.role, c.primary});
    if (r.empty()) throw contact_exists();
    return contact_from(r, 0);
}

void update_contact(db::Tx& tx, const std::string& vendor_id, const Contact& c) {
    auto r = tx.exec(kUpdateContact, {vendor_id, c.id, c.name, c.email, c.role, c.primary});
    if (r.affected() == 0) throw contact_exists();
}

bool remove_contact(db::Tx& tx, const std::string& vendor_id, const std::string& contact_id) {
    return tx.exec(kDeleteContact, {vendor_id, contact_id}).affected() > 0;
}

void clear_primary(db::Tx& tx, const std::string& vendor_id) {
    tx.exec(kClearPrimary, {vendor_id});
}

void replace_contacts(db::Tx& tx, const std::string& tenant_id, const std::string& vendor_id,
                      const std::vector<Contact>& contacts) {
    std::vector<std::string> emails;
    for (auto& c : contacts) emails.push_back(c.email);
    tx.exec(kDeleteContactsExcept, {vendor_id, nlohmann::json(emails).dump()});
    clear_primary(tx, vendor_id);  // the one-primary index is not deferrable
    for (auto& c : contacts) tx.exec(kUpsertContact, {tenant_id, vendor_id, c.name, c.email, c.role, c.primary});
}

void ensure_primary(db::Tx& tx, const std::string& vendor_id) {
    tx.exec(kEnsurePrimary, {vendor_id});
}

}  // namespace dh::vendors::vendor_store
