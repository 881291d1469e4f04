#include "auth/jwt.hpp"

#include <openssl/crypto.h>
#include <openssl/hmac.h>

#include <nlohmann/json.hpp>

#include "common/bounded_json.hpp"
#include "common/digest.hpp"
#include "common/random.hpp"

namespace dh::auth {

using digest::base64url;

std::int64_t unix_now() {
    return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

std::string JwtCodec::sign(const std::string& signing_input) const {
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    HMAC(EVP_sha256(), secret_.data(), static_cast<int>(secret_.size()),
         reinterpret_cast<const unsigned char*>(signing_input.data()), signing_input.size(), mac, &len);
    return std::string(reinterpret_cast<char*>(mac), len);
}

std::string JwtCodec::issue(const AccessClaims& c, std::int64_t now) const {
    nlohmann::json payload = {{"iss", kIssuer},
                              {"aud", kAudience},
                              {"sub", c.subject},
                              {"role", c.role},
                              {"typ", "access"},
                              {"iat", now},
                              {"nbf", now},
                              {"exp", now + kAccessTtlSeconds},
                              {"jti", c.token_id.empty() ? random::hex(12) : c.token_id}};
    if (c.tenant_id) payload["tid"] = *c.tenant_id;
    payload["ver"] = c.token_version;
    std::string input = base64url(R"({"alg":"HS256","typ":"JWT"})") + "." + base64url(payload.dump());
    return input + "." + base64url(sign(input));
}

// A token is kept only after its signature was checked, and under its exact bytes: another string
// never finds it. Refusals are not kept, so a flood of bad tokens cannot fill the memo.
std::optional<AccessClaims> JwtCodec::verify(const std::string& token, std::int64_t now) const {
    if (token.size() > 4096) return std::nullopt;
    {
        std::lock_guard lock(verified_mutex_);
        if (auto it = verified_.find(token); it != verified_.end())
            return in_time(it->second, now) ? std::optional(it->second.claims) : std::nullopt;
    }
    auto verified = decode(token);
    if (!verified || !in_time(*verified, now)) return std::nullopt;
    std::lock_guard lock(verified_mutex_);
    if (verified_.size() >= kVerifiedKept) verified_.clear();
    verified_.emplace(token, *verified);
    return verified->claims;
}

bool JwtCodec::in_time(const Verified& v, std::int64_t now) {
    if (now > v.claims.expires_at + kLeewaySeconds) return false;
    if (v.not_before && now + kLeewaySeconds < *v.not_before) return false;
    return now + kLeewaySeconds >= v.claims.issued_at;
}

std::optional<JwtCodec::Verified> JwtCodec::decode(const std::string& token) const {
    auto dot1 = token.find('.');
    auto dot2 = dot1 == std::string::npos ? dot1 : token.find('.', dot1 + 1);
    if (dot2 == std::string::npos || token.find('.', dot2 + 1) != std::string::npos) return std::nullopt;
    auto header_raw = digest::base64url_decode(token.substr(0, dot1));
    auto payload_raw = digest::base64url_decode(token.substr(dot1 + 1, dot2 - dot1 - 1));
    auto signature = digest::base64url_decode(token.substr(dot2 + 1));
    if (!header_raw || !payload_raw || !signature || signature->size() != 32) return std::nullopt;
    auto header = dh::json::parse_or_null(*header_raw).value_or(nlohmann::json());
    // Algorithm pinned: exactly HS256, no key id games, no embedded keys.
    // json::value() would throw on a non-string "alg": compare the member itself.
    if (!header.is_object() || !header.contains("alg") || header["alg"] != "HS256" || header.contains("jwk") ||
        header.contains("jku") || header.contains("x5u") || header.contains("crit"))
        return std::nullopt;
    auto expected = sign(token.substr(0, dot2));
    if (CRYPTO_memcmp(expected.data(), signature->data(), 32) != 0) return std::nullopt;

    auto p = dh::json::parse_or_null(*payload_raw).value_or(nlohmann::json());
    if (!p.is_object()) return std::nullopt;
    auto str = [&](const char* k) {
        return p.contains(k) && p[k].is_string() ? p[k].get<std::string>() : std::string();
    };
    auto num = [&](const char* k) -> std::optional<std::int64_t> {
        if (!p.contains(k) || !p[k].is_number_integer()) return std::nullopt;
        return p[k].get<std::int64_t>();
    };
    if (str("iss") != kIssuer || str("aud") != kAudience || str("typ") != "access" || str("sub").empty())
        return std::nullopt;
    auto exp = num("exp"), iat = num("iat"), nbf = num("nbf");
    if (!exp || !iat) return std::nullopt;
    if (*exp - *iat > kAccessTtlSeconds) return std::nullopt;  // longer-lived tokens were not issued by us
    Verified v;
    AccessClaims& c = v.claims;
    c.subject = str("sub");
    c.role = str("role");
    c.token_id = str("jti");
    c.issued_at = *iat;
    c.expires_at = *exp;
    if (p.contains("tid") && p["tid"].is_string()) c.tenant_id = p["tid"].get<std::string>();
    c.token_version = num("ver").value_or(-1);
    v.not_before = nbf;
    return v;
}

}  // namespace dh::auth
