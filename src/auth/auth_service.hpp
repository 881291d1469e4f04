#pragma once
#include <optional>
#include <string>
#include <vector>

#include "auth/auth_store.hpp"
#include "auth/jwt.hpp"
#include "auth/password.hpp"
#include "auth/principal.hpp"
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
    static constexpr int kMaxFailures = 10;

    AuthService(db::Pool& pool, std::string jwt_secret, PasswordCost cost = {});

    /// Email + password (+ tenant slug when the email exists in several tenants). Unknown email and
    /// wrong password get the same answer and take the same time. Throttled per account and address.
    Session login(const std::string& email, const std::string& password, const std::optional<std::string>& tenant_slug,
                  const Origin& origin);
    /// Rotates a refresh token; reusing a rotated one revokes its whole family (RFC 9700 §4.14).
    Session refresh(const std::string& refresh_token, const Origin& origin);
    void logout(const std::string& refresh_token);
    /// The principal of an `Authorization: Bearer` value (JWT or `dh_` API key). Throws 401, or
    /// 403 `tenant_suspended` for a suspended tenant.
    Principal authenticate(const std::string& authorization_header);

    NewApiKey create_api_key(const Principal& creator, const std::string& name, const std::string& role,
                             const Origin& origin);
    std::vector<ApiKeyRow> list_api_keys(const std::string& tenant_id);
    void revoke_api_key(const Principal& caller, const std::string& id, const Origin& origin);

    const PasswordCost& password_cost() const { return cost_; }

private:
    Session issue_session(db::Tx& tx, const tenancy::User& user, const std::string& family_id);
    Principal principal_from_jwt(const AccessClaims& claims);
    Principal principal_from_api_key(const std::string& key);
    void throttle(db::Tx& tx, const std::string& account_key, const std::string& ip_key);

    db::Pool& pool_;
    JwtCodec jwt_;
    PasswordCost cost_;
    std::string dummy_hash_;  ///< verified against when the email is unknown, to equalise timing
};

/// SHA-256 hex of a token (refresh tokens and API keys are stored hashed).
std::string token_hash(const std::string& token);

}  // namespace dh::auth
