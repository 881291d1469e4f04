#include "common/digest.hpp"

#include <gtest/gtest.h>

namespace dh::digest {
namespace {

TEST(Digest, Sha256AndHmacMatchTheirPublishedVectors) {
    EXPECT_EQ(sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    // RFC 4231 test case 2.
    EXPECT_EQ(hex(hmac_sha256("Jefe", "what do ya want for nothing?")),
              "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
    EXPECT_EQ(hex(std::string("\x00\xff\x10", 3)), "00ff10");
}

TEST(Base64, EncodesTheRfc4648VectorsPaddedOnOneLine) {
    EXPECT_EQ(base64(""), "");
    EXPECT_EQ(base64("f"), "Zg==");
    EXPECT_EQ(base64("fo"), "Zm8=");
    EXPECT_EQ(base64("foo"), "Zm9v");
    EXPECT_EQ(base64("foobar"), "Zm9vYmFy");
    EXPECT_EQ(base64(std::string("\0user\0pass", 10)), "AHVzZXIAcGFzcw==");  // SMTP AUTH PLAIN
    EXPECT_EQ(base64(std::string(100, 'x')).find('\n'), std::string::npos);
}

TEST(Base64, DecodesWhatItEncodesWhateverTheBytes) {
    std::string all;
    for (int i = 0; i < 256; ++i) all += static_cast<char>(i);
    for (std::size_t n : {0u, 1u, 2u, 3u, 4u, 255u, 256u}) {
        auto bytes = all.substr(0, n);
        EXPECT_EQ(base64_decode(base64(bytes)), bytes) << n;
    }
    EXPECT_EQ(base64_decode("Zm9v\r\nYmFy"), "foobar") << "line breaks of a MIME body are skipped";
    EXPECT_EQ(base64_decode(" Zg== "), "f");
}

TEST(Base64, RefusesWhatIsNotBase64) {
    EXPECT_FALSE(base64_decode("Zm9"));       // not whole
    EXPECT_FALSE(base64_decode("Zm9v!A=="));  // a character outside the alphabet
    EXPECT_FALSE(base64_decode("Zg==Zg=="));  // padding in the middle
    EXPECT_FALSE(base64_decode("Z==="));      // more padding than a group can have
}

TEST(Base64Url, UsesTheUrlAlphabetWithoutPadding) {
    EXPECT_EQ(base64url(""), "");
    EXPECT_EQ(base64url("f"), "Zg");
    EXPECT_EQ(base64url("\xfb\xff"), "-_8") << "'-' and '_' replace '+' and '/'";
    std::string all;
    for (int i = 0; i < 256; ++i) all += static_cast<char>(i);
    EXPECT_EQ(base64url_decode(base64url(all)), all);
}

TEST(Base64Url, RefusesPaddingTheStandardAlphabetAndTrailingText) {
    EXPECT_FALSE(base64url_decode("Zg=="));
    EXPECT_FALSE(base64url_decode("+/8"));
    EXPECT_FALSE(base64url_decode("Zm9v YmFy"));
    EXPECT_FALSE(base64url_decode("%%%"));
}

}  // namespace
}  // namespace dh::digest
