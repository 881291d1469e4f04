#include "domains/domain_service.hpp"

#include "audit/audit.hpp"
#include "common/error.hpp"
#include "common/log.hpp"
#include "common/random.hpp"
#include "common/strings.hpp"
#include "db/tx.hpp"
#include "delivery/notification_store.hpp"
#include "domains/dkim_key.hpp"
#include "domains/domain_name.hpp"
#include "domains/domain_store.hpp"

namespace dh::domains {
namespace {

Domain existing(db::Tx& tx, const std::string& id) {
    if (!strings::is_uuid(id)) throw Error::not_found("Domain");
    auto d = domain_store::by_id(tx, id);
    if (!d) throw Error::not_found("Domain");
    return *d;
}

/// Why the required records could not be checked, or nullopt when every lookup was answered.
std::optional<std::string> lookup_error(const std::vector<DnsRecord>& records, const std::vector<TxtLookup>& lookups) {
    for (std::size_t i = 0; i < records.size() && i < lookups.size(); ++i)
        if (lookups[i].error && (records[i].purpose == "ownership" || records[i].purpose == "dkim"))
            return "The DNS records could not be checked (" + records[i].name + ": " + *lookups[i].error +
                   "); the domain keeps its status until a lookup succeeds.";
    return std::nullopt;
}

/// A status change, audited as the platform's doing (a lookup, not a person, decided it).
void record_change(db::Tx& tx, const Domain& before, const std::string& status) {
    audit::Entry e;
    e.tenant_id = before.tenant_id;
    e.actor_label = "domain check";
    e.action = "domain." + status;
    e.target_type = "domain";
    e.target_id = before.id;
    e.details = {{"domain", before.domain}, {"from", before.status}, {"to", status}};
    audit::record(tx, e);
}

/// The records that keep a domain from being proven, as "name (status)" lines for a notice.
std::string unproven_records(const std::vector<DnsRecord>& records) {
    std::string out;
    for (auto& r : records)
        if ((r.purpose == "ownership" || r.purpose == "dkim") && r.status != "verified")
            out += "  - " + r.type + " " + r.name + ": " +
                   (r.status == "mismatch" ? "a different value is published" : "not found") + "\n";
    return out;
}

/// The tenant's admins hear of each status change by mail: a failing domain holds their mail.
void notify_admins(db::Tx& tx, const Domain& before, const std::string& status, const std::vector<DnsRecord>& records) {
    std::string subject, body;
    if (status == "failing") {
        subject = "Sending domain " + before.domain + " is failing its DNS check";
        body = "The DNS records of " + before.domain + " no longer prove that this workspace may send from it:\n" +
               unproven_records(records) + "\nDispatches from addresses at " + before.domain +
               " are held until the records are back and the domain verifies again; nothing is lost.\n"
               "Settings > Domains shows what we expect and what the DNS answered, and \"Check now\" checks again.\n";
    } else if (status == "verified") {
        subject = "Sending domain " + before.domain + " is verified";
        body = "The DNS records of " + before.domain + " are in place: mail from its addresses is signed with DKIM" +
               (before.status == "failing" ? " and the dispatches held while it was failing are being sent." : ".") +
               "\n";
    } else {
        return;
    }
    delivery::notification_store::queue_for_tenant_admins(tx, before.tenant_id, "domain." + status, subject, body);
}

}  // namespace

DomainService::DomainService(db::Pool& pool, const DnsResolver& resolver, webhooks::SecretSeal seal, Options options)
    : pool_(pool), resolver_(resolver), seal_(std::move(seal)), options_(std::move(options)) {}

Domain DomainService::presented(Domain d) const {
    d.records = with_latest(expected_records(d, options_.advice), d.records);
    return d;
}

Domain DomainService::add(const auth::Principal& caller, const std::string& name, const auth::Origin& origin) {
    auto domain = normalize_domain(name, options_.mail_domain);
    auto key = generate_rsa_key(2048);
    domain_store::NewDomain n{
        *caller.tenant_id,           domain,      random::token(24), new_selector(), key.public_base64,
        seal_.seal(key.private_pem), std::nullopt};
    if (caller.kind == auth::Principal::Kind::user) n.created_by = caller.id;
    return db::with_tx(pool_, db::Scope::tenant(*caller.tenant_id), [&](db::Tx& tx) {
        if (domain_store::count(tx) >= kMaxDomainsPerTenant)
            throw Error::conflict("domain_limit",
                                  "A tenant may add at most " + std::to_string(kMaxDomainsPerTenant) + " domains.");
        if (domain_store::exists(tx, domain)) throw Error::conflict("domain_exists", "This domain is added already.");
        auto id = domain_store::insert(tx, n);
        auto entry = audit::by(caller, origin.request_id, origin.client_ip, "domain.created", "domain", id);
        entry.details = {{"domain", domain}};
        audit::record(tx, entry);
        return presented(*domain_store::by_id(tx, id));
    });
}

std::vector<Domain> DomainService::list(const std::string& tenant_id) {
    auto rows = db::with_tx(pool_, db::Scope::tenant(tenant_id), [&](db::Tx& tx) { return domain_store::list(tx); });
    for (auto& d : rows) d = presented(std::move(d));
    return rows;
}

Domain DomainService::get(const std::string& tenant_id, const std::string& id) {
    return presented(db::with_tx(pool_, db::Scope::tenant(tenant_id), [&](db::Tx& tx) { return existing(tx, id); }));
}

void DomainService::remove(const auth::Principal& caller, const std::string& id, const auth::Origin& origin) {
    db::with_tx(pool_, db::Scope::tenant(*caller.tenant_id), [&](db::Tx& tx) {
        auto d = existing(tx, id);
        if (domain_store::active_dispatches(tx, d.domain) > 0)
            throw Error::conflict("domain_in_use", "A queued or sending dispatch is from this domain.");
        domain_store::remove(tx, id);
        auto entry = audit::by(caller, origin.request_id, origin.client_ip, "domain.deleted", "domain", id);
        entry.details = {{"domain", d.domain}};
        audit::record(tx, entry);
    });
}

Domain DomainService::set_ed25519(const auth::Principal& caller, const std::string& id, bool enabled,
                                  const auth::Origin& origin) {
    auto key = enabled ? std::optional<DkimKeyPair>(generate_ed25519_key()) : std::nullopt;
    return db::with_tx(pool_, db::Scope::tenant(*caller.tenant_id), [&](db::Tx& tx) {
        auto d = existing(tx, id);
        if (d.ed25519_selector.has_value() == enabled) return presented(d);
        std::optional<domain_store::SealedKey> sealed;
        if (key) sealed = domain_store::SealedKey{new_selector(), seal_.seal(key->private_pem)};
        domain_store::set_ed25519_key(tx, id, sealed,
                                      key ? std::optional<std::string>(key->public_base64) : std::nullopt);
        auto entry = audit::by(caller, origin.request_id, origin.client_ip,
                               enabled ? "domain.ed25519_enabled" : "domain.ed25519_disabled", "domain", id);
        entry.details = {{"domain", d.domain}};
        if (sealed) entry.details["selector"] = sealed->selector;
        audit::record(tx, entry);
        return presented(*domain_store::by_id(tx, id));
    });
}

Domain DomainService::verify(const std::string& tenant_id, const std::string& id) {
    auto scope = db::Scope::tenant(tenant_id);
    auto d = db::with_tx(pool_, scope, [&](db::Tx& tx) { return existing(tx, id); });
    return check(scope, d);
}

Domain DomainService::rotate_dkim(const auth::Principal& caller, const std::string& id, const auth::Origin& origin) {
    auto key = generate_rsa_key(2048);
    auto selector = new_selector();
    return db::with_tx(pool_, db::Scope::tenant(*caller.tenant_id), [&](db::Tx& tx) {
        auto d = existing(tx, id);
        domain_store::set_next_key(tx, id, selector, key.public_base64, seal_.seal(key.private_pem));
        auto entry =
            audit::by(caller, origin.request_id, origin.client_ip, "domain.dkim_rotation_started", "domain", id);
        entry.details = {{"domain", d.domain}, {"selector", selector}};
        audit::record(tx, entry);
        return presented(*domain_store::by_id(tx, id));
    });
}

std::vector<Domain> DomainService::all() {
    auto rows = db::with_tx(pool_, db::Scope::platform(), [&](db::Tx& tx) { return domain_store::list(tx); });
    for (auto& d : rows) d = presented(std::move(d));
    return rows;
}

int DomainService::recheck_due(long long interval_seconds) {
    auto due = db::with_tx(pool_, db::Scope::platform(),
                           [&](db::Tx& tx) { return domain_store::due_for_check(tx, interval_seconds, 100); });
    for (auto& d : due) check(db::Scope::tenant(d.tenant_id), d);
    return static_cast<int>(due.size());
}

/// The next key's record verified: it becomes the signing key, the old one is retired.
void DomainService::finish_rotation(const Domain& d) {
    db::with_tx(pool_, db::Scope::platform(), [&](db::Tx& tx) {
        if (!domain_store::promote_next_key(tx, d.id, *d.next_selector)) return;
        audit::Entry e;
        e.tenant_id = d.tenant_id;
        e.actor_label = "domain check";
        e.action = "domain.dkim_rotated";
        e.target_type = "domain";
        e.target_id = d.id;
        e.details = {{"domain", d.domain}, {"retired_selector", d.dkim_selector}, {"selector", *d.next_selector}};
        audit::record(tx, e);
    });
}

/// The lookups run outside any transaction (they may take seconds); the outcome is saved after.
Domain DomainService::check(const db::Scope& scope, const Domain& d) {
    auto records = presented(d).records;
    auto lookups = resolver_.lookup(lookup_queries(records));
    auto error = lookup_error(records, lookups);
    apply_lookups(records, lookups);
    bool proven = proves_domain(records, d.dkim_selector, d.domain) ||
                  (d.next_selector && proves_domain(records, *d.next_selector, d.domain));
    if (!error && d.next_selector && dkim_verified(records, *d.next_selector, d.domain)) finish_rotation(d);
    return db::with_tx(pool_, scope, [&](db::Tx& tx) {
        // The status is decided against the row as it is now, locked: an explicit check and the
        // background re-check may run at once, and the change must be recorded and mailed once.
        auto current = domain_store::lock_status(tx, d.id);
        if (!current) throw Error::not_found("Domain");
        Domain before = d;
        before.status = *current;
        auto status = error ? before.status : next_status(before.status, proven);
        if (!domain_store::save_check(tx, d.id, status, records, error)) throw Error::not_found("Domain");
        if (status != before.status) {
            record_change(tx, before, status);
            notify_admins(tx, before, status, records);
            log::info("sending domain status changed",
                      {{"domain", d.domain}, {"tenant_id", d.tenant_id}, {"from", before.status}, {"to", status}});
        }
        return presented(*domain_store::by_id(tx, d.id));
    });
}

}  // namespace dh::domains
