#include "common/random.hpp"

#include <sodium.h>

#include <random>
#include <vector>

#include "common/digest.hpp"

namespace dh::random {

std::string hex(std::size_t n) {
    std::vector<unsigned char> buf(n);
    randombytes_buf(buf.data(), n);
    std::string out(n * 2 + 1, '\0');
    sodium_bin2hex(out.data(), out.size(), buf.data(), n);
    out.pop_back();
    return out;
}

std::string token(std::size_t n) {
    std::vector<unsigned char> buf(n);
    randombytes_buf(buf.data(), n);
    return digest::base64url(std::string_view(reinterpret_cast<const char*>(buf.data()), n));
}

std::string uuid() {
    unsigned char b[16];
    randombytes_buf(b, sizeof b);
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    static const char* digits = "0123456789abcdef";
    std::string out;
    out.reserve(36);
    for (int i = 0; i < 16; ++i) {
        if (i == 4 || i == 6 || i == 8 || i == 10) out.push_back('-');
        out.push_back(digits[b[i] >> 4]);
        out.push_back(digits[b[i] & 0x0f]);
    }
    return out;
}

std::mt19937& generator() {
    thread_local std::mt19937 rng(std::random_device{}());
    return rng;
}

double unit() {
    return std::uniform_real_distribution<double>(0.0, 1.0)(generator());
}

std::size_t below(std::size_t n) {
    if (n <= 1) return 0;
    return std::uniform_int_distribution<std::size_t>(0, n - 1)(generator());
}

}  // namespace dh::random
