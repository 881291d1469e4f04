#pragma once
#include <string_view>
#include <vector>

namespace dh::resources {

/// A file compiled into the binary (migrations, OpenAPI fragments).
struct Resource {
    std::string_view path;  ///< relative to the source root, e.g. "migrations/0001_roles.sql"
    std::string_view content;
};

/// Every embedded resource, sorted by path.
const std::vector<Resource>& all();

}  // namespace dh::resources
