#include "webhooks/signing.hpp"

#include <openssl/crypto.h>

#include "common/digest.hpp"
#include "common/random.hpp"

namespace dh::webhooks::signing {

std::string new_secret() {
    return "whsec_" + random::token(32);
}

std::string signature(std::string_view secret, long long timestamp, std::string_view body) {
    return "v1=" + digest::hex(digest::hmac_sha256(secret, std::to_string(timestamp) + "." + std::string(body)));
}

bool verify(std::string_view secret, long long timestamp, std::string_view body, std::string_view header) {
    auto expected = signature(secret, timestamp, body);
    return header.size() == expected.size() && CRYPTO_memcmp(header.data(), expected.data(), expected.size()) == 0;
}

}  // namespace dh::webhooks::signing
