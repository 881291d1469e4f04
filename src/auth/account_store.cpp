#include "auth/account_store.hpp"

#include "db/tx.hpp"

namespace dh::auth::account_store {
namespace {

constexpr const char* kSetPassword = "UPDATE users SET password_hash = $2, updated_at = now() WHERE id = $1::uuid";
constexpr const char* kRevokeRefresh =
    "UPDATE refresh_tokens SET revoked_at = now() WHERE user_id = $1::uuid AND revoked_at IS NULL";

constexpr const char* kInsertReset = R"SQL(
INSERT INTO password_resets (tenant_id, user_id, token_hash, expires_at)
VALUES ($1::uuid, $2::uuid, $3, now() + make_interval(secs => $4)))SQL";

constexpr const char* kQueueMail = R"SQL(
INSERT INTO platform_notifications (tenant_id, audience, event, subject, body, recipient, recipient_name)
VALUES ($1::uuid, 'user', 'password_reset', $2, $3, $4, $5))SQL";

constexpr const char* kResetForUpdate = R"SQL(
SELECT r.id, r.user_id, r.tenant_id, u.email,
  r.used_at IS NULL AND r.expires_at > now() AND u.status = 'active' AND t.status = 'active' AS usable
FROM password_resets r JOIN users u ON u.id = r.user_id JOIN tenants t ON t.id = r.tenant_id
WHERE r.token_hash = $1 FOR UPDATE OF r)SQL";

constexpr const char* kCloseResets =
    "UPDATE password_resets SET used_at = now() WHERE user_id = $1::uuid AND used_at IS NULL";

}  // namespace

void set_password(db::Tx& tx, const std::string& user_id, const std::string& hash) {
    tx.exec(kSetPassword, {user_id, hash});
    tx.exec(kRevokeRefresh, {user_id});
}

void insert_reset(db::Tx& tx, const std::string& tenant_id, const std::string& user_id, const std::string& token_hash,
                  int ttl_seconds) {
    tx.exec(kInsertReset, {tenant_id, user_id, token_hash, ttl_seconds});
}

void queue_mail(db::Tx& tx, const std::string& tenant_id, const std::string& to, const std::string& to_name,
                const std::string& subject, const std::string& body) {
    tx.exec(kQueueMail, {tenant_id, subject, body, to, to_name});
}

std::optional<ResetRow> reset_for_update(db::Tx& tx, const std::string& token_hash) {
    auto r = tx.exec(kResetForUpdate, {token_hash});
    if (r.empty()) return std::nullopt;
    return ResetRow{r.text(0, "id"), r.text(0, "user_id"), r.text(0, "tenant_id"), r.text(0, "email"),
                    r.boolean(0, "usable")};
}

void close_resets(db::Tx& tx, const std::string& user_id) {
    tx.exec(kCloseResets, {user_id});
}

}  // namespace dh::auth::account_store
