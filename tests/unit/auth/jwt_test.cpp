#include "auth/jwt.hpp"

#include <gtest/gtest.h>
#include <openssl/hmac.h>
#include <sodium.h>

#include <nlohmann/json.hpp>

namespace dh::auth {
namespace {

const std::string kKey = "0123456789abcdef0123456789abcdef-unit";
constexpr std::int64_t kNow = 1'800'000'000;

std::string b64(const std::string& s) {
    std::string out(sodium_base64_ENCODED_LEN(s.size(), sodium_base64_VARIANT_URLSAFE_NO_PADDING), '\0');
    sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(s.data()), s.size(),
                      sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    out.resize(std::strlen(out.c_str()));
    return out;
}

std::string hs256(const std::string& key, const std::string& input) {
    unsigned char mac[32];
    unsigned int len = 0;
    HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(input.data()),
         input.size(), mac, &len);
    return std::string(reinterpret_cast<char*>(mac), len);
}

/// A token with arbitrary header and payload, signed with `key` (empty key: no signature).
std::string forge(const nlohmann::json& header, const nlohmann::json& payload, const std::string& key) {
    std::string input = b64(header.dump()) + "." + b64(payload.dump());
    return input + "." + (key.empty() ? "" : b64(hs256(key, input)));
}

nlohmann::json good_payload() {
    return {{"iss", "dispatchhub"},
            {"aud", "dispatchhub-api"},
            {"sub", "u1"},
            {"tid", "t1"},
            {"role", "tenant_admin"},
            {"typ", "access"},
            {"iat", kNow},
            {"nbf", kNow},
            {"exp", kNow + 900},
            {"jti", "j"}};
}

const nlohmann::json kHeader = {{"alg", "HS256"}, {"typ", "JWT"}};

TEST(Jwt, IssuedTokenVerifies) {
    JwtCodec codec(kKey);
    auto token = codec.issue({"u1", std::string("t1"), "tenant_admin", "", 0, 0}, kNow);
    auto claims = codec.verify(token, kNow + 10);
    ASSERT_TRUE(claims);
    EXPECT_EQ(claims->subject, "u1");
    EXPECT_EQ(claims->tenant_id, "t1");
    EXPECT_EQ(claims->role, "tenant_admin");
    EXPECT_LE(claims->expires_at - claims->issued_at, 900);
    EXPECT_TRUE(codec.verify(forge(kHeader, good_payload(), kKey), kNow));
}

TEST(Jwt, CarriesTheUsersTokenVersion) {
    JwtCodec codec(kKey);
    auto claims = codec.verify(codec.issue({"u1", std::string("t1"), "tenant_admin", "", 0, 0, 7}, kNow), kNow);
    ASSERT_TRUE(claims);
    EXPECT_EQ(claims->token_version, 7);
    // A token without `ver` (issued before versions existed) matches no stored version.
    auto old = codec.verify(forge(kHeader, good_payload(), kKey), kNow);
    ASSERT_TRUE(old);
    EXPECT_EQ(old->token_version, -1);
}

TEST(Jwt, RefusesEveryForgery) {
    JwtCodec codec(kKey);
    auto p = good_payload();
    EXPECT_FALSE(codec.verify(forge({{"alg", "none"}}, p, ""), kNow)) << "alg none";
    EXPECT_FALSE(codec.verify(forge({{"alg", "none"}}, p, kKey), kNow)) << "alg none with a signature";
    EXPECT_FALSE(codec.verify(forge({{"alg", "HS512"}}, p, kKey), kNow));
    EXPECT_FALSE(codec.verify(forge({{"alg", "RS256"}}, p, kKey), kNow)) << "HS/RS confusion";
    EXPECT_FALSE(codec.verify(forge(kHeader, p, "another-key-another-key-another-key"), kNow)) << "wrong key";
    auto token = forge(kHeader, p, kKey);
    auto tampered = p;
    tampered["role"] = "super_admin";
    auto dot = token.rfind('.');
    EXPECT_FALSE(codec.verify(b64(kHeader.dump()) + "." + b64(tampered.dump()) + token.substr(dot), kNow))
        << "tampered";
    EXPECT_FALSE(codec.verify(token.substr(0, dot + 1), kNow)) << "signature stripped";
    EXPECT_FALSE(codec.verify(token + "x", kNow));
    EXPECT_FALSE(codec.verify("a.b", kNow));
    EXPECT_FALSE(codec.verify("", kNow));
}

// Found by jwt_fuzz: a header whose "alg" is not a string made verify() throw (a 500) instead of
// refusing the token.
TEST(Jwt, RefusesNonStringAlgorithmWithoutThrowing) {
    JwtCodec codec(kKey);
    auto p = good_payload();
    for (const auto& alg : {nlohmann::json(1), nlohmann::json(nullptr), nlohmann::json::array({"HS256"}),
                            nlohmann::json::object({{"HS256", true}}), nlohmann::json(true)}) {
        nlohmann::json header = {{"alg", alg}, {"typ", "JWT"}};
        EXPECT_NO_THROW(EXPECT_FALSE(codec.verify(forge(header, p, kKey), kNow))) << header.dump();
    }
}

TEST(Jwt, ChecksTimeAudienceIssuerAndType) {
    JwtCodec codec(kKey);
    auto with = [&](const std::string& k, const nlohmann::json& v) {
        auto p = good_payload();
        p[k] = v;
        return forge(kHeader, p, kKey);
    };
    EXPECT_FALSE(codec.verify(forge(kHeader, good_payload(), kKey), kNow + 900 + 61)) << "expired beyond leeway";
    EXPECT_TRUE(codec.verify(forge(kHeader, good_payload(), kKey), kNow + 900 + 59)) << "within leeway";
    EXPECT_FALSE(codec.verify(with("nbf", kNow + 3600), kNow)) << "not yet valid";
    EXPECT_FALSE(codec.verify(with("aud", "other"), kNow));
    EXPECT_FALSE(codec.verify(with("iss", "other"), kNow));
    EXPECT_FALSE(codec.verify(with("typ", "refresh"), kNow)) << "a refresh token is not an access token";
    EXPECT_FALSE(codec.verify(with("exp", kNow + 86400), kNow)) << "longer-lived than we issue";
    EXPECT_FALSE(codec.verify(with("exp", "soon"), kNow));
}

// verify() keeps the tokens it accepted; a kept token is still refused once its time is over (or
// before it has begun), and a kept token's tampered copy is a different string and fails afresh.
TEST(Jwt, AKeptTokenIsStillCheckedForTime) {
    JwtCodec codec(kKey);
    auto p = good_payload();
    p["nbf"] = kNow + 100;
    auto token = forge(kHeader, p, kKey);
    ASSERT_TRUE(codec.verify(token, kNow + 100));  // now kept
    EXPECT_TRUE(codec.verify(token, kNow + 500));
    EXPECT_FALSE(codec.verify(token, kNow + 900 + 61)) << "expired while kept";
    EXPECT_FALSE(codec.verify(token, kNow)) << "before its nbf, less the leeway";
    EXPECT_TRUE(codec.verify(token, kNow + 200)) << "refusals do not drop it";
    auto tampered = token;
    tampered[tampered.rfind('.') + 1] ^= 1;
    EXPECT_FALSE(codec.verify(tampered, kNow + 200));
    for (std::size_t i = 0; i < JwtCodec::kVerifiedKept + 10; ++i) {
        auto other = good_payload();
        other["jti"] = "j" + std::to_string(i);
        ASSERT_TRUE(codec.verify(forge(kHeader, other, kKey), kNow)) << i;
    }
    EXPECT_TRUE(codec.verify(token, kNow + 200)) << "verified afresh after the memo started again";
}

}  // namespace
}  // namespace dh::auth
