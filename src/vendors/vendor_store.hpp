#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "db/connection.hpp"
#include "vendors/vendor.hpp"

namespace dh::db {
class Tx;
}

/// SQL of vendors and contacts. Every function runs in the caller's transaction, whose tenant
/// scope (row-level security) decides which rows exist.
namespace dh::vendors::vendor_store {

/// The tenant's live vendors and its vendor limit (its override, else its plan's).
struct VendorRoom {
    std::int64_t count = 0;
    std::int64_t limit = 0;
};
/// Reads the tenant's vendor count from its counter rows (migration 0025) and locks them until the
/// transaction ends (a batch of an import): creators wait for it, and the check costs the same at
/// any size.
VendorRoom lock_vendor_count(db::Tx& tx, const std::string& tenant_id);

std::optional<Vendor> find(db::Tx& tx, const std::string& id, bool for_update = false);
/// The vendor with its contacts and lists.
std::optional<Vendor> find_detail(db::Tx& tx, const std::string& id);
/// One page in (name, id) order after `after`, `limit` + 1 rows at most (the extra one says more exist).
std::vector<Vendor> list(db::Tx& tx, const VendorFilter& filter, const VendorCursor& after, int limit);
/// Like list() and with contacts and list names filled, for the export.
std::vector<Vendor> export_page(db::Tx& tx, const VendorFilter& filter, const VendorCursor& after, int limit);
/// Keys of custom fields used by the vendors matching `filter`, sorted.
std::vector<std::string> custom_keys(db::Tx& tx, const VendorFilter& filter);

/// Inserts `v` and its contacts in one statement; answers the vendor as stored, with its contacts in
/// find_detail()'s order. Error(conflict, vendor_code_taken) on a used code, (conflict,
/// contact_exists) when two contacts share an email.
Vendor insert_with_contacts(db::Tx& tx, const std::string& tenant_id, const Vendor& v);
/// The check to run before COMMIT when a vendor was added (db::Tx::check_before_commit): it raises
/// Error(conflict, vendor_limit_reached) with the problem's `limit` when the tenant's live vendors, the
/// new one counted, exceed its limit.
db::Statement vendor_room_check(const std::string& tenant_id);
/// Writes all fields of `v`. Error(conflict, vendor_code_taken) on a used code.
void update(db::Tx& tx, const Vendor& v);
bool remove(db::Tx& tx, const std::string& id);

std::optional<Contact> find_contact(db::Tx& tx, const std::string& vendor_id, const std::string& contact_id);
/// Error(conflict, contact_exists) when the vendor already has this email.
Contact insert_contact(db::Tx& tx, const std::string& tenant_id, const std::string& vendor_id, const Contact& c);
void update_contact(db::Tx& tx, const std::string& vendor_id, const Contact& c);
bool remove_contact(db::Tx& tx, const std::string& vendor_id, const std::string& contact_id);
void clear_primary(db::Tx& tx, const std::string& vendor_id);
/// Makes the vendor's contacts exactly `contacts` (matched by email, ids kept).
void replace_contacts(db::Tx& tx, const std::string& tenant_id, const std::string& vendor_id,
                      const std::vector<Contact>& contacts);
/// When a vendor has contacts but none is primary, the oldest becomes primary.
void ensure_primary(db::Tx& tx, const std::string& vendor_id);

}  // namespace dh::vendors::vendor_store
