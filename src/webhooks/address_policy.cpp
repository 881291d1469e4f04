#include "webhooks/address_policy.hpp"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <netdb.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <memory>

#include "common/strings.hpp"

namespace dh::webhooks {
namespace {

constexpr std::size_t kMaxUrlLength = 2000;

struct V4Range {
    std::uint32_t base;
    int bits;
    const char* kind;
};

constexpr std::uint32_t v4(int a, int b, int c, int d) {
    return (static_cast<std::uint32_t>(a) << 24) | (static_cast<std::uint32_t>(b) << 16) |
           (static_cast<std::uint32_t>(c) << 8) | static_cast<std::uint32_t>(d);
}

// IANA special-purpose registry (RFC 6890 and successors), most specific first.
constexpr std::array<V4Range, 16> kV4Ranges{{
    {v4(169, 254, 169, 254), 32, "cloud metadata"},
    {v4(0, 0, 0, 0), 8, "unspecified"},
    {v4(10, 0, 0, 0), 8, "private"},
    {v4(100, 64, 0, 0), 10, "shared (carrier-grade NAT)"},
    {v4(127, 0, 0, 0), 8, "loopback"},
    {v4(169, 254, 0, 0), 16, "link-local"},
    {v4(172, 16, 0, 0), 12, "private"},
    {v4(192, 0, 0, 0), 24, "reserved"},
    {v4(192, 0, 2, 0), 24, "documentation"},
    {v4(192, 88, 99, 0), 24, "reserved"},
    {v4(192, 168, 0, 0), 16, "private"},
    {v4(198, 18, 0, 0), 15, "benchmarking"},
    {v4(198, 51, 100, 0), 24, "documentation"},
    {v4(203, 0, 113, 0), 24, "documentation"},
    {v4(224, 0, 0, 0), 4, "multicast"},
    {v4(240, 0, 0, 0), 4, "reserved"},
}};

std::string v4_class(std::uint32_t address) {
    for (auto& r : kV4Ranges) {
        std::uint32_t mask = r.bits == 0 ? 0 : ~std::uint32_t{0} << (32 - r.bits);
        if ((address & mask) == r.base) return r.kind;
    }
    return {};
}

std::uint32_t v4_at(const unsigned char* b) {
    return v4(b[0], b[1], b[2], b[3]);
}

bool starts_with_bytes(const unsigned char* a, std::initializer_list<unsigned char> prefix) {
    std::size_t i = 0;
    for (auto p : prefix)
        if (a[i++] != p) return false;
    return true;
}

/// IPv6, including the forms that carry an IPv4 address (mapped, NAT64, 6to4), which are judged
/// by that address: ::ffff:127.0.0.1 is loopback.
std::string v6_class(const unsigned char* a) {
    static const unsigned char kLoopback[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
    static const unsigned char kAwsMetadata[16] = {0xfd, 0, 0x0e, 0xc2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x02, 0x54};
    if (std::equal(a, a + 16, kLoopback)) return "loopback";
    if (std::equal(a, a + 16, kAwsMetadata)) return "cloud metadata";
    if (starts_with_bytes(a, {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff})) return v4_class(v4_at(a + 12));
    if (starts_with_bytes(a, {0, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0})) return v4_class(v4_at(a + 12));
    if (starts_with_bytes(a, {0x20, 0x02})) return v4_class(v4_at(a + 2));
    if (starts_with_bytes(a, {0x00, 0x64, 0xff, 0x9b, 0x00, 0x01})) return "private";  // local NAT64 64:ff9b:1::/48
    if (a[0] == 0) return std::all_of(a, a + 16, [](unsigned char b) { return b == 0; }) ? "unspecified" : "reserved";
    if (starts_with_bytes(a, {0x01, 0, 0, 0, 0, 0, 0, 0})) return "reserved";        // discard-only 100::/64
    if (starts_with_bytes(a, {0x20, 0x01, 0x0d, 0xb8})) return "documentation";      // 2001:db8::/32
    if (a[0] == 0x3f && a[1] == 0xff && (a[2] & 0xf0) == 0) return "documentation";  // 3fff::/20 (RFC 9637)
    if (starts_with_bytes(a, {0x20, 0x01}) && a[2] < 0x02) return "reserved";        // 2001::/23 (Teredo, …)
    if ((a[0] & 0xfe) == 0xfc) return "private";                                     // fc00::/7
    if (a[0] == 0xfe && (a[1] & 0xc0) == 0x80) return "link-local";                  // fe80::/10
    if (a[0] == 0xfe && (a[1] & 0xc0) == 0xc0) return "private";                     // site-local fec0::/10
    if (a[0] == 0xff) return "multicast";
    return {};
}

std::string url_part(CURLU* url, CURLUPart part, unsigned flags = 0) {
    char* value = nullptr;
    if (curl_url_get(url, part, &value, flags) != CURLUE_OK || !value) return {};
    std::string out(value);
    curl_free(value);
    return out;
}

std::string strip_brackets(const std::string& host) {
    if (host.size() >= 2 && host.front() == '[' && host.back() == ']') return host.substr(1, host.size() - 2);
    return host;
}

std::string refusal(const std::string& host, const std::string& address, const std::string& kind) {
    if (host == address) return host + " is not a public address (" + kind + ")";
    return "the host " + host + " resolves to " + address + ", not a public address (" + kind + ")";
}

}  // namespace

ParsedTarget parse_target(const std::string& url, const TargetRules& rules) {
    if (url.size() > kMaxUrlLength) return {std::nullopt, "must be at most 2000 characters"};
    if (strings::has_line_break_or_nul(url) || url.find(' ') != std::string::npos)
        return {std::nullopt, "must not contain spaces or line breaks"};
    std::unique_ptr<CURLU, decltype(&curl_url_cleanup)> parsed(curl_url(), curl_url_cleanup);
    if (curl_url_set(parsed.get(), CURLUPART_URL, url.c_str(), CURLU_NON_SUPPORT_SCHEME) != CURLUE_OK)
        return {std::nullopt, "is not a valid URL"};
    Target t;
    t.scheme = strings::to_lower(url_part(parsed.get(), CURLUPART_SCHEME));
    if (t.scheme != "https" && !(t.scheme == "http" && rules.allow_http))
        return {std::nullopt, rules.allow_http ? "must be an http or https URL" : "must be an https URL"};
    if (!url_part(parsed.get(), CURLUPART_USER).empty() || !url_part(parsed.get(), CURLUPART_PASSWORD).empty())
        return {std::nullopt, "must not contain credentials (the signature authenticates the request)"};
    t.host = strip_brackets(strings::to_lower(url_part(parsed.get(), CURLUPART_HOST)));
    if (t.host.empty()) return {std::nullopt, "must name a host"};
    t.port = std::atoi(url_part(parsed.get(), CURLUPART_PORT, CURLU_DEFAULT_PORT).c_str());
    return {t, {}};
}

std::string address_class(const std::string& address) {
    unsigned char bytes[16];
    if (inet_pton(AF_INET, address.c_str(), bytes) == 1) return v4_class(v4_at(bytes));
    if (inet_pton(AF_INET6, address.c_str(), bytes) == 1) return v6_class(bytes);
    return "not an address";
}

bool allowed_class(const std::string& address_class, const TargetRules& rules) {
    if (address_class.empty()) return true;
    return rules.allow_private && address_class != "cloud metadata" && address_class != "not an address";
}

ResolvedTarget resolve_target(const Target& target, const TargetRules& rules) {
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* found = nullptr;
    if (getaddrinfo(target.host.c_str(), nullptr, &hints, &found) != 0 || !found)
        return {{}, "the host " + target.host + " does not resolve"};
    std::unique_ptr<addrinfo, decltype(&freeaddrinfo)> list(found, freeaddrinfo);
    ResolvedTarget out;
    for (auto* ai = found; ai; ai = ai->ai_next) {
        auto address = numeric_address(ai->ai_addr);
        if (address.empty()) continue;
        auto kind = address_class(address);
        if (!allowed_class(kind, rules)) return {{}, refusal(target.host, address, kind)};
        if (std::find(out.addresses.begin(), out.addresses.end(), address) == out.addresses.end())
            out.addresses.push_back(address);
    }
    if (out.addresses.empty()) out.refused = "the host " + target.host + " has no IPv4 or IPv6 address";
    return out;
}

std::string numeric_address(const sockaddr* address) {
    char text[INET6_ADDRSTRLEN] = {};
    if (address->sa_family == AF_INET) {
        auto* in = reinterpret_cast<const sockaddr_in*>(address);
        return inet_ntop(AF_INET, &in->sin_addr, text, sizeof text) ? text : "";
    }
    if (address->sa_family == AF_INET6) {
        auto* in6 = reinterpret_cast<const sockaddr_in6*>(address);
        return inet_ntop(AF_INET6, &in6->sin6_addr, text, sizeof text) ? text : "";
    }
    return {};
}

}  // namespace dh::webhooks
