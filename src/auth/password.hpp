#pragma once
#include <string>

namespace dh::auth {

/// Argon2id cost. Defaults follow OWASP's minimum (m = 19 MiB, t = 2, p = 1: libsodium is single-lane).
struct PasswordCost {
    unsigned long long ops = 2;
    std::size_t mem_bytes = 19 * 1024 * 1024;
};

/// Argon2id hash in the PHC string format (salt and parameters included).
std::string hash_password(const std::string& password, const PasswordCost& cost = {});
/// Constant-time verification against a stored hash.
bool verify_password(const std::string& stored_hash, const std::string& password);
/// True when `stored_hash` was made with weaker parameters than `cost` (rehash on next login).
bool needs_rehash(const std::string& stored_hash, const PasswordCost& cost = {});

/// Empty when acceptable; otherwise why not (length 12–256, not a common password, not the email).
std::string password_problem(const std::string& password, const std::string& email = {});

}  // namespace dh::auth
