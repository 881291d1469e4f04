#pragma once
#include <optional>
#include <string>
#include <vector>

#include "vendors/vendor.hpp"

namespace dh::db {
class Tx;
}

/// SQL of vendor lists and their members (tenant scope of the caller's transaction).
namespace dh::vendors::list_store {

/// Up to `limit` + 1 lists in (name, id) order after the given position.
std::vector<VendorList> list(db::Tx& tx, const std::string& after_name, const std::string& after_id, int limit);
std::optional<VendorList> find(db::Tx& tx, const std::string& id, bool for_update = false);
/// Error(conflict, list_name_taken) when the name is used.
std::string insert(db::Tx& tx, const std::string& tenant_id, const VendorList& list);
void update(db::Tx& tx, const VendorList& list);
bool remove(db::Tx& tx, const std::string& id);
/// Ids among `vendor_ids` that name no vendor of the tenant.
std::vector<std::string> missing_vendors(db::Tx& tx, const std::vector<std::string>& vendor_ids);
/// Adds (or re-targets the contact role of) members; returns how many were not members before.
std::int64_t add_members(db::Tx& tx, const std::string& tenant_id, const std::string& list_id,
                         const std::vector<std::string>& vendor_ids, const std::optional<std::string>& contact_role);
bool remove_member(db::Tx& tx, const std::string& list_id, const std::string& vendor_id);

}  // namespace dh::vendors::list_store
