#include "mail/message_id.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <array>
#include <stdexcept>

#include "common/error.hpp"
#include "common/strings.hpp"
#include "mail/mime_builder.hpp"

namespace dh::mail {
namespace {

constexpr std::string_view kAlphabet = "abcdefghijklmnopqrstuvwxyz234567";
constexpr std::size_t kIdBytes = 16;
constexpr std::size_t kMacBytes = 10;  // 80 bits: forging one needs ~2^79 tries against the inbound server
constexpr std::size_t kTokenChars = ((kIdBytes + kMacBytes) * 8 + 4) / 5;
constexpr std::string_view kBouncePrefix = "bounces+";
constexpr std::string_view kReplyPrefix = "reply+";

using Bytes = std::array<unsigned char, kIdBytes + kMacBytes>;

std::string base32(const unsigned char* data, std::size_t n) {
    std::string out;
    std::uint32_t buffer = 0;
    int bits = 0;
    for (std::size_t i = 0; i < n; ++i) {
        buffer = (buffer << 8) | data[i];
        bits += 8;
        while (bits >= 5) {
            out += kAlphabet[(buffer >> (bits - 5)) & 0x1f];
            bits -= 5;
        }
    }
    if (bits > 0) out += kAlphabet[(buffer << (5 - bits)) & 0x1f];
    return out;
}

/// Decodes exactly `out.size()` bytes; false for a wrong length, a foreign character or non-zero
/// padding bits (so that each token has one spelling only).
bool unbase32(std::string_view s, Bytes& out) {
    if (s.size() != kTokenChars) return false;
    std::uint32_t buffer = 0;
    int bits = 0;
    std::size_t n = 0;
    for (char c : s) {
        auto pos = kAlphabet.find(c);
        if (pos == std::string_view::npos) return false;
        buffer = (buffer << 5) | static_cast<std::uint32_t>(pos);
        bits += 5;
        if (bits >= 8) {
            if (n == out.size()) return false;
            out[n++] = static_cast<unsigned char>((buffer >> (bits - 8)) & 0xff);
            bits -= 8;
        }
    }
    return n == out.size() && (buffer & ((1u << bits) - 1)) == 0;
}

std::array<unsigned char, kIdBytes> uuid_bytes(std::string_view id) {
    if (!strings::is_uuid(id)) throw Error::invalid_field("delivery_id", "must be a UUID");
    std::array<unsigned char, kIdBytes> out{};
    std::size_t n = 0;
    auto hex = [](char c) { return c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10; };
    for (std::size_t i = 0; i < id.size(); ++i) {
        if (id[i] == '-') continue;
        out[n / 2] = static_cast<unsigned char>(out[n / 2] | (hex(id[i]) << (n % 2 == 0 ? 4 : 0)));
        ++n;
    }
    return out;
}

std::string uuid_string(const unsigned char* b) {
    static constexpr char kHex[] = "0123456789abcdef";
    std::string out;
    for (std::size_t i = 0; i < kIdBytes; ++i) {
        if (i == 4 || i == 6 || i == 8 || i == 10) out += '-';
        out += kHex[b[i] >> 4];
        out += kHex[b[i] & 0x0f];
    }
    return out;
}

void mac(RoutingKind kind, const unsigned char* id, std::string_view key, unsigned char* out) {
    if (key.empty()) throw std::invalid_argument("routing key must not be empty");
    // The kind is authenticated too: the reply address a vendor sees cannot be turned into a bounce.
    std::string input = kind == RoutingKind::bounce ? "dh-route-v1:b:" : "dh-route-v1:r:";
    input.append(reinterpret_cast<const char*>(id), kIdBytes);
    unsigned char full[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(input.data()),
         input.size(), full, &len);
    std::copy(full, full + kMacBytes, out);
}

std::string address(std::string_view prefix, RoutingKind kind, std::string_view id, std::string_view domain,
                    std::string_view key) {
    std::string a = std::string(prefix) + routing_token(kind, id, key) + "@" + std::string(domain);
    if (!is_valid_address(a)) throw Error::invalid_field("domain", "is not a valid mail domain");
    return a;
}

}  // namespace

std::string make_message_id(std::string_view delivery_id, std::string_view domain) {
    std::string id = std::string(delivery_id) + "@" + std::string(domain);
    if (delivery_id.empty() || delivery_id.find('@') != std::string_view::npos || !is_valid_message_id(id)) {
        throw Error::invalid_field("delivery_id", "cannot be used in a Message-ID");
    }
    if (!is_valid_address("x@" + std::string(domain)))
        throw Error::invalid_field("domain", "is not a valid mail domain");
    return "<" + id + ">";
}

std::string routing_token(RoutingKind kind, std::string_view delivery_id, std::string_view key) {
    Bytes bytes{};
    auto id = uuid_bytes(delivery_id);
    std::copy(id.begin(), id.end(), bytes.begin());
    mac(kind, id.data(), key, bytes.data() + kIdBytes);
    return base32(bytes.data(), bytes.size());
}

std::string bounce_address(std::string_view delivery_id, std::string_view domain, std::string_view key) {
    return address(kBouncePrefix, RoutingKind::bounce, delivery_id, domain, key);
}

std::string reply_address(std::string_view delivery_id, std::string_view domain, std::string_view key) {
    return address(kReplyPrefix, RoutingKind::reply, delivery_id, domain, key);
}

std::optional<RoutedAddress> parse_routing(std::string_view address, std::string_view key) {
    if (address.size() >= 2 && address.front() == '<' && address.back() == '>') {
        address = address.substr(1, address.size() - 2);
    }
    std::string lower = strings::to_lower(address);
    auto at = lower.rfind('@');
    std::string_view local = std::string_view(lower).substr(0, at == std::string::npos ? lower.size() : at);
    RoutingKind kind;
    if (local.starts_with(kBouncePrefix)) {
        kind = RoutingKind::bounce;
        local.remove_prefix(kBouncePrefix.size());
    } else if (local.starts_with(kReplyPrefix)) {
        kind = RoutingKind::reply;
        local.remove_prefix(kReplyPrefix.size());
    } else {
        return std::nullopt;
    }
    Bytes bytes{};
    if (!unbase32(local, bytes)) return std::nullopt;
    unsigned char expected[kMacBytes];
    mac(kind, bytes.data(), key, expected);
    if (CRYPTO_memcmp(expected, bytes.data() + kIdBytes, kMacBytes) != 0) return std::nullopt;
    return RoutedAddress{kind, uuid_string(bytes.data())};
}

std::optional<std::string> parse_routing_address(std::string_view address, std::string_view key) {
    auto routed = parse_routing(address, key);
    if (!routed) return std::nullopt;
    return routed->delivery_id;
}

}  // namespace dh::mail
