#pragma once
#include <optional>
#include <string>
#include <vector>

#include "auth/auth_service.hpp"
#include "auth/principal.hpp"
#include "domains/dns_lookup.hpp"
#include "domains/domain.hpp"
#include "domains/domain_records.hpp"
#include "webhooks/secret_seal.hpp"

namespace dh::db {
class Pool;
struct Scope;
}  // namespace dh::db

namespace dh::domains {

/// A tenant may add this many domains: each is looked up again in the background.
constexpr long long kMaxDomainsPerTenant = 50;

/// Tenants' sending domains: added with a fresh token and DKIM key (the private key sealed),
/// verified by looking their records up, re-checked in the background. Tenant calls run under the
/// caller's tenant (RLS); changes are audited.
class DomainService {
public:
    struct Options {
        std::string mail_domain;  ///< the platform's own, which no tenant may add
        RecordAdvice advice;
        bool signing = true;  ///< DKIM_SIGNING: off when the relay signs
    };
    DomainService(db::Pool& pool, const DnsResolver& resolver, webhooks::SecretSeal seal, Options options);

    Domain add(const auth::Principal& caller, const std::string& name, const auth::Origin& origin);
    std::vector<Domain> list(const std::string& tenant_id);
    Domain get(const std::string& tenant_id, const std::string& id);
    /// Refused (409) while a queued or sending dispatch is from an address at the domain.
    void remove(const auth::Principal& caller, const std::string& id, const auth::Origin& origin);
    /// Looks the records up now. When DNS cannot answer, the domain keeps its status and records
    /// and carries check_error.
    Domain verify(const std::string& tenant_id, const std::string& id);
    /// A new selector and key published beside the current one; it signs once its record verifies
    /// (at a check), and the old key is retired then.
    Domain rotate_dkim(const auth::Principal& caller, const std::string& id, const auth::Origin& origin);
    /// Turns the second, Ed25519 signature (RFC 8463) on (a new key and selector, its record to
    /// publish; it signs once that record verifies) or off (the key is deleted). Already in the
    /// asked state: nothing changes.
    Domain set_ed25519(const auth::Principal& caller, const std::string& id, bool enabled, const auth::Origin& origin);
    /// Every tenant's domains (super admin).
    std::vector<Domain> all();
    /// Checks the domains not checked for `interval_seconds` (any tenant); how many were checked.
    int recheck_due(long long interval_seconds);
    bool signing() const { return options_.signing; }

private:
    Domain check(const db::Scope& scope, const Domain& d);
    Domain presented(Domain d) const;
    void finish_rotation(const Domain& d);

    db::Pool& pool_;
    const DnsResolver& resolver_;
    webhooks::SecretSeal seal_;
    Options options_;
};

}  // namespace dh::domains
