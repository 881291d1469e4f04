#pragma once
#include <optional>
#include <string>
#include <vector>

#include "tenancy/tenant.hpp"

namespace dh::db {
class Tx;
class Result;
}  // namespace dh::db

namespace dh::auth {

/// A login candidate: the user and the status of its tenant (none for super admins).
struct Candidate {
    tenancy::User user;
    std::optional<std::string> tenant_status;
    std::optional<std::string> tenant_slug;
    std::int64_t token_version = 0;  ///< access tokens carrying another version are no longer valid
};

struct RefreshRow {
    std::string id, family_id, user_id;
    std::optional<std::string> tenant_id;
    bool expired = false, rotated = false, revoked = false;
};

struct ApiKeyRow {
    std::string id, tenant_id, name, prefix, role, created_at;
    std::optional<std::string> last_used_at, revoked_at, tenant_status;
};

/// SQL of authentication. Lookups by credential run in platform scope (the credential is not yet
/// tied to a tenant); everything else in the tenant's scope.
namespace auth_store {

std::vector<Candidate> login_candidates(db::Tx& tx, const std::string& email, const std::optional<std::string>& slug);
std::optional<Candidate> user_by_id(db::Tx& tx, const std::string& user_id);
void record_failure(db::Tx& tx, const std::string& key);
/// Failures of `key` in the window: count and seconds until the oldest leaves the window.
std::pair<long, long> failures(db::Tx& tx, const std::string& key, int window_seconds);
void clear_failures(db::Tx& tx, const std::string& key);
/// Stamps the sign-in (and stores a rehash); returns the user's token version afterwards (a rehash
/// changes the password hash, which raises it).
std::int64_t record_login(db::Tx& tx, const std::string& user_id, const std::optional<std::string>& new_hash);
/// Ends every access token of the user now (raises its token version).
void end_access_tokens(db::Tx& tx, const std::string& user_id);

void insert_refresh(db::Tx& tx, const std::string& family_id, const std::string& user_id,
                    const std::optional<std::string>& tenant_id, const std::string& token_hash, int ttl_seconds);
std::optional<RefreshRow> refresh_for_update(db::Tx& tx, const std::string& token_hash);
void mark_rotated(db::Tx& tx, const std::string& id);
void revoke_family(db::Tx& tx, const std::string& family_id);

std::optional<ApiKeyRow> api_key_by_hash(db::Tx& tx, const std::string& key_hash);
/// Sets `last_used_at` of the keys whose stored time is older than a minute.
void touch_api_keys(db::Tx& tx, const std::vector<std::string>& ids);
ApiKeyRow insert_api_key(db::Tx& tx, const std::string& tenant_id, const std::string& name, const std::string& prefix,
                         const std::string& key_hash, const std::string& role,
                         const std::optional<std::string>& created_by);
std::vector<ApiKeyRow> list_api_keys(db::Tx& tx);
bool revoke_api_key(db::Tx& tx, const std::string& id);

}  // namespace auth_store
}  // namespace dh::auth
