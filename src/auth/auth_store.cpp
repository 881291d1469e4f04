#include "auth/auth_store.hpp"

#include "db/arrays.hpp"
#include "db/tx.hpp"
#include "tenancy/user_row.hpp"

namespace dh::auth::auth_store {
namespace {

constexpr const char* kUserColumns =
    "u.id, u.tenant_id, u.email, u.name, u.role, u.status, u.password_hash, "
    "to_char(u.last_login_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') AS last_login_at, "
    "to_char(u.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') AS created_at, "
    "to_char(u.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') AS updated_at";

const std::string kCandidates =
    std::string("SELECT ") + kUserColumns + R"SQL(, u.token_version, t.status AS tenant_status, t.slug AS tenant_slug
FROM users u LEFT JOIN tenants t ON t.id = u.tenant_id
WHERE u.email = $1 AND ($2::text IS NULL OR t.slug = $2 OR (u.tenant_id IS NULL AND $2 = ''))
ORDER BY u.created_at LIMIT 20)SQL";

const std::string kUserById =
    std::string("SELECT ") + kUserColumns + R"SQL(, u.token_version, t.status AS tenant_status, t.slug AS tenant_slug
FROM users u LEFT JOIN tenants t ON t.id = u.tenant_id WHERE u.id = $1::uuid)SQL";

constexpr const char* kRecordFailure = "INSERT INTO login_failures (key) VALUES ($1)";
constexpr const char* kFailures = R"SQL(
SELECT count(*) AS n,
       coalesce(ceil(extract(epoch FROM (min(failed_at) + make_interval(secs => $2) - now()))), 0)::bigint AS wait
FROM login_failures WHERE key = $1 AND failed_at > now() - make_interval(secs => $2))SQL";
constexpr const char* kPruneFailures = "DELETE FROM login_failures WHERE failed_at < now() - interval '1 day'";
constexpr const char* kClearFailures = "DELETE FROM login_failures WHERE key = $1";
constexpr const char* kRecordLogin = R"SQL(
UPDATE users SET last_login_at = now(), password_hash = coalesce($2, password_hash),
                 updated_at = CASE WHEN $2 IS NULL THEN updated_at ELSE now() END
WHERE id = $1::uuid RETURNING token_version)SQL";
constexpr const char* kEndAccessTokens = "UPDATE users SET token_version = token_version + 1 WHERE id = $1::uuid";

constexpr const char* kInsertRefresh = R"SQL(
INSERT INTO refresh_tokens (family_id, user_id, tenant_id, token_hash, expires_at)
VALUES ($1::uuid, $2::uuid, $3::uuid, $4, now() + make_interval(secs => $5)))SQL";
constexpr const char* kRefreshForUpdate = R"SQL(
SELECT id, family_id, user_id, tenant_id, expires_at < now() AS expired, rotated_at IS NOT NULL AS rotated,
       revoked_at IS NOT NULL AS revoked
FROM refresh_tokens WHERE token_hash = $1 FOR UPDATE)SQL";
constexpr const char* kMarkRotated = "UPDATE refresh_tokens SET rotated_at = now() WHERE id = $1::uuid";
constexpr const char* kRevokeFamily =
    "UPDATE refresh_tokens SET revoked_at = coalesce(revoked_at, now()) WHERE family_id = $1::uuid";

constexpr const char* kApiKeyColumns =
    "k.id, k.tenant_id, k.name, k.prefix, k.role, "
    "to_char(k.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') AS created_at, "
    "to_char(k.last_used_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') AS last_used_at, "
    "to_char(k.revoked_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') AS revoked_at";
const std::string kApiKeyByHash = std::string("SELECT ") + kApiKeyColumns +
                                  ", t.status AS tenant_status FROM api_keys k JOIN tenants t ON t.id = k.tenant_id "
                                  "WHERE k.key_hash = $1";
// Written at most once a minute per key: a busy ERP must not turn every request into a write.
constexpr const char* kTouchApiKeys =
    "UPDATE api_keys SET last_used_at = now() WHERE id = ANY ($1::uuid[]) "
    "AND (last_used_at IS NULL OR last_used_at < now() - interval '60 seconds')";
const std::string kInsertApiKey = std::string(R"SQL(
WITH k AS (INSERT INTO api_keys (tenant_id, name, prefix, key_hash, role, created_by)
           VALUES ($1::uuid, $2, $3, $4, $5, $6::uuid) RETURNING *)
SELECT )SQL") + kApiKeyColumns + ", NULL AS tenant_status FROM k";
const std::string kListApiKeys = std::string("SELECT ") + kApiKeyColumns +
                                 ", NULL AS tenant_status FROM api_keys k ORDER BY k.created_at DESC LIMIT 500";
