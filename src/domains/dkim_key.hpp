#pragma once
#include <string>
#include <string_view>

namespace dh::domains {

/// A DKIM key pair: the private key as PKCS#8 PEM (to seal at rest) and the public key as the
/// base64 DER SubjectPublicKeyInfo a DKIM record carries in p= (RFC 6376 3.6.1).
struct DkimKeyPair {
    std::string private_pem;
    std::string public_base64;
};

/// A fresh RSA key of `bits` bits (RFC 8301: at least 1024 to verify, 2048 advised to sign).
DkimKeyPair generate_rsa_key(int bits = 2048);

/// A fresh Ed25519 key (RFC 8463); its public_base64 is the raw 32-byte key, as k=ed25519 records carry it.
DkimKeyPair generate_ed25519_key();

/// The PKCS#8 PEM of the Ed25519 key whose 32-byte private seed is `seed` (RFC 8032), e.g. to load
/// a key published as a seed, like RFC 8463's example. Throws std::runtime_error on a bad seed.
std::string ed25519_pem_from_seed(std::string_view seed);

/// A new selector: unique per key, so that a rotation publishes the next key beside the current one.
std::string new_selector();

}  // namespace dh::domains
