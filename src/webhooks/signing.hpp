#pragma once
#include <string>
#include <string_view>

/// How a webhook request proves where it comes from. The receiver recomputes
/// HMAC-SHA256(secret, "<timestamp>.<body>") and compares it with the signature header; the
/// timestamp (Unix seconds, signed with the body) lets it refuse old requests replayed later.
namespace dh::webhooks::signing {

constexpr const char* kIdHeader = "DispatchHub-Event-Id";
constexpr const char* kTypeHeader = "DispatchHub-Event-Type";
constexpr const char* kTimestampHeader = "DispatchHub-Timestamp";
constexpr const char* kSignatureHeader = "DispatchHub-Signature";

/// A new endpoint secret: "whsec_" and 32 random bytes (base64url). The whole string is the key.
std::string new_secret();
/// The signature header value: "v1=" and the lower-case hex HMAC-SHA256 of "<timestamp>.<body>".
std::string signature(std::string_view secret, long long timestamp, std::string_view body);
/// Whether `header` is the signature of `body` at `timestamp` under `secret` (constant-time compare).
bool verify(std::string_view secret, long long timestamp, std::string_view body, std::string_view header);

}  // namespace dh::webhooks::signing
