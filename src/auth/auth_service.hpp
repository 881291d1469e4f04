#pragma once
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "auth/auth_store.hpp"
#include "auth/jwt.hpp"
#include "auth/key_use_recorder.hpp"
#include "auth/password.hpp"
#include "auth/principal.hpp"
#include "auth/principal_cache.hpp"
#include "tenancy/tenant.hpp"

namespace dh::db {
class Pool;
}

namespace dh::auth {

/// Where a call comes from, for throttling and the audit log.
struct Origin {
    std::string client_ip;
    std::string request_id;
};

struct Session {
    std::string access_token;
    int expires_in = JwtCodec::kAccessTtlSeconds;
    std::string refresh_token;
    tenancy::User user;
};

struct NewApiKey {
    ApiKeyRow row;
    std::string secret;  ///< shown once
};

/// Sign-in, token rotation, and turning credentials into principals.
class AuthService {
public:
    static constexpr int kRefreshTtlSeconds = 30 * 24 * 3600;
    static constexpr int kThrottleWindowSeconds = 15 * 60;
    /// Failures of one account (email + workspace) before its sign-ins are refused for the window.
    static constexpr int kMaxAccountFailures = 10;
    /// Failures from one client address, over all accounts, before that address is refused: high,
    /// because many users share an address behind NAT; it stops password spraying, not a typo.
    static constexpr int kMaxAddressFailures = 100;

    /// `count_password_verification` is called once per password hash verified (a metric).
    /// `cache`: where principals are kept between requests (none: each request reads them).
    AuthService(db::Pool& pool, std::string jwt_secret, PasswordCost cost = {},
                std::function<void()> count_password_verification = {}, PrincipalCache* cache = nullptr);

    /// Email + password (+ tenant slug when the email exists in several tenants). Unknown email and
    /// wrong password get the same answer and cost the same work (one password verification).
    /// Throttled per account and, with a much higher limit, per client address.
    Session login(const std::string& email, const std::string& password, const std::optional<std::string>& tenant_slug,
                  const Origin& origin);
    /// Rotates a refresh token; reusing a rotated one revokes its whole family (RFC 9700 §4.14).
    Session refresh(const std::string& refresh_token, const Origin& origin);
    void logout(const std::string& refresh_token);
    /// The principal of an `Authorization: Bearer` value (JWT or `dh_` API key). Throws 401, or
    /// 403 `tenant_suspended` for a suspended tenant. An access token whose token version is not
    /// the user's current one (password, role or status changed, tenant suspended, refresh token
    /// reused since it was issued) is refused at once.
    Principal authenticate(const std::string& authorization_header);

    NewApiKey create_api_key(const Principal& creator, const std::string& name, const std::string& role,
                             const Origin& origin);
    std::vector<ApiKeyRow> list_api_keys(const std::string& tenant_id);
    void revoke_api_key(const Principal& caller, const std::string& id, const Origin& origin);

    const PasswordCost& password_cost() const { return cost_; }

private:
    Session issue_session(db::Tx& tx, const tenancy::User& user, std::int64_t token_version,
                          const std::string& family_id);
    bool verify(const std::string& hash, const std::string& password);
    Principal principal_from_jwt(const AccessClaims& claims);
    /// The user of a token with its tenant's status: from the cache when it holds the token's
    /// version, else read (and kept).
    std::optional<Candidate> token_user(const std::string& user_id, std::int64_t token_version);
    /// Drops what the cache holds of `user_id`; called after a commit that changed the user.
    void forget_user(const std::string& user_id);
    Principal principal_from_api_key(const std::string& key);
    void throttle(db::Tx& tx, const std::string& key, int max_failures);

    db::Pool& pool_;
    JwtCodec jwt_;
    PasswordCost cost_;
    std::string dummy_hash_;  ///< verified against when the email is unknown, to equalise timing
    std::function<void()> count_password_verification_;
    PrincipalCache* cache_;
    KeyUseRecorder key_uses_;  ///< last in the class: its thread stops first
};

/// SHA-256 hex of a token (refresh tokens and API keys are stored hashed).
std::string token_hash(const std::string& token);

}  // namespace dh::auth
