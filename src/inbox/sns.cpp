#include "inbox/sns.hpp"

#include <curl/curl.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>

#include <fstream>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <regex>

#include "common/bounded_json.hpp"
#include "common/digest.hpp"
#include "common/error.hpp"

namespace dh::inbox {
namespace {

constexpr std::size_t kMaxCertificateBytes = 64 * 1024;

std::string field(const nlohmann::json& j, const char* name) {
    auto it = j.find(name);
    return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

template <class T, void (*Free)(T*)>
struct OsslDeleter {
    void operator()(T* p) const {
        if (p) Free(p);
    }
};
using X509Ptr = std::unique_ptr<X509, OsslDeleter<X509, X509_free>>;
using BioPtr = std::unique_ptr<BIO, OsslDeleter<BIO, BIO_free_all>>;
using StorePtr = std::unique_ptr<X509_STORE, OsslDeleter<X509_STORE, X509_STORE_free>>;
using StoreCtxPtr = std::unique_ptr<X509_STORE_CTX, OsslDeleter<X509_STORE_CTX, X509_STORE_CTX_free>>;
using MdCtxPtr = std::unique_ptr<EVP_MD_CTX, OsslDeleter<EVP_MD_CTX, EVP_MD_CTX_free>>;
void free_chain(STACK_OF(X509) * s) {
    sk_X509_pop_free(s, X509_free);
}
using ChainPtr = std::unique_ptr<STACK_OF(X509), OsslDeleter<STACK_OF(X509), free_chain>>;

/// The signature's bytes: a signature is a few hundred bytes, so more is refused unread.
std::optional<std::string> signature_bytes(const std::string& in) {
    if (in.empty() || in.size() > 8192) return std::nullopt;
    return digest::base64_decode(in);
}

SnsVerification fail(std::string reason) {
    return {false, std::move(reason)};
}

size_t collect(char* data, size_t size, size_t n, void* user) {
    auto* out = static_cast<std::string*>(user);
    if (out->size() + size * n > kMaxCertificateBytes) return 0;  // aborts the transfer
    out->append(data, size * n);
    return size * n;
}

}  // namespace

SnsMessage parse_sns_message(std::string_view body) {
    auto j = dh::json::parse_or_null(body).value_or(nlohmann::json());
    if (j.is_discarded() || !j.is_object())
        throw Error::bad_request("invalid_sns_message", "The body is not an Amazon SNS message.");
    SnsMessage m;
    m.type = field(j, "Type");
    m.message_id = field(j, "MessageId");
    m.topic_arn = field(j, "TopicArn");
    m.has_subject = j.contains("Subject") && j["Subject"].is_string();
    m.subject = field(j, "Subject");
    m.message = field(j, "Message");
    m.timestamp = field(j, "Timestamp");
    m.signature_version = field(j, "SignatureVersion");
    m.signature = field(j, "Signature");
    m.signing_cert_url = field(j, "SigningCertURL");
    m.subscribe_url = field(j, "SubscribeURL");
    m.token = field(j, "Token");
    m.unsubscribe_url = field(j, "UnsubscribeURL");
    if (m.type.empty() || m.message_id.empty() || m.signature.empty())
        throw Error::bad_request("invalid_sns_message", "The body is not an Amazon SNS message.");
    return m;
}

std::string sns_string_to_sign(const SnsMessage& m) {
    std::string s;
    auto add = [&s](const char* name, const std::string& value) {
        s += name;
        s += '\n';
        s += value;
        s += '\n';
    };
    add("Message", m.message);
    add("MessageId", m.message_id);
    if (m.type == "Notification") {
        if (m.has_subject) add("Subject", m.subject);
    } else {
        add("SubscribeURL", m.subscribe_url);
    }
    add("Timestamp", m.timestamp);
    if (m.type != "Notification") add("Token", m.token);
    add("TopicArn", m.topic_arn);
    add("Type", m.type);
    return s;
}

CertificateFetcher https_certificate_fetcher(std::chrono::seconds timeout) {
    return [timeout](const std::string& url) -> std::string {
        std::unique_ptr<CURL, void (*)(CURL*)> curl(curl_easy_init(), curl_easy_cleanup);
        if (!curl) return {};
        std::string body;
        curl_easy_setopt(curl.get(), CURLOPT_URL, url.c_str());
        curl_easy_setopt(curl.get(), CURLOPT_PROTOCOLS_STR, "https");
        curl_easy_setopt(curl.get(), CURLOPT_FOLLOWLOCATION, 0L);
        curl_easy_setopt(curl.get(), CURLOPT_TIMEOUT, static_cast<long>(timeout.count()));
        curl_easy_setopt(curl.get(), CURLOPT_NOSIGNAL, 1L);
        curl_easy_setopt(curl.get(), CURLOPT_WRITEFUNCTION, collect);
        curl_easy_setopt(curl.get(), CURLOPT_WRITEDATA, &body);
        long status = 0;
        if (curl_easy_perform(curl.get()) != CURLE_OK) return {};
        curl_easy_getinfo(curl.get(), CURLINFO_RESPONSE_CODE, &status);
        return status == 200 ? body : std::string();
    };
}

CertificateFetcher file_certificate_fetcher(std::string path) {
    return [path = std::move(path)](const std::string&) -> std::string {
        std::ifstream in(path, std::ios::binary);
        std::string pem(kMaxCertificateBytes + 1, '\0');
        in.read(pem.data(), static_cast<std::streamsize>(pem.size()));
        pem.resize(static_cast<std::size_t>(in.gcount()));
        return pem;
    };
}

struct SnsVerifier::Impl {
    Options options;
    std::regex host;
    mutable std::mutex mutex;
    mutable std::map<std::string, std::string> pem_cache;  // url -> PEM; verified again on each use

