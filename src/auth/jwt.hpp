#pragma once
#include <chrono>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

namespace dh::auth {

/// Claims of a DispatchHub access token.
struct AccessClaims {
    std::string subject;                   ///< user id
    std::optional<std::string> tenant_id;  ///< `tid`; absent for super admins
    std::string role;
    std::string token_id;  ///< `jti`
    std::int64_t issued_at = 0;
    std::int64_t expires_at = 0;
    std::int64_t token_version = -1;  ///< `ver`: the user's token version at issue; -1 when absent
};

/// HS256 JWTs with the algorithm pinned: the header must say exactly {"alg":"HS256"}; `none`, RS*,
/// ES* and anything else are refused before any signature work (no key confusion possible).
class JwtCodec {
public:
    static constexpr const char* kIssuer = "dispatchhub";
    static constexpr const char* kAudience = "dispatchhub-api";
    static constexpr int kLeewaySeconds = 60;
    static constexpr int kAccessTtlSeconds = 900;

    /// Tokens verified lately, kept so that a session's next request skips decoding, parsing and
    /// the signature; at most this many (then the memo starts again).
    static constexpr std::size_t kVerifiedKept = 4096;

    explicit JwtCodec(std::string secret) : secret_(std::move(secret)) {}

    /// A signed access token (typ "access", exp = now + 15 min).
    std::string issue(const AccessClaims& claims, std::int64_t now_unix) const;
    /// The claims of a valid access token, or nullopt for anything else (never throws on bad input).
    std::optional<AccessClaims> verify(const std::string& token, std::int64_t now_unix) const;

private:
    /// What a token's bytes alone decide is decided once; its times are checked on every use.
    struct Verified {
        AccessClaims claims;
        std::optional<std::int64_t> not_before;
    };
    std::optional<Verified> decode(const std::string& token) const;
    static bool in_time(const Verified& v, std::int64_t now);
    std::string sign(const std::string& signing_input) const;
    std::string secret_;
    mutable std::mutex verified_mutex_;
    mutable std::unordered_map<std::string, Verified> verified_;  ///< keyed by the whole token, signature included
};

std::int64_t unix_now();

}  // namespace dh::auth
