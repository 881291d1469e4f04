#include "http/client_address.hpp"

#include <optional>
#include <stdexcept>

#include "common/strings.hpp"

namespace dh::http {
namespace {

namespace ip = boost::asio::ip;

/// IPv4-mapped IPv6 (::ffff:10.0.0.1, what a dual-stack socket reports) compares as IPv4.
ip::address normalized(const ip::address& a) {
    if (a.is_v6() && a.to_v6().is_v4_mapped()) return ip::make_address_v4(ip::v4_mapped, a.to_v6());
    return a;
}

std::optional<ip::address> parse_address(std::string_view text) {
    boost::system::error_code ec;
    auto a = ip::make_address(std::string(strings::trim(std::string(text))), ec);
    if (ec) return std::nullopt;
    return normalized(a);
}

template <class Bytes>
bool prefix_matches(const Bytes& network, const Bytes& candidate, int bits) {
    for (std::size_t i = 0; i < network.size() && bits > 0; ++i, bits -= 8) {
        unsigned mask = bits >= 8 ? 0xFFu : (0xFFu << (8 - bits)) & 0xFFu;
        if ((network[i] & mask) != (candidate[i] & mask)) return false;
    }
    return true;
}

}  // namespace

TrustedProxies TrustedProxies::parse(std::string_view list) {
    TrustedProxies out;
    for (auto& raw : strings::split(std::string(list), ',')) {
        auto entry = strings::trim(raw);
        if (entry.empty()) continue;
        auto slash = entry.find('/');
        auto network = parse_address(entry.substr(0, slash));
        if (!network) throw std::invalid_argument("'" + entry + "' is not an IP address or CIDR range");
        int max_bits = network->is_v4() ? 32 : 128;
        int bits = max_bits;
        if (slash != std::string::npos) {
            auto digits = entry.substr(slash + 1);
            if (digits.empty() || digits.size() > 3 || digits.find_first_not_of("0123456789") != std::string::npos ||
                std::stoi(digits) > max_bits)
                throw std::invalid_argument("'" + entry + "' has a bad prefix length (0-" + std::to_string(max_bits) +
                                            ")");
            bits = std::stoi(digits);
        }
        out.ranges_.push_back({*network, bits});
    }
    return out;
}

bool TrustedProxies::contains(const ip::address& raw) const {
    auto address = normalized(raw);
    for (auto& r : ranges_) {
        if (r.network.is_v4() != address.is_v4()) continue;
        bool match = address.is_v4()
                         ? prefix_matches(r.network.to_v4().to_bytes(), address.to_v4().to_bytes(), r.prefix_bits)
                         : prefix_matches(r.network.to_v6().to_bytes(), address.to_v6().to_bytes(), r.prefix_bits);
        if (match) return true;
    }
    return false;
}

std::string TrustedProxies::client_address(const std::string& peer,
                                           const std::vector<std::string_view>& forwarded_for) const {
    auto current = parse_address(peer);
    if (!current) return peer;
    std::vector<std::string> hops;
    for (auto value : forwarded_for)
        for (auto& hop : strings::split(std::string(value), ',')) hops.push_back(hop);
    for (auto it = hops.rbegin(); it != hops.rend() && contains(*current); ++it) {
        auto hop = parse_address(*it);
        if (!hop) break;
        current = hop;
    }
    return current->to_string();
}

}  // namespace dh::http
