#include "audit/audit_service.hpp"

#include "common/error.hpp"
#include "common/strings.hpp"
#include "db/tx.hpp"

namespace dh::audit {
namespace {

void check(const Filter& f) {
    if (f.tenant_id && !strings::is_uuid(*f.tenant_id)) throw Error::invalid_field("tenant_id", "must be a UUID");
}

}  // namespace

std::vector<StoredEntry> AuditService::list_all(const Filter& filter, int limit) {
    check(filter);
    return db::with_tx(pool_, db::Scope::platform(), [&](db::Tx& tx) { return audit_store::list(tx, filter, limit); });
}

std::vector<StoredEntry> AuditService::list_tenant(const std::string& tenant_id, Filter filter, int limit) {
    filter.tenant_id = tenant_id;  // RLS limits the rows anyway; the filter keeps the plan simple
    return db::with_tx(pool_, db::Scope::tenant(tenant_id),
                       [&](db::Tx& tx) { return audit_store::list(tx, filter, limit); });
}

}  // namespace dh::audit
