#pragma once
#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

/// AWS Signature Version 4 (header signing), implemented once for every AWS call DispatchHub makes
/// (Secrets Manager, SES). Verified against AWS's published SigV4 test suite (tests/data/sigv4/).
namespace dh::aws {

/// Credentials for signing. Never log `secret_access_key` or `session_token`.
struct Credentials {
    std::string access_key_id;
    std::string secret_access_key;
    std::string session_token;                                        ///< empty for long-term keys
    std::optional<std::chrono::system_clock::time_point> expiration;  ///< temporary credentials only
};

struct Header {
    std::string name;
    std::string value;
};

/// A request as it goes on the wire. Every header listed is signed; Host must be among them.
struct SignableRequest {
    std::string method = "GET";
    std::string path = "/";  ///< without the query string
    std::string query;       ///< without the leading '?'
    std::vector<Header> headers;
    std::string body;

    /// Replaces every header of that name (case-insensitive) by one with `value`.
    void set_header(const std::string& name, const std::string& value);
    std::optional<std::string> header(std::string_view name) const;
};

/// Where a signature is valid: the credential scope "date/region/service/aws4_request".
struct Scope {
    std::string date;  ///< YYYYMMDD
    std::string region;
    std::string service;
    std::string str() const { return date + "/" + region + "/" + service + "/aws4_request"; }
};

std::string sha256_hex(std::string_view data);
/// Raw (binary) HMAC-SHA256.
std::string hmac_sha256(std::string_view key, std::string_view data);
std::string hex(std::string_view bytes);

/// RFC 3986 percent-encoding of everything but unreserved characters (and '/' when kept).
std::string uri_encode(std::string_view s, bool keep_slash);
/// "20150830T123600Z" for a point in time (UTC).
std::string amz_date(std::chrono::system_clock::time_point t);

// The steps of the algorithm, exposed so that each can be checked against the test suite.
std::string canonical_uri(std::string_view path);
std::string canonical_query(std::string_view query);
/// The canonical header block (each "name:value\n") and, in `signed_headers`, "a;b;c".
std::string canonical_headers(const std::vector<Header>& headers, std::string& signed_headers);
std::string canonical_request(const SignableRequest& request);
std::string string_to_sign(const std::string& amz_date, const Scope& scope, const std::string& canonical_request);
/// kSigning = HMAC(HMAC(HMAC(HMAC("AWS4" + secret, date), region), service), "aws4_request"); binary.
std::string signing_key(std::string_view secret, const Scope& scope);
std::string authorization_header(const std::string& access_key_id, const Scope& scope,
                                 const std::string& signed_headers, const std::string& signature_hex);

/// Signs `request` in place: sets X-Amz-Date (and X-Amz-Security-Token for temporary credentials)
/// and Authorization. `request` must already carry Host and every other header to be signed.
void sign(SignableRequest& request, const Credentials& credentials, const std::string& region,
          const std::string& service, std::chrono::system_clock::time_point now);

}  // namespace dh::aws
