#pragma once
#include <string>
#include <vector>

namespace dh::db {
class Pool;
}

namespace dh::delivery {

/// Stored rows of one kind holding a header value the message builder refuses (stored before the
/// API checked header values with the builder's rules). Nothing is changed: operators decide.
struct UnsendableRows {
    std::string what;              ///< e.g. "tenants.name"
    std::vector<std::string> ids;  ///< the offending rows' ids
};

/// Every row class with offending rows; empty when all stored header values can be built. Only
/// dispatches that may still send are looked at. Checks the values with mail/header_values.hpp.
std::vector<UnsendableRows> find_unsendable_values(db::Pool& pool);

/// Logs one warning line per row class (count and ids) at start-up.
void warn_about_unsendable_values(db::Pool& pool);

}  // namespace dh::delivery
