#pragma once
#include <cstddef>
#include <random>
#include <string>

namespace dh::random {

/// `n` bytes from the OS CSPRNG (libsodium), hex-encoded.
std::string hex(std::size_t n);
/// `n` bytes from the OS CSPRNG, base64url without padding.
std::string token(std::size_t n);
/// A random (version 4) UUID in canonical form.
std::string uuid();
/// Uniform in [0, 1) from a per-thread generator: jitter for retry delays, never for secrets.
double unit();
/// Uniform in [0, n) (0 when n is 0) from the same generator: fairness, never secrets.
std::size_t below(std::size_t n);
/// The per-thread generator behind unit() and below(), for std::shuffle.
std::mt19937& generator();

}  // namespace dh::random
