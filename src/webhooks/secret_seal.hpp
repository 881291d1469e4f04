#pragma once
#include <optional>
#include <string>

namespace dh::webhooks {

/// Encrypts endpoint secrets for storage (XSalsa20-Poly1305, libsodium secretbox) under a key
/// derived from JWT_SECRET: the database alone (a dump, a replica) does not reveal them, and the
/// worker can still sign with them. Rotating JWT_SECRET makes stored secrets unreadable: such
/// endpoints must be registered again.
class SecretSeal {
public:
    explicit SecretSeal(const std::string& jwt_secret);
    /// "v1:" and base64 of nonce and ciphertext.
    std::string seal(const std::string& secret) const;
    /// The secret, or nullopt when `sealed` was not made with this key (or was altered).
    std::optional<std::string> open(const std::string& sealed) const;

private:
    std::string key_;
};

}  // namespace dh::webhooks
