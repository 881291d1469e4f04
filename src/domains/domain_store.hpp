#pragma once
#include <optional>
#include <string>
#include <vector>

#include "domains/domain.hpp"

namespace dh::db {
class Tx;
}

/// SQL of sending domains. Tenant statements run in the tenant's scope (RLS); the background
/// re-check, the super admin's list and the signer's key lookup in the platform scope.
namespace dh::domains::domain_store {

struct NewDomain {
    std::string tenant_id, domain, ownership_token, dkim_selector, dkim_public, dkim_private_sealed;
    std::optional<std::string> created_by;
};

std::string insert(db::Tx& tx, const NewDomain& d);
std::optional<Domain> by_id(db::Tx& tx, const std::string& id);
/// The tenant's domains (or, in the platform scope, every tenant's), by name.
std::vector<Domain> list(db::Tx& tx);
long long count(db::Tx& tx);
bool exists(db::Tx& tx, const std::string& domain);
/// False when there was no such domain.
bool remove(db::Tx& tx, const std::string& id);
/// Dispatches that are queued or being sent from an address at `domain`.
long long active_dispatches(db::Tx& tx, const std::string& domain);

/// Locks the domain's row until the transaction ends and answers its status (nullopt: gone), so
/// that of two checks saving at once only the first sees, and announces, a change.
std::optional<std::string> lock_status(db::Tx& tx, const std::string& id);

/// The outcome of a lookup: status, records, check_error (nullopt: the lookup was made); sets
/// checked_at, and verified_at when the domain becomes verified. False when the domain is gone.
bool save_check(db::Tx& tx, const std::string& id, const std::string& status, const std::vector<DnsRecord>& records,
                const std::optional<std::string>& check_error);

/// A sealed private key and its selector.
struct SealedKey {
    std::string selector, private_sealed;
};

/// Enables Ed25519 signing with `key` (its public half `public_key`), or disables it (nullopt).
void set_ed25519_key(db::Tx& tx, const std::string& id, const std::optional<SealedKey>& key,
                     const std::optional<std::string>& public_key);

/// Starts a rotation: the next key beside the current one (replacing an earlier unfinished one).
void set_next_key(db::Tx& tx, const std::string& id, const std::string& selector, const std::string& public_key,
                  const std::string& private_sealed);
/// Ends a rotation whose next key (`selector`) verified: it becomes the current key, the old one is
/// retired. Platform scope: it moves the sealed key, which the API role cannot read.
bool promote_next_key(db::Tx& tx, const std::string& id, const std::string& selector);

/// Domains (any tenant) not checked for `interval_seconds`, oldest check first (platform scope).
std::vector<Domain> due_for_check(db::Tx& tx, long long interval_seconds, int limit);

/// The platform's key for its own mail from `domain` (platform scope).
struct PlatformKey {
    std::string selector, public_key, private_sealed;
};
std::optional<PlatformKey> platform_key(db::Tx& tx, const std::string& domain);
/// Stores `key` as the platform key of `domain` unless one exists (two workers starting at once:
/// the first one's key wins); answers the key that is stored.
PlatformKey keep_platform_key(db::Tx& tx, const std::string& domain, const PlatformKey& key);

/// The status of the tenant's `domain` (pending | verified | failing), nullopt when not added.
std::optional<std::string> status_of(db::Tx& tx, const std::string& domain);

/// The current signing keys of a tenant's verified domain (platform scope: the API role cannot read
/// them): the RSA key, and the Ed25519 key when enabled and its record verified at the latest check.
struct SigningKeyRow {
    SealedKey rsa;
    std::optional<SealedKey> ed25519;
    bool return_path = false;  ///< bounce.<domain> verified at the latest check
};
std::optional<SigningKeyRow> signing_key(db::Tx& tx, const std::string& tenant_id, const std::string& domain);

}  // namespace dh::domains::domain_store
