#pragma once
#include <string>
#include <string_view>

namespace dh::digest {

/// SHA-256 of `data`, lower-case hex (stored token hashes, request fingerprints).
std::string sha256_hex(std::string_view data);
/// HMAC-SHA256 of `data` under `key`: 32 raw bytes (derived keys, signatures).
std::string hmac_sha256(std::string_view key, std::string_view data);
/// Lower-case hex of raw bytes.
std::string hex(std::string_view bytes);

}  // namespace dh::digest
