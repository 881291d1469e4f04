#include "vendors/list_store.hpp"

#include <nlohmann/json.hpp>

#include "common/error.hpp"
#include "db/tx.hpp"

namespace dh::vendors::list_store {
namespace {

#define DH_LIST_COLUMNS                                                                             \
    "l.id, l.name, l.description, "                                                                 \
    "(SELECT count(*) FROM vendor_list_members m WHERE m.list_id = l.id) AS member_count, "         \
    "to_char(l.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"') AS created_at, " \
    "to_char(l.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"') AS updated_at "

constexpr const char* kList =
    "SELECT " DH_LIST_COLUMNS
    " FROM vendor_lists l WHERE (l.name, l.id) > ($1, $2::uuid) ORDER BY l.name, l.id LIMIT $3";
constexpr const char* kFind = "SELECT " DH_LIST_COLUMNS " FROM vendor_lists l WHERE l.id = $1";
constexpr const char* kFindForUpdate = "SELECT " DH_LIST_COLUMNS " FROM vendor_lists l WHERE l.id = $1 FOR UPDATE";

constexpr const char* kInsert = R"SQL(
INSERT INTO vendor_lists (tenant_id, name, description) VALUES ($1, $2, $3)
ON CONFLICT (tenant_id, name) DO NOTHING RETURNING id
)SQL";

constexpr const char* kUpdate = R"SQL(
UPDATE vendor_lists SET name = $2, description = $3, updated_at = now()
WHERE id = $1 AND NOT EXISTS (SELECT 1 FROM vendor_lists o WHERE o.name = $2 AND o.id <> $1)
)SQL";

constexpr const char* kDelete = "DELETE FROM vendor_lists WHERE id = $1";

constexpr const char* kMissingVendors = R"SQL(
SELECT i.id FROM jsonb_array_elements_text($1::jsonb) AS i(id)
WHERE NOT EXISTS (SELECT 1 FROM vendors v WHERE v.id = i.id::uuid AND v.deleted_at IS NULL)
)SQL";

// xmax = 0 tells a fresh insert from a conflict that updated the existing member.
constexpr const char* kAddMembers = R"SQL(
WITH added AS (
  INSERT INTO vendor_list_members (tenant_id, list_id, vendor_id, contact_role)
  SELECT $1, $2, v.id, $4 FROM vendors v WHERE v.deleted_at IS NULL AND v.id IN (SELECT i::uuid FROM jsonb_array_elements_text($3::jsonb) AS i)
  ON CONFLICT (list_id, vendor_id) DO UPDATE SET contact_role = excluded.contact_role
  RETURNING (xmax = 0) AS inserted
)
SELECT count(*) FILTER (WHERE inserted) AS n FROM added
)SQL";

constexpr const char* kRemoveMember = "DELETE FROM vendor_list_members WHERE list_id = $1 AND vendor_id = $2";
constexpr const char* kTouch = "UPDATE vendor_lists SET updated_at = now() WHERE id = $1";

VendorList from(const db::Result& r, int i) {
    return {r.text(i, "id"),         r.text(i, "name"),      r.opt(i, "description"), r.integer(i, "member_count"),
            r.text(i, "created_at"), r.text(i, "updated_at")};
}

Error name_taken() {
    return Error::conflict("list_name_taken", "Another list already has this name.");
}

}  // namespace

std::vector<VendorList> list(db::Tx& tx, const std::string& after_name, const std::string& after_id, int limit) {
    auto r =
        tx.exec(kList, {after_name, after_id.empty() ? "00000000-0000-0000-0000-000000000000" : after_id, limit + 1});
    std::vector<VendorList> out;
    for (int i = 0; i < r.rows(); ++i) out.push_back(from(r, i));
    return out;
}

std::optional<VendorList> find(db::Tx& tx, const std::string& id, bool for_update) {
    auto r = tx.exec(for_update ? kFindForUpdate : kFind, {id});
    if (r.empty()) return std::nullopt;
    return from(r, 0);
}

std::string insert(db::Tx& tx, const std::string& tenant_id, const VendorList& list) {
    auto r = tx.exec(kInsert, {tenant_id, list.name, list.description});
    if (r.empty()) throw name_taken();
    return r.text(0, "id");
}

void update(db::Tx& tx, const VendorList& list) {
    if (tx.exec(kUpdate, {list.id, list.name, list.description}).affected() == 0) throw name_taken();
}

bool remove(db::Tx& tx, const std::string& id) {
    return tx.exec(kDelete, {id}).affected() > 0;
}

std::vector<std::string> missing_vendors(db::Tx& tx, const std::vector<std::string>& vendor_ids) {
    auto r = tx.exec(kMissingVendors, {nlohmann::json(vendor_ids).dump()});
    std::vector<std::string> out;
    for (int i = 0; i < r.rows(); ++i) out.push_back(r.text(i, "id"));
    return out;
}

std::int64_t add_members(db::Tx& tx, const std::string& tenant_id, const std::string& list_id,
                         const std::vector<std::string>& vendor_ids, const std::optional<std::string>& contact_role) {
    auto n =
        tx.exec(kAddMembers, {tenant_id, list_id, nlohmann::json(vendor_ids).dump(), contact_role}).integer(0, "n");
    tx.exec(kTouch, {list_id});
    return n;
}

bool remove_member(db::Tx& tx, const std::string& list_id, const std::string& vendor_id) {
    bool removed = tx.exec(kRemoveMember, {list_id, vendor_id}).affected() > 0;
    if (removed) tx.exec(kTouch, {list_id});
    return removed;
}

}  // namespace dh::vendors::list_store
