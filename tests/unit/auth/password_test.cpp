#include "auth/password.hpp"

#include <gtest/gtest.h>
#include <sodium.h>

namespace dh::auth {
namespace {

const PasswordCost kFast{1, crypto_pwhash_MEMLIMIT_MIN};

TEST(Password, HashesWithArgon2idAndVerifies) {
    ASSERT_GE(sodium_init(), 0);
    auto h = hash_password("correct horse battery staple", kFast);
    EXPECT_EQ(h.rfind("$argon2id$", 0), 0u) << h;
    EXPECT_TRUE(verify_password(h, "correct horse battery staple"));
    EXPECT_FALSE(verify_password(h, "correct horse battery stapler"));
    EXPECT_NE(hash_password("correct horse battery staple", kFast), h) << "salted";
}

TEST(Password, DefaultCostMeetsTheMinimumAndWeakerHashesNeedRehash) {
    PasswordCost defaults;
    EXPECT_GE(defaults.mem_bytes, 19u * 1024 * 1024);
    EXPECT_GE(defaults.ops, 2u);
    auto weak = hash_password("correct horse battery staple", kFast);
    EXPECT_TRUE(needs_rehash(weak, defaults));
    EXPECT_FALSE(needs_rehash(weak, kFast));
}

TEST(Password, PolicyRefusesShortCommonAndRepeated) {
    EXPECT_NE(password_problem("short-pass1"), "");
    EXPECT_NE(password_problem("password1234"), "");
    EXPECT_NE(password_problem("PASSWORD1234"), "") << "case-insensitive";
    EXPECT_NE(password_problem("zzzzzzzzzzzzzz"), "");
    EXPECT_NE(password_problem("pat@vendor.example", "pat@vendor.example"), "");
    EXPECT_EQ(password_problem("Tenant-acme-Passw0rd!"), "");
}

}  // namespace
}  // namespace dh::auth
