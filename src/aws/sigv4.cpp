#include "aws/sigv4.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <ctime>
#include <map>
#include <stdexcept>

#include "common/strings.hpp"

namespace dh::aws {
namespace {

bool unreserved(unsigned char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
           c == '_' || c == '~';
}

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/// Decodes %XX escapes (a malformed escape stays literal), so that the query is re-encoded in
/// exactly one canonical way whatever encoding the caller used on the wire.
std::string percent_decode(std::string_view s) {
    std::string out;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '%' && i + 2 < s.size() && hex_value(s[i + 1]) >= 0 && hex_value(s[i + 2]) >= 0) {
            out.push_back(static_cast<char>(hex_value(s[i + 1]) * 16 + hex_value(s[i + 2])));
            i += 2;
        } else {
            out.push_back(s[i]);
        }
    }
    return out;
}

/// Trims and collapses runs of spaces and tabs to one space (SigV4 header value rule).
std::string normalize_value(std::string_view v) {
    std::string out;
    bool space = false;
    for (char c : v) {
        if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
            space = true;
            continue;
        }
        if (space && !out.empty()) out.push_back(' ');
        space = false;
        out.push_back(c);
    }
    return out;
}

}  // namespace

void SignableRequest::set_header(const std::string& name, const std::string& value) {
    auto lower = strings::to_lower(name);
    std::erase_if(headers, [&](const Header& h) { return strings::to_lower(h.name) == lower; });
    headers.push_back({name, value});
}

std::optional<std::string> SignableRequest::header(std::string_view name) const {
    auto lower = strings::to_lower(name);
    for (auto& h : headers)
        if (strings::to_lower(h.name) == lower) return h.value;
    return std::nullopt;
}

std::string hex(std::string_view bytes) {
    static const char* digits = "0123456789abcdef";
    std::string out;
    out.reserve(bytes.size() * 2);
    for (unsigned char c : bytes) {
        out.push_back(digits[c >> 4]);
        out.push_back(digits[c & 15]);
    }
    return out;
}

std::string sha256_hex(std::string_view data) {
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    if (EVP_Digest(data.data(), data.size(), md, &len, EVP_sha256(), nullptr) != 1)
        throw std::runtime_error("SHA-256 failed");
    return hex(std::string_view(reinterpret_cast<const char*>(md), len));
}

std::string hmac_sha256(std::string_view key, std::string_view data) {
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    if (!HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
              reinterpret_cast<const unsigned char*>(data.data()), data.size(), md, &len))
        throw std::runtime_error("HMAC-SHA256 failed");
    return std::string(reinterpret_cast<const char*>(md), len);
}

std::string uri_encode(std::string_view s, bool keep_slash) {
    static const char* digits = "0123456789ABCDEF";
    std::string out;
    for (unsigned char c : s) {
        if (unreserved(c) || (keep_slash && c == '/')) {
            out.push_back(static_cast<char>(c));
        } else {
            out.push_back('%');
            out.push_back(digits[c >> 4]);
            out.push_back(digits[c & 15]);
        }
    }
    return out;
}

std::string amz_date(std::chrono::system_clock::time_point t) {
    std::time_t tt = std::chrono::system_clock::to_time_t(t);
    std::tm tm{};
    gmtime_r(&tt, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y%m%dT%H%M%SZ", &tm);
    return buf;
}

// Non-S3 services normalise the path (RFC 3986 dot segments, repeated slashes) and encode each segment.
std::string canonical_uri(std::string_view path) {
    std::vector<std::string> segments;
    for (auto& seg : strings::split(path, '/')) {
        if (seg.empty() || seg == ".") continue;
        if (seg == "..") {
            if (!segments.empty()) segments.pop_back();
            continue;
        }
        segments.push_back(seg);
    }
    std::string out;
    for (auto& seg : segments) out += "/" + uri_encode(seg, false);
    bool trailing = !path.empty() && path.back() == '/' && !segments.empty();
    if (out.empty() || trailing) out += "/";
    return out;
}

std::string canonical_query(std::string_view query) {
    std::vector<std::pair<std::string, std::string>> params;
    for (auto& part : strings::split(query, '&')) {
        if (part.empty()) continue;
        auto eq = part.find('=');
        std::string key = part.substr(0, eq);
        std::string value = eq == std::string::npos ? "" : part.substr(eq + 1);
        params.emplace_back(uri_encode(percent_decode(key), false), uri_encode(percent_decode(value), false));
    }
    std::sort(params.begin(), params.end());
    std::string out;
    for (auto& [k, v] : params) out += (out.empty() ? "" : "&") + k + "=" + v;
    return out;
}

std::string canonical_headers(const std::vector<Header>& headers, std::string& signed_headers) {
    std::map<std::string, std::string> merged;  // sorted by lower-case name; repeated names joined by ','
    for (auto& h : headers) {
        auto name = strings::to_lower(strings::trim(h.name));
        auto value = normalize_value(h.value);
        auto [it, fresh] = merged.emplace(name, value);
        if (!fresh) it->second += "," + value;
    }
    std::string block;
    signed_headers.clear();
    for (auto& [name, value] : merged) {
        block += name + ":" + value + "\n";
        signed_headers += (signed_headers.empty() ? "" : ";") + name;
    }
    return block;
}

std::string canonical_request(const SignableRequest& request) {
    std::string signed_headers;
    std::string headers = canonical_headers(request.headers, signed_headers);
    return request.method + "\n" + canonical_uri(request.path) + "\n" + canonical_query(request.query) + "\n" +
           headers + "\n" + signed_headers + "\n" + sha256_hex(request.body);
}

std::string string_to_sign(const std::string& amz_date, const Scope& scope, const std::string& canonical_request) {
    return "AWS4-HMAC-SHA256\n" + amz_date + "\n" + scope.str() + "\n" + sha256_hex(canonical_request);
}

std::string signing_key(std::string_view secret, const Scope& scope) {
    std::string k = hmac_sha256("AWS4" + std::string(secret), scope.date);
    k = hmac_sha256(k, scope.region);
    k = hmac_sha256(k, scope.service);
    return hmac_sha256(k, "aws4_request");
}

std::string authorization_header(const std::string& access_key_id, const Scope& scope,
                                 const std::string& signed_headers, const std::string& signature_hex) {
    return "AWS4-HMAC-SHA256 Credential=" + access_key_id + "/" + scope.str() + ", SignedHeaders=" + signed_headers +
           ", Signature=" + signature_hex;
}

void sign(SignableRequest& request, const Credentials& credentials, const std::string& region,
          const std::string& service, std::chrono::system_clock::time_point now) {
    if (!request.header("host")) throw std::invalid_argument("SigV4: the request has no Host header");
    std::string date_time = amz_date(now);
    request.set_header("X-Amz-Date", date_time);
    if (!credentials.session_token.empty()) request.set_header("X-Amz-Security-Token", credentials.session_token);
    std::erase_if(request.headers, [](const Header& h) { return strings::to_lower(h.name) == "authorization"; });

    Scope scope{date_time.substr(0, 8), region, service};
    std::string signed_headers;
    canonical_headers(request.headers, signed_headers);
    auto sts = string_to_sign(date_time, scope, canonical_request(request));
    auto signature = hex(hmac_sha256(signing_key(credentials.secret_access_key, scope), sts));
    request.headers.push_back(
        {"Authorization", authorization_header(credentials.access_key_id, scope, signed_headers, signature)});
}

}  // namespace dh::aws
