#pragma once
#include <optional>
#include <string>

namespace dh::db {
class Tx;
}

/// SQL of password change and reset. Reset lookups run in platform scope (the token is not yet tied
/// to a tenant); only hashes of reset tokens are stored.
namespace dh::auth::account_store {

/// Sets the user's password hash (the users trigger ends its access tokens) and revokes all its
/// refresh tokens.
void set_password(db::Tx& tx, const std::string& user_id, const std::string& hash);

void insert_reset(db::Tx& tx, const std::string& tenant_id, const std::string& user_id, const std::string& token_hash,
                  int ttl_seconds);
/// Queues the reset mail as a platform notification to the user (sent by the workers).
void queue_mail(db::Tx& tx, const std::string& tenant_id, const std::string& to, const std::string& to_name,
                const std::string& subject, const std::string& body);

struct ResetRow {
    std::string id, user_id, tenant_id, email;
    bool usable = false;  ///< not used, not expired, the user and tenant active
};
std::optional<ResetRow> reset_for_update(db::Tx& tx, const std::string& token_hash);
/// Marks every open reset token of the user used (the one just redeemed and any older ones).
void close_resets(db::Tx& tx, const std::string& user_id);

}  // namespace dh::auth::account_store
