#pragma once
#include <optional>
#include <string>
#include <vector>

#include "tenancy/tenant.hpp"

namespace dh::db {
class Tx;
}

namespace dh::tenancy::user_store {

/// Users of the transaction's tenant (RLS), oldest first, keyset after (created_at, id).
std::vector<User> list(db::Tx& tx, int limit, const std::optional<std::string>& after_created,
                       const std::optional<std::string>& after_id);
std::optional<User> by_id(db::Tx& tx, const std::string& id);
User insert(db::Tx& tx, const std::optional<std::string>& tenant_id, const std::string& email, const std::string& name,
            const std::string& role, const std::string& password_hash);
void update(db::Tx& tx, const std::string& id, const std::optional<std::string>& name,
            const std::optional<std::string>& role, const std::optional<std::string>& status,
            const std::optional<std::string>& password_hash);
void remove(db::Tx& tx, const std::string& id);
/// Active tenant admins of the tenant other than `except_id`, locking them (last-admin rule).
long other_active_admins(db::Tx& tx, const std::string& except_id);
/// The tenant's users and its users limit (plan, or override).
struct UserRoom {
    long count = 0;
    long limit = 0;
};
/// Reads the tenant's user count from its counter row (migration 0021) and locks that row until the
/// transaction ends, so two admins adding users at once cannot both take the last place.
UserRoom lock_user_count(db::Tx& tx, const std::string& tenant_id);

}  // namespace dh::tenancy::user_store
