#pragma once
#include <string>
#include <vector>

#include "domains/dns_lookup.hpp"
#include "domains/domain.hpp"

namespace dh::domains {

/// What the SPF advice must include for the configured transport, e.g. "include:amazonses.com".
struct RecordAdvice {
    std::string spf_mechanism;
    /// Where bounce.<domain> points (a CNAME) so that the envelope sender aligns with the domain:
    /// the platform's MAIL_DOMAIN, whose MX is the inbound listener. Empty: no return-path record.
    std::string return_path_target;
};

/// The records a domain asks for, each with status "missing" (ownership, dkim) or "advisory" (spf,
/// dmarc) and nothing found: ownership TXT at _dispatchhub.<domain> with the token, one DKIM TXT per
/// key (the current one and, during a rotation, the next), SPF and DMARC advice.
std::vector<DnsRecord> expected_records(const Domain& d, const RecordAdvice& advice);

/// `expected` with the status and found values of the same record (purpose and name) in `latest`,
/// the outcome of the previous lookup: keys and tokens come from the domain, statuses from DNS.
std::vector<DnsRecord> with_latest(std::vector<DnsRecord> expected, const std::vector<DnsRecord>& latest);

/// The lookups for `records`, in order (one per record, of the record's type).
std::vector<DnsQuery> lookup_queries(const std::vector<DnsRecord>& records);

/// Each record's status and `found` from its lookup (same order): ownership verified when one
/// TXT value is the token, dkim verified when one record's p= is the key (whitespace ignored),
/// mismatch when the name has other TXT values, missing when none; the return path verified when the
/// CNAME points at the target; spf and dmarc stay advisory and
/// show the v=spf1 / v=DMARC1 values found. Lookups with an error leave their record untouched.
void apply_lookups(std::vector<DnsRecord>& records, const std::vector<TxtLookup>& lookups);

/// True when the ownership record and the current key's DKIM record are verified.
bool proves_domain(const std::vector<DnsRecord>& records, const std::string& dkim_selector, const std::string& domain);

/// True when the optional return-path record (bounce.<domain>) is verified: the envelope sender may
/// then be at bounce.<domain>.
bool return_path_verified(const std::vector<DnsRecord>& records);

/// True when the DKIM record of `selector` is verified (the next key of a rotation may then sign).
bool dkim_verified(const std::vector<DnsRecord>& records, const std::string& selector, const std::string& domain);

/// The domain's next status: verified when proven; otherwise pending until it was verified once,
/// failing after.
std::string next_status(const std::string& current, bool proven);

/// The p= value of a DKIM record, whitespace removed ("" when it has none).
std::string dkim_public_key(const std::string& record_value);

}  // namespace dh::domains
