#pragma once
#include <optional>
#include <string>
#include <vector>

struct sockaddr;

/// Where webhooks may go. A tenant's URL must never reach into the platform's own network
/// (server-side request forgery): loopback, private, link-local, cloud metadata and other
/// non-public addresses are refused, checked on the addresses the host name resolves to (at
/// registration and again before every send) and once more on the socket address actually connected.
namespace dh::webhooks {

/// What the operator allows beyond public https targets. Both off in production.
struct TargetRules {
    bool allow_private = false;  ///< WEBHOOK_ALLOW_PRIVATE: non-public addresses (cloud metadata never)
    bool allow_http = false;     ///< WEBHOOK_ALLOW_HTTP: plain http:// URLs
};

/// A webhook URL taken apart.
struct Target {
    std::string scheme;  ///< https | http
    std::string host;    ///< a name, or an address (IPv6 without brackets)
    int port = 443;
};

/// A parsed target, or why the URL is refused before any lookup.
struct ParsedTarget {
    std::optional<Target> target;
    std::string refused;
};

/// Addresses to connect to, or why the target is refused.
struct ResolvedTarget {
    std::vector<std::string> addresses;  ///< numeric, every one checked
    std::string refused;
};

/// Checks what the URL itself shows: http(s) scheme (http only when allowed), a host, no
/// credentials, at most 2000 characters.
ParsedTarget parse_target(const std::string& url, const TargetRules& rules);

/// The kind of non-public address `address` (numeric IPv4 or IPv6) is — "loopback", "private",
/// "link-local", "cloud metadata", … — or empty when it is a public address. Throws nothing:
/// text that is not an address is "not an address".
std::string address_class(const std::string& address);

/// Whether `rules` allow connecting to an address of `address_class` (empty: public).
bool allowed_class(const std::string& address_class, const TargetRules& rules);

/// Resolves the host and checks every address it has: one refused address refuses the target,
/// so that a later lookup cannot pick it (DNS rebinding).
ResolvedTarget resolve_target(const Target& target, const TargetRules& rules);

/// The numeric form of a socket address (IPv4 or IPv6); empty for other families.
std::string numeric_address(const sockaddr* address);

}  // namespace dh::webhooks
