#include "auth/password.hpp"

#include <sodium.h>

#include <algorithm>
#include <array>
#include <string_view>

#include "common/error.hpp"
#include "common/strings.hpp"

namespace dh::auth {
namespace {

// The most common passwords of public breach corpora that are 12 characters or longer, plus
// obvious product-specific ones. Shorter ones are already refused by the length rule.
constexpr std::array<std::string_view, 40> kCommon = {
    "123456789012",    "1234567890123",    "12345678901234", "123456789123",     "qwertyuiopas",   "qwertyuiop123",
    "password1234",    "password12345",    "password123!",   "passwordpassword", "iloveyou1234",   "111111111111",
    "000000000000",    "123123123123",     "abc123abc123",   "qwerty123456",     "1q2w3e4r5t6y",   "1qaz2wsx3edc",
    "zaq12wsxcde3",    "aaaaaaaaaaaa",     "letmein12345",   "welcome12345",     "welcome123!!",   "administrator",
    "administrator1",  "changeme1234",     "changemeplease", "dispatchhub12",    "dispatchhub123", "dispatchhub2024",
    "dispatchhub2025", "dispatchhub2026",  "passw0rd1234",   "p@ssw0rd1234",     "football1234",   "baseball1234",
    "superman1234",    "trustno1trustno1", "monkey123456",   "sunshine1234"};

}  // namespace

std::string hash_password(const std::string& password, const PasswordCost& cost) {
    char out[crypto_pwhash_STRBYTES];
    if (crypto_pwhash_str_alg(out, password.data(), password.size(), cost.ops, cost.mem_bytes,
                              crypto_pwhash_ALG_ARGON2ID13) != 0)
        throw Error(ErrorKind::internal, "internal", "Internal error.", "argon2id hashing failed (out of memory)");
    return out;
}

bool verify_password(const std::string& stored_hash, const std::string& password) {
    return crypto_pwhash_str_verify(stored_hash.c_str(), password.data(), password.size()) == 0;
}

bool needs_rehash(const std::string& stored_hash, const PasswordCost& cost) {
    return crypto_pwhash_str_needs_rehash(stored_hash.c_str(), cost.ops, cost.mem_bytes) != 0;
}

std::string password_problem(const std::string& password, const std::string& email) {
    if (password.size() < 12) return "must be at least 12 characters";
    if (password.size() > 256) return "must be at most 256 characters";
    if (!strings::is_valid_utf8(password)) return "must be valid UTF-8";
    auto lower = strings::to_lower(password);
    if (std::find(kCommon.begin(), kCommon.end(), lower) != kCommon.end()) return "is a commonly used password";
    if (std::all_of(lower.begin(), lower.end(), [&](char c) { return c == lower[0]; }))
        return "is one repeated character";
    if (!email.empty() && lower == strings::to_lower(email)) return "must not be the email address";
    return {};
}

}  // namespace dh::auth
