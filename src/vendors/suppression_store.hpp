#pragma once
#include <optional>
#include <string>
#include <vector>

#include "vendors/vendor.hpp"

namespace dh::db {
class Tx;
}

/// SQL of the per-tenant suppression list (tenant scope of the caller's transaction).
namespace dh::vendors::suppression_store {

/// Up to `limit` + 1 entries in address order after `after`; `pattern` (LIKE) filters addresses.
std::vector<Suppression> list(db::Tx& tx, const std::optional<std::string>& pattern,
                              const std::optional<std::string>& reason, const std::string& after, int limit);
std::optional<Suppression> find_by_id(db::Tx& tx, const std::string& id);
std::optional<Suppression> find_by_address(db::Tx& tx, const std::string& address);
/// nullopt when the address is already suppressed.
std::optional<Suppression> insert(db::Tx& tx, const std::string& tenant_id, const Suppression& s);
bool remove(db::Tx& tx, const std::string& id);
/// True when `address`, or its whole domain, is on the list (any letter case): the check senders use.
bool is_suppressed(db::Tx& tx, const std::string& address);

}  // namespace dh::vendors::suppression_store
