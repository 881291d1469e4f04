#pragma once
#include <optional>
#include <string>
#include <vector>

#include "audit/audit.hpp"

namespace dh::db {
class Tx;
}

namespace dh::audit {

/// One stored audit-log entry, as the viewer shows it.
struct StoredEntry {
    long long id = 0;
    std::optional<std::string> tenant_id, tenant_name;
    std::string actor_type;
    std::optional<std::string> actor_id;
    std::string actor_label, action;
    std::optional<std::string> target_type, target_id, request_id, client_ip;
    std::string details;  ///< JSON object
    std::string created_at;
};

/// Viewer filters; every member optional. `action` matches a prefix ("plan" finds plan.created).
struct Filter {
    std::optional<std::string> tenant_id, actor, action, target_type, target_id, since, until;
    std::optional<long long> before_id;  ///< keyset cursor: entries older than this one
};

namespace audit_store {

/// Appends one entry (empty target, request id and address are stored as NULL).
void insert(db::Tx& tx, const Entry& entry);
/// Newest first; the rows RLS lets the transaction see.
std::vector<StoredEntry> list(db::Tx& tx, const Filter& filter, int limit);

}  // namespace audit_store
}  // namespace dh::audit
