#include "domains/dkim_signer.hpp"

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <memory>
#include <stdexcept>
#include <vector>

#include "common/digest.hpp"
#include "common/strings.hpp"

namespace dh::domains {
namespace {

bool is_wsp(char c) {
    return c == ' ' || c == '\t';
}

std::string sha256(std::string_view data) {
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned len = 0;
    EVP_Digest(data.data(), data.size(), md, &len, EVP_sha256(), nullptr);
    return std::string(reinterpret_cast<char*>(md), len);
}

/// The header fields of `head` (the part before the blank line), each with its continuation lines.
std::vector<std::string_view> header_fields(std::string_view head) {
    std::vector<std::string_view> out;
    std::size_t start = 0;
    while (start < head.size()) {
        std::size_t end = start;
        for (;;) {
            auto eol = head.find("\r\n", end);
            if (eol == std::string_view::npos) {
                end = head.size();
                break;
            }
            end = eol + 2;
            if (end >= head.size() || !is_wsp(head[end])) break;  // the next line starts a new field
        }
        out.push_back(head.substr(start, end - start));
        start = end;
    }
    return out;
}

std::string field_name(std::string_view field) {
    auto colon = field.find(':');
    return strings::to_lower(strings::trim(field.substr(0, colon == std::string_view::npos ? 0 : colon)));
}

}  // namespace

struct DkimKey::Impl {
    EVP_PKEY* key = nullptr;
    bool ed25519 = false;
    ~Impl() { EVP_PKEY_free(key); }
};

DkimKey::DkimKey(std::string domain, std::string selector, const std::string& private_pem)
    : domain_(std::move(domain)), selector_(std::move(selector)), impl_(std::make_unique<Impl>()) {
    std::unique_ptr<BIO, decltype(&BIO_free)> bio(
        BIO_new_mem_buf(private_pem.data(), static_cast<int>(private_pem.size())), &BIO_free);
    impl_->key = bio ? PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr) : nullptr;
    auto type = impl_->key ? EVP_PKEY_get_base_id(impl_->key) : 0;
    if (type != EVP_PKEY_RSA && type != EVP_PKEY_ED25519)
        throw std::runtime_error("DKIM key of " + domain_ + ": not an RSA or Ed25519 private key");
    impl_->ed25519 = type == EVP_PKEY_ED25519;
}

const char* DkimKey::algorithm() const {
    return impl_->ed25519 ? "ed25519-sha256" : "rsa-sha256";
}

DkimKey::~DkimKey() = default;

std::string DkimKey::sign(std::string_view input) const {
    // Ed25519 signs the hash (RFC 8463 3): PureEdDSA takes no digest of its own.
    std::string hashed = impl_->ed25519 ? sha256(input) : std::string();
    std::string_view data = impl_->ed25519 ? std::string_view(hashed) : input;
    std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
    std::size_t len = 0;
    if (!ctx ||
        EVP_DigestSignInit(ctx.get(), nullptr, impl_->ed25519 ? nullptr : EVP_sha256(), nullptr, impl_->key) != 1 ||
        EVP_DigestSign(ctx.get(), nullptr, &len, reinterpret_cast<const unsigned char*>(data.data()), data.size()) != 1)
        throw std::runtime_error("DKIM signing failed");
    std::string sig(len, '\0');
    if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(sig.data()), &len,
                       reinterpret_cast<const unsigned char*>(data.data()), data.size()) != 1)
        throw std::runtime_error("DKIM signing failed");
    sig.resize(len);
    return sig;
}

std::string relaxed_header(std::string_view field) {
    auto colon = field.find(':');
    std::string out = strings::to_lower(strings::trim(field.substr(0, colon))) + ":";
    std::string value;
    bool pending_space = false;
    for (char c : field.substr(colon + 1)) {
        if (c == '\r' || c == '\n') continue;  // unfold
        if (is_wsp(c)) {
            pending_space = true;
            continue;
        }
        if (pending_space && !value.empty()) value += ' ';
        pending_space = false;
        value += c;
    }
    return out + value + "\r\n";
}

std::string relaxed_body(std::string_view body) {
    std::string out;
    std::size_t start = 0;
    while (start < body.size()) {
        auto eol = body.find("\r\n", start);
        auto line = body.substr(start, eol == std::string_view::npos ? std::string_view::npos : eol - start);
        std::string canon;
        bool pending_space = false;
        for (char c : line) {
            if (is_wsp(c)) {
                pending_space = true;
                continue;
            }
            if (pending_space) canon += ' ';
            pending_space = false;
            canon += c;
        }
        out += canon + "\r\n";
        if (eol == std::string_view::npos) break;
        start = eol + 2;
    }
    while (out.size() >= 2 && out.ends_with("\r\n") && (out.size() == 2 || out.ends_with("\r\n\r\n")))
        out.resize(out.size() - 2);  // no empty lines at the end
    return out;
}

std::string dkim_sign(const std::string& message, const DkimKey& key, std::time_t now) {
    auto split = message.find("\r\n\r\n");
    std::string_view head =
        std::string_view(message).substr(0, split == std::string::npos ? message.size() : split + 2);
    std::string_view body =
        split == std::string::npos ? std::string_view() : std::string_view(message).substr(split + 4);
    auto fields = header_fields(head);

    // Each name signs its bottom-most unused instance (RFC 6376 5.4.2); an extra "from" signs none.
    std::vector<bool> used(fields.size(), false);
    std::string names, signed_fields;
    auto sign_one = [&](const std::string& name) {
        names += (names.empty() ? "" : ":") + name;
        for (std::size_t i = fields.size(); i-- > 0;)
            if (!used[i] && field_name(fields[i]) == name) {
                used[i] = true;
                signed_fields += relaxed_header(fields[i]);
                return;
            }
    };
    for (auto* name : kSignedHeaders)
        for (auto& f : fields)
            if (field_name(f) == name) {
                sign_one(name);
                break;
            }
    sign_one("from");

    std::string sig = std::string("DKIM-Signature: v=1; a=") + key.algorithm() +
                      "; c=relaxed/relaxed; d=" + key.domain() + "; s=" + key.selector() +
                      "; t=" + std::to_string(now) + ";\r\n\th=" + names +
                      ";\r\n\tbh=" + digest::base64(sha256(relaxed_body(body))) + ";\r\n\tb=";
    auto canon = relaxed_header(sig);
    canon.resize(canon.size() - 2);  // the signature's own field is signed without its CRLF
    return sig + digest::base64(key.sign(signed_fields + canon)) + "\r\n" + message;
}

}  // namespace dh::domains
