#pragma once
#include <string>
#include <vector>

#include "audit/audit_store.hpp"

namespace dh::db {
class Pool;
}

namespace dh::audit {

/// The audit-log viewer: all tenants for super admins, one tenant (RLS) for its admins.
class AuditService {
public:
    explicit AuditService(db::Pool& pool) : pool_(pool) {}

    std::vector<StoredEntry> list_all(const Filter& filter, int limit);
    std::vector<StoredEntry> list_tenant(const std::string& tenant_id, Filter filter, int limit);

private:
    db::Pool& pool_;
};

}  // namespace dh::audit