constexpr const char* kRevokeApiKey =
    "UPDATE api_keys SET revoked_at = now() WHERE id = $1::uuid AND revoked_at IS NULL";

ApiKeyRow api_key_from_row(const db::Result& r, int i) {
    return {r.text(i, "id"),          r.text(i, "tenant_id"), r.text(i, "name"),
            r.text(i, "prefix"),      r.text(i, "role"),      r.text(i, "created_at"),
            r.opt(i, "last_used_at"), r.opt(i, "revoked_at"), r.opt(i, "tenant_status")};
}

Candidate candidate_from_row(const db::Result& r, int i) {
    return {tenancy::user_from_row(r, i), r.opt(i, "tenant_status"), r.opt(i, "tenant_slug"),
            r.integer(i, "token_version")};
}

}  // namespace

std::vector<Candidate> login_candidates(db::Tx& tx, const std::string& email, const std::optional<std::string>& slug) {
    auto r = tx.exec(kCandidates, {email, slug});
    std::vector<Candidate> out;
    for (int i = 0; i < r.rows(); ++i) out.push_back(candidate_from_row(r, i));
    return out;
}

std::optional<Candidate> user_by_id(db::Tx& tx, const std::string& user_id) {
    auto r = tx.exec(kUserById, {user_id});
    if (r.empty()) return std::nullopt;
    return candidate_from_row(r, 0);
}

void record_failure(db::Tx& tx, const std::string& key) {
    tx.exec(kRecordFailure, {key});
    tx.exec(kPruneFailures);
}

std::pair<long, long> failures(db::Tx& tx, const std::string& key, int window_seconds) {
    auto r = tx.exec(kFailures, {key, window_seconds});
    return {static_cast<long>(r.integer(0, "n")), static_cast<long>(r.integer(0, "wait"))};
}

void clear_failures(db::Tx& tx, const std::string& key) {
    tx.exec(kClearFailures, {key});
}

std::int64_t record_login(db::Tx& tx, const std::string& user_id, const std::optional<std::string>& new_hash) {
    return tx.exec(kRecordLogin, {user_id, new_hash}).integer(0, "token_version");
}

void end_access_tokens(db::Tx& tx, const std::string& user_id) {
    tx.exec(kEndAccessTokens, {user_id});
}

void insert_refresh(db::Tx& tx, const std::string& family_id, const std::string& user_id,
                    const std::optional<std::string>& tenant_id, const std::string& token_hash, int ttl_seconds) {
    tx.exec(kInsertRefresh, {family_id, user_id, tenant_id, token_hash, ttl_seconds});
}

std::optional<RefreshRow> refresh_for_update(db::Tx& tx, const std::string& token_hash) {
    auto r = tx.exec(kRefreshForUpdate, {token_hash});
    if (r.empty()) return std::nullopt;
    return RefreshRow{r.text(0, "id"),         r.text(0, "family_id"),  r.text(0, "user_id"),   r.opt(0, "tenant_id"),
                      r.boolean(0, "expired"), r.boolean(0, "rotated"), r.boolean(0, "revoked")};
}

void mark_rotated(db::Tx& tx, const std::string& id) {
    tx.exec(kMarkRotated, {id});
}
void revoke_family(db::Tx& tx, const std::string& family_id) {
    tx.exec(kRevokeFamily, {family_id});
}

std::optional<ApiKeyRow> api_key_by_hash(db::Tx& tx, const std::string& key_hash) {
    auto r = tx.exec(kApiKeyByHash, {key_hash});
    if (r.empty()) return std::nullopt;
    return api_key_from_row(r, 0);
}

void touch_api_keys(db::Tx& tx, const std::vector<std::string>& ids) {
    tx.exec(kTouchApiKeys, {db::text_array(ids)});
}

ApiKeyRow insert_api_key(db::Tx& tx, const std::string& tenant_id, const std::string& name, const std::string& prefix,
                         const std::string& key_hash, const std::string& role,
                         const std::optional<std::string>& created_by) {
    auto r = tx.exec(kInsertApiKey, {tenant_id, name, prefix, key_hash, role, created_by});
    return api_key_from_row(r, 0);
}

std::vector<ApiKeyRow> list_api_keys(db::Tx& tx) {
    auto r = tx.exec(kListApiKeys);
    std::vector<ApiKeyRow> out;
    for (int i = 0; i < r.rows(); ++i) out.push_back(api_key_from_row(r, i));
    return out;
}

bool revoke_api_key(db::Tx& tx, const std::string& id) {
    return tx.exec(kRevokeApiKey, {id}).affected() == 1;
}

}  // namespace dh::auth::auth_store
