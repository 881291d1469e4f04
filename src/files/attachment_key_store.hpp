#pragma once
#include <optional>
#include <string>
#include <unordered_set>

#include "db/tx.hpp"

namespace dh::files::attachment_key_store {

/// Every storage key one tenant's rows point at: dispatch attachments and received ones; nullopt
/// when the database has no such tenant (then it is not this database's to judge).
std::optional<std::unordered_set<std::string>> keys_of_tenant(db::Tx& tx, const std::string& tenant_id);

}  // namespace dh::files::attachment_key_store
