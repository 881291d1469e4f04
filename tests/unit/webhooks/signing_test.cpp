#include "webhooks/signing.hpp"

#include <gtest/gtest.h>

#include "webhooks/secret_seal.hpp"

namespace dh::webhooks {
namespace {

// Computed independently: python3 -c "import hmac, hashlib; print(hmac.new(b'whsec_test',
// b'1700000000.{\"id\":\"e1\"}', hashlib.sha256).hexdigest())"
TEST(WebhookSigning, SignsTimestampDotBodyWithHmacSha256) {
    EXPECT_EQ(signing::signature("whsec_test", 1700000000, R"({"id":"e1"})"),
              "v1=6a85cb117c993612a34c72b4cfb5a16baed25a80d26e298ce0e6671320fd07c8");
}

TEST(WebhookSigning, VerifiesOnlyTheExactBodyTimestampAndSecret) {
    auto header = signing::signature("whsec_a", 1700000000, "{}");
    EXPECT_TRUE(signing::verify("whsec_a", 1700000000, "{}", header));
    EXPECT_FALSE(signing::verify("whsec_a", 1700000001, "{}", header));
    EXPECT_FALSE(signing::verify("whsec_a", 1700000000, "{ }", header));
    EXPECT_FALSE(signing::verify("whsec_b", 1700000000, "{}", header));
    EXPECT_FALSE(signing::verify("whsec_a", 1700000000, "{}", header.substr(0, header.size() - 1)));
    EXPECT_FALSE(signing::verify("whsec_a", 1700000000, "{}", ""));
}

TEST(WebhookSigning, NewSecretsAreLongAndDifferent) {
    auto a = signing::new_secret();
    auto b = signing::new_secret();
    EXPECT_EQ(a.rfind("whsec_", 0), 0u);
    EXPECT_GE(a.size(), 6u + 43u);  // 32 random bytes in base64url
    EXPECT_NE(a, b);
}

TEST(WebhookSecretSeal, OpensWhatItSealedAndNothingElse) {
    SecretSeal seal("a-jwt-secret-of-at-least-thirty-two-bytes!");
    auto sealed = seal.seal("whsec_abc");
    EXPECT_EQ(sealed.rfind("v1:", 0), 0u);
    EXPECT_EQ(sealed.find("whsec_abc"), std::string::npos);
    EXPECT_EQ(seal.open(sealed), std::optional<std::string>("whsec_abc"));
    EXPECT_NE(seal.seal("whsec_abc"), sealed);  // a fresh nonce each time

    // Every character changed, including those whose low bits only pad the last byte.
    for (std::size_t i = 3; i < sealed.size() && sealed[i] != '='; ++i) {
        auto tampered = sealed;
        tampered[i] = tampered[i] == 'A' ? 'B' : 'A';
        EXPECT_EQ(seal.open(tampered), std::nullopt) << "character " << i;
    }
    EXPECT_EQ(seal.open(sealed + "\n"), std::nullopt) << "only the exact text seal() wrote";
    EXPECT_EQ(SecretSeal("another-jwt-secret-of-thirty-two-bytes!!").open(sealed), std::nullopt);
    EXPECT_EQ(seal.open("whsec_abc"), std::nullopt);
    EXPECT_EQ(seal.open("v1:!!!"), std::nullopt);
    EXPECT_EQ(seal.open("v1:"), std::nullopt);
}

}  // namespace
}  // namespace dh::webhooks
