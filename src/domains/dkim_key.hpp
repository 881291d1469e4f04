#pragma once
#include <string>

namespace dh::domains {

/// A DKIM key pair: the private key as PKCS#8 PEM (to seal at rest) and the public key as the
/// base64 DER SubjectPublicKeyInfo a DKIM record carries in p= (RFC 6376 3.6.1).
struct DkimKeyPair {
    std::string private_pem;
    std::string public_base64;
};

/// A fresh RSA key of `bits` bits (RFC 8301: at least 1024 to verify, 2048 advised to sign).
DkimKeyPair generate_rsa_key(int bits = 2048);

/// A new selector: unique per key, so that a rotation publishes the next key beside the current one.
std::string new_selector();

}  // namespace dh::domains
