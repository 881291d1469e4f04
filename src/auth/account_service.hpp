#pragma once
#include <optional>
#include <string>

#include "auth/auth_service.hpp"
#include "auth/password.hpp"
#include "auth/principal.hpp"

namespace dh::db {
class Pool;
}

namespace dh::auth {

/// A signed-in user's own password: change it (with the current one) or reset it by mail. Either
/// ends every session of the user (access tokens through the token version, refresh tokens revoked).
class AccountService {
public:
    static constexpr int kResetTtlSeconds = 3600;
    /// Reset mails per account (email + workspace) in AuthService::kThrottleWindowSeconds; further
    /// requests are answered alike and send nothing.
    static constexpr int kMaxResetRequests = 3;
    /// Wrong current passwords per user in the window before change requests are refused.
    static constexpr int kMaxChangeFailures = 10;

    /// `principals`: what authentication keeps, told of every password this service changes.
    AccountService(db::Pool& pool, PasswordCost cost, PrincipalCache* principals = nullptr);

    /// Users only (an API key has no password). 422 naming current_password or new_password.
    void change_password(const Principal& caller, const std::string& current_password, const std::string& new_password,
                         const Origin& origin);
    /// Queues a reset mail when an active account matches; does the same work otherwise (no oracle:
    /// the answer and its cost do not tell whether the account exists).
    void request_reset(const std::string& email, const std::string& tenant_slug, const Origin& origin);
    /// Error(bad_request, invalid_reset_token) when the token is unknown, used or expired.
    void confirm_reset(const std::string& token, const std::string& new_password, const Origin& origin);

private:
    db::Pool& pool_;
    PasswordCost cost_;
    PrincipalCache* principals_;
};

}  // namespace dh::auth