    std::string certificate_pem(const std::string& url) const {
        {
            std::lock_guard lock(mutex);
            auto it = pem_cache.find(url);
            if (it != pem_cache.end()) return it->second;
        }
        std::string pem;
        try {
            pem = options.fetch(url);
        } catch (const std::exception&) {
            return {};
        }
        if (pem.empty() || pem.size() > kMaxCertificateBytes) return {};
        std::lock_guard lock(mutex);
        if (pem_cache.size() >= 32) pem_cache.clear();  // a handful of URLs in practice
        pem_cache[url] = pem;
        return pem;
    }

    /// The leaf certificate, if it and the intermediates in the PEM chain to a trusted root.
    X509Ptr verified_leaf(const std::string& pem, std::string& reason) const {
        BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
        X509Ptr leaf(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
        if (!leaf) {
            reason = "the signing certificate is not a PEM certificate";
            return nullptr;
        }
        ChainPtr intermediates(sk_X509_new_null());
        while (X509* extra = PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr))
            sk_X509_push(intermediates.get(), extra);
        StorePtr store(X509_STORE_new());
        int loaded = options.ca_file.empty() ? X509_STORE_set_default_paths(store.get())
                                             : X509_STORE_load_locations(store.get(), options.ca_file.c_str(), nullptr);
        StoreCtxPtr ctx(X509_STORE_CTX_new());
        if (loaded != 1 || !ctx || X509_STORE_CTX_init(ctx.get(), store.get(), leaf.get(), intermediates.get()) != 1) {
            reason = "the trusted CA store could not be loaded";
            return nullptr;
        }
        if (X509_verify_cert(ctx.get()) != 1) {
            reason = std::string("the signing certificate is not trusted: ") +
                     X509_verify_cert_error_string(X509_STORE_CTX_get_error(ctx.get()));
            return nullptr;
        }
        return leaf;
    }
};

SnsVerifier::SnsVerifier(Options options) : impl_(std::make_unique<Impl>()) {
    if (!options.fetch) options.fetch = https_certificate_fetcher();
    impl_->host = std::regex(options.host_pattern, std::regex::ECMAScript);
    impl_->options = std::move(options);
}

SnsVerifier::~SnsVerifier() = default;

bool SnsVerifier::trusted_certificate_url(const std::string& url) const {
    constexpr std::string_view kScheme = "https://";
    if (url.size() > 512 || url.compare(0, kScheme.size(), kScheme) != 0) return false;
    std::size_t slash = url.find('/', kScheme.size());
    if (slash == std::string::npos) return false;
    std::string host = url.substr(kScheme.size(), slash - kScheme.size());
    std::string path = url.substr(slash);
    if (host.find_first_of("@:") != std::string::npos || path.find_first_of("?#\\") != std::string::npos) return false;
    if (path.size() < 5 || path.compare(path.size() - 4, 4, ".pem") != 0) return false;
    return std::regex_match(host, impl_->host);
}

SnsVerification SnsVerifier::verify(const SnsMessage& m) const {
    const EVP_MD* md = m.signature_version == "1" ? EVP_sha1() : m.signature_version == "2" ? EVP_sha256() : nullptr;
    if (!md) return fail("unsupported SignatureVersion");
    if (m.type != "Notification" && m.type != "SubscriptionConfirmation" && m.type != "UnsubscribeConfirmation")
        return fail("unknown message Type");
    if (!trusted_certificate_url(m.signing_cert_url)) return fail("SigningCertURL is not an allow-listed AWS host");
    auto signature = signature_bytes(m.signature);
    if (!signature) return fail("Signature is not base64");
    std::string pem = impl_->certificate_pem(m.signing_cert_url);
    if (pem.empty()) return fail("the signing certificate could not be fetched");
    std::string reason;
    X509Ptr leaf = impl_->verified_leaf(pem, reason);
    if (!leaf) return fail(reason);
    EVP_PKEY* key = X509_get0_pubkey(leaf.get());
    MdCtxPtr ctx(EVP_MD_CTX_new());
    std::string text = sns_string_to_sign(m);
    bool ok = key && ctx && EVP_DigestVerifyInit(ctx.get(), nullptr, md, nullptr, key) == 1 &&
              EVP_DigestVerifyUpdate(ctx.get(), text.data(), text.size()) == 1 &&
              EVP_DigestVerifyFinal(ctx.get(), reinterpret_cast<const unsigned char*>(signature->data()),
                                    signature->size()) == 1;
    if (!ok) return fail("the signature does not match the message");
    return {true, {}};
}

}  // namespace dh::inbox
