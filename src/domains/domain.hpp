#pragma once
#include <optional>
#include <string>
#include <vector>

namespace dh::domains {

/// One DNS record a tenant publishes (or is advised to), with what the latest lookup found.
struct DnsRecord {
    std::string purpose;             ///< ownership | dkim | return_path | spf | dmarc
    std::string type = "TXT";        ///< TXT, or CNAME (return_path)
    std::string name;                ///< fully qualified, lower case, no trailing dot
    std::string value;               ///< what to publish
    std::string status = "missing";  ///< missing | mismatch | verified | advisory
    std::vector<std::string> found;  ///< the values the lookup returned
};

/// A tenant's sending domain. Plain data: the private keys stay in the store and the signer.
struct Domain {
    std::string id;
    std::string tenant_id;
    std::string domain;  ///< A-label form, lower case
    std::string status;  ///< pending | verified | failing
    std::string ownership_token;
    std::string dkim_selector;
    std::string dkim_public;  ///< base64 DER SubjectPublicKeyInfo, as in p=
    std::optional<std::string> next_selector, next_public;
    std::optional<std::string> ed25519_selector, ed25519_public;  ///< set when Ed25519 signing is enabled
    std::vector<DnsRecord> records;                               ///< as of the latest lookup
    std::optional<std::string> check_error;
    std::string created_at;
    std::optional<std::string> verified_at, checked_at;
};

/// What the DNS answered for one name: the TXT values, or why the lookup could not be made.
struct TxtLookup {
    std::vector<std::string> values;   ///< empty: the name has no TXT record (NXDOMAIN or NODATA)
    std::optional<std::string> error;  ///< set: SERVFAIL, timeout, no server: "could not be checked"
};

}  // namespace dh::domains
