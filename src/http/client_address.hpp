#pragma once
#include <boost/asio/ip/address.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace dh::http {

/// The proxies whose `X-Forwarded-For` is believed (TRUSTED_PROXIES): a list of CIDR ranges.
/// Empty by default: then the TCP peer is the client, whatever the request claims.
class TrustedProxies {
public:
    TrustedProxies() = default;
    /// Parses "10.0.0.0/16, 192.168.1.7, fd00::/8" (a bare address is a /32 or /128). Throws
    /// std::invalid_argument naming the first entry that is not an address or a CIDR range.
    static TrustedProxies parse(std::string_view list);

    bool empty() const { return ranges_.empty(); }
    bool contains(const boost::asio::ip::address& address) const;

    /// The client address of a request that arrived from `peer` with these `X-Forwarded-For`
    /// header values (in order). Only when `peer` is trusted is the header read: from the right,
    /// every trusted hop is skipped and the first untrusted address is the client (the entries to
    /// its left were written by the client itself and prove nothing). Unparsable entries end the
    /// walk at the last hop that was believed.
    std::string client_address(const std::string& peer, const std::vector<std::string_view>& forwarded_for) const;

private:
    struct Range {
        boost::asio::ip::address network;
        int prefix_bits;
    };
    std::vector<Range> ranges_;
};

}  // namespace dh::http
