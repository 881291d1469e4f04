#pragma once
#include <ctime>
#include <memory>
#include <string>
#include <string_view>

namespace dh::domains {

/// A loaded DKIM signing key: the domain (d=), its selector (s=) and the private key, RSA
/// (rsa-sha256, RFC 6376) or Ed25519 (ed25519-sha256, RFC 8463).
class DkimKey {
public:
    /// Throws std::runtime_error when `private_pem` is not a usable RSA or Ed25519 private key.
    DkimKey(std::string domain, std::string selector, const std::string& private_pem);
    ~DkimKey();
    DkimKey(const DkimKey&) = delete;
    DkimKey& operator=(const DkimKey&) = delete;

    const std::string& domain() const { return domain_; }
    const std::string& selector() const { return selector_; }
    /// The a= tag: "rsa-sha256" or "ed25519-sha256".
    const char* algorithm() const;
    /// The signature over the canonicalized `data`: RSASSA-PKCS1-v1_5 with SHA-256 over `data`, or
    /// PureEdDSA Ed25519 over the SHA-256 hash of `data` (RFC 8463 section 3).
    std::string sign(std::string_view data) const;

private:
    std::string domain_, selector_;
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

/// The header fields signed when present (RFC 6376 5.4.1 and the fields a reader sees); From is
/// signed once more than it occurs, so that no second From can be added without breaking the signature.
inline constexpr const char* kSignedHeaders[] = {"from",         "to",          "cc",        "subject",
                                                 "date",         "message-id",  "reply-to",  "mime-version",
                                                 "content-type", "in-reply-to", "references"};

/// `message` (CRLF lines, headers then body) with a DKIM-Signature header field prepended
/// (RFC 6376): a= the key's algorithm, c=relaxed/relaxed, t=`now`, the whole body (no l=). A message
/// signed by two keys (Ed25519 beside RSA) is signed twice; neither signature covers the other.
std::string dkim_sign(const std::string& message, const DkimKey& key, std::time_t now);

/// RFC 6376 3.4.2 relaxed header canonicalization of one field ("Name: value\r\n\tmore").
std::string relaxed_header(std::string_view field);
/// RFC 6376 3.4.4 relaxed body canonicalization.
std::string relaxed_body(std::string_view body);

}  // namespace dh::domains
