#include "domains/dkim_key.hpp"

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include <memory>
#include <stdexcept>

#include "common/digest.hpp"
#include "common/random.hpp"

namespace dh::domains {
namespace {

using Key = std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)>;
using Bio = std::unique_ptr<BIO, decltype(&BIO_free)>;

std::string private_pem(EVP_PKEY* key) {
    Bio bio(BIO_new(BIO_s_mem()), &BIO_free);
    if (!bio || PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr) != 1)
        throw std::runtime_error("DKIM key: PEM encoding failed");
    char* data = nullptr;
    long n = BIO_get_mem_data(bio.get(), &data);
    std::string pem(data, n);
    OPENSSL_cleanse(data, n);
    return pem;
}

std::string public_der_base64(EVP_PKEY* key) {
    unsigned char* der = nullptr;
    int n = i2d_PUBKEY(key, &der);
    if (n <= 0) throw std::runtime_error("DKIM key: public key encoding failed");
    auto out = digest::base64(std::string_view(reinterpret_cast<const char*>(der), static_cast<std::size_t>(n)));
    OPENSSL_free(der);
    return out;
}

}  // namespace

DkimKeyPair generate_rsa_key(int bits) {
    Key key(EVP_RSA_gen(static_cast<unsigned>(bits)), &EVP_PKEY_free);
    if (!key) throw std::runtime_error("DKIM key: RSA key generation failed");
    return {private_pem(key.get()), public_der_base64(key.get())};
}

DkimKeyPair generate_ed25519_key() {
    Key key(EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519"), &EVP_PKEY_free);
    if (!key) throw std::runtime_error("DKIM key: Ed25519 key generation failed");
    unsigned char raw[32];
    std::size_t len = sizeof raw;
    if (EVP_PKEY_get_raw_public_key(key.get(), raw, &len) != 1 || len != sizeof raw)
        throw std::runtime_error("DKIM key: Ed25519 public key encoding failed");
    return {private_pem(key.get()), digest::base64(std::string_view(reinterpret_cast<const char*>(raw), len))};
}

std::string ed25519_pem_from_seed(std::string_view seed) {
    Key key(EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, nullptr, reinterpret_cast<const unsigned char*>(seed.data()),
                                         seed.size()),
            &EVP_PKEY_free);
    if (!key) throw std::runtime_error("DKIM key: not a 32-byte Ed25519 seed");
    return private_pem(key.get());
}

std::string new_selector() {
    return "dh" + random::hex(5);
}

}  // namespace dh::domains
