#include "webhooks/secret_seal.hpp"

#include <sodium.h>

#include <vector>

#include "common/digest.hpp"

namespace dh::webhooks {
namespace {

constexpr std::string_view kPrefix = "v1:";

std::string to_base64(const std::vector<unsigned char>& bytes) {
    return digest::base64(std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
}

/// Only the exact text seal() wrote opens: the shared decoder is lenient like MIME readers (line
/// breaks, stray bits after the last byte), so a sealed value must also encode back to itself.
std::optional<std::vector<unsigned char>> from_base64(std::string_view text) {
    auto bytes = digest::base64_decode(text);
    if (!bytes || digest::base64(*bytes) != text) return std::nullopt;
    return std::vector<unsigned char>(bytes->begin(), bytes->end());
}

}  // namespace

SecretSeal::SecretSeal(const std::string& jwt_secret)
    : key_(digest::hmac_sha256(jwt_secret, "dispatchhub webhook secrets v1")) {}

std::string SecretSeal::seal(const std::string& secret) const {
    std::vector<unsigned char> box(crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES + secret.size());
    randombytes_buf(box.data(), crypto_secretbox_NONCEBYTES);
    crypto_secretbox_easy(box.data() + crypto_secretbox_NONCEBYTES,
                          reinterpret_cast<const unsigned char*>(secret.data()), secret.size(), box.data(),
                          reinterpret_cast<const unsigned char*>(key_.data()));
    return std::string(kPrefix) + to_base64(box);
}

std::optional<std::string> SecretSeal::open(const std::string& sealed) const {
    if (!sealed.starts_with(kPrefix)) return std::nullopt;
    auto box = from_base64(std::string_view(sealed).substr(kPrefix.size()));
    if (!box || box->size() < crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES) return std::nullopt;
    std::string secret(box->size() - crypto_secretbox_NONCEBYTES - crypto_secretbox_MACBYTES, '\0');
    if (crypto_secretbox_open_easy(reinterpret_cast<unsigned char*>(secret.data()),
                                   box->data() + crypto_secretbox_NONCEBYTES, box->size() - crypto_secretbox_NONCEBYTES,
                                   box->data(), reinterpret_cast<const unsigned char*>(key_.data())) != 0)
        return std::nullopt;
    return secret;
}

}  // namespace dh::webhooks
