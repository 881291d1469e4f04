#pragma once
#include <optional>
#include <string>
#include <string_view>

namespace dh::digest {

/// SHA-256 of `data`, lower-case hex (stored token hashes, request fingerprints).
std::string sha256_hex(std::string_view data);
/// HMAC-SHA256 of `data` under `key`: 32 raw bytes (derived keys, signatures).
std::string hmac_sha256(std::string_view key, std::string_view data);
/// Lower-case hex of raw bytes.
std::string hex(std::string_view bytes);
/// Standard base64 (RFC 4648 section 4): padded, no line breaks.
std::string base64(std::string_view bytes);
/// The bytes of standard base64. Line breaks, spaces and tabs are skipped (MIME bodies, folded
/// headers); nullopt for anything else that is not base64, or a length that is not whole.
std::optional<std::string> base64_decode(std::string_view text);
/// URL-safe base64 without padding (RFC 4648 section 5): tokens, cursors, JWT segments.
std::string base64url(std::string_view bytes);
/// The bytes of URL-safe unpadded base64; nullopt unless all of `text` is such base64.
std::optional<std::string> base64url_decode(std::string_view text);

}  // namespace dh::digest
