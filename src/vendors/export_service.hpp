#pragma once
#include <string>

#include "vendors/vendor.hpp"

namespace dh::db {
class Pool;
}

namespace dh::vendors {

/// Writes the vendors matching `filter` as CSV (the import's columns; one row per contact, one
/// row for a vendor without contacts) to a new file under `dir`, reading the database in keyset
/// pages so that neither the process nor the response holds the whole export. Returns the path;
/// the caller sends and deletes it. Cells that spreadsheets would evaluate are neutralized.
std::string export_vendors_csv(db::Pool& pool, const std::string& tenant_id, const VendorFilter& filter,
                               const std::string& dir);

}  // namespace dh::vendors
