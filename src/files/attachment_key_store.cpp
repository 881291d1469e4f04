#include "files/attachment_key_store.hpp"

namespace dh::files::attachment_key_store {
namespace {

constexpr const char* kKeysOfTenant = R"SQL(
SELECT storage_key FROM attachments WHERE tenant_id = $1::uuid
UNION ALL
SELECT storage_key FROM inbox_attachments WHERE tenant_id = $1::uuid)SQL";

constexpr const char* kTenantExists = "SELECT 1 FROM tenants WHERE id = $1::uuid";

}  // namespace

std::optional<std::unordered_set<std::string>> keys_of_tenant(db::Tx& tx, const std::string& tenant_id) {
    if (tx.exec(kTenantExists, {tenant_id}).empty()) return std::nullopt;
    auto r = tx.exec(kKeysOfTenant, {tenant_id});
    std::unordered_set<std::string> keys;
    keys.reserve(static_cast<std::size_t>(r.rows()));
    for (int i = 0; i < r.rows(); ++i) keys.insert(r.text(i, 0));
    return keys;
}

}  // namespace dh::files::attachment_key_store
