#pragma once
#include <string>
#include <string_view>

namespace dh::digest {

/// SHA-256 of `data`, lower-case hex (stored token hashes, request fingerprints).
std::string sha256_hex(std::string_view data);

}  // namespace dh::digest
