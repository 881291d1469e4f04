#pragma once
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "domains/domain.hpp"

namespace dh::domains {

/// One name to look up and the record type asked for.
struct DnsQuery {
    enum class Type { txt, cname };
    std::string name;
    Type type = Type::txt;
};

/// TXT and CNAME lookups through c-ares, with a timeout per try: a resolver that answers SERVFAIL, times out
/// or cannot be reached gives a TxtLookup with `error` ("could not be checked"), never an empty
/// answer that would read as a missing record.
class DnsResolver {
public:
    struct Options {
        std::optional<std::string> server;        ///< DNS_RESOLVER host:port; unset: the system's resolv.conf
        std::chrono::milliseconds timeout{2000};  ///< per try
        int tries = 2;
    };
    explicit DnsResolver(Options options);

    /// The TXT records of each name (in the order given), looked up in parallel. Each record's
    /// character-strings are joined, as DKIM (RFC 6376 3.6.2.2) and SPF read them.
    std::vector<TxtLookup> txt(const std::vector<std::string>& names) const;
    /// Each query's answer (in the order given), in parallel: TXT values as txt() gives them; for a
    /// CNAME, the target name (lower case, without the trailing dot).
    std::vector<TxtLookup> lookup(const std::vector<DnsQuery>& queries) const;

private:
    Options options_;
};

/// "host:port" (or "host"; an IPv6 address in brackets) as DNS_RESOLVER takes it; throws
/// std::invalid_argument when it is not.
void validate_resolver_address(const std::string& server);

}  // namespace dh::domains
