#pragma once
#include <memory>
#include <string>

namespace dh::db {
class Pool;
}
namespace dh::http {
class Router;
}

namespace dh::vendors {

class ListService;
class SuppressionService;

/// Registers the vendor module: /api/v1/vendors (CRUD, contacts, CSV import and export),
/// /api/v1/imports/{id}, /api/v1/lists and /api/v1/suppressions. `data_dir` (DATA_DIR) holds
/// background import files and export temp files. Every route is for tenant members.
void register_vendor_routes(http::Router& router, db::Pool& pool, const std::string& data_dir);

// Parts of the above, one per resource.
void register_list_routes(http::Router& router, std::shared_ptr<ListService> lists);
void register_suppression_routes(http::Router& router, std::shared_ptr<SuppressionService> suppressions);

}  // namespace dh::vendors
