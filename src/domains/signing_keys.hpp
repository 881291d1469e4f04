#pragma once
#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "domains/dkim_signer.hpp"
#include "domains/domain_store.hpp"
#include "webhooks/secret_seal.hpp"

namespace dh::db {
class Pool;
}

namespace dh::domains {

/// The keys one message is signed with, in signing order (empty: the message goes unsigned).
using SenderKeys = std::vector<std::shared_ptr<const DkimKey>>;

/// How mail from one sender address leaves: its signing keys, and the domain of its envelope
/// sender when the sending domain's return-path record (bounce.<domain>) is verified.
struct SenderSigning {
    SenderKeys keys;
    std::optional<std::string> return_path_domain;
};

/// The DKIM keys the workers sign with: a tenant's verified domain's current RSA key, and its
/// Ed25519 key when enabled and published, opened from their sealed form and kept for a short while
/// (a rotation or a failing domain is seen within `ttl`).
class SigningKeys {
public:
    SigningKeys(db::Pool& pool, webhooks::SecretSeal seal, std::chrono::seconds ttl = std::chrono::seconds(30));
    /// The keys for mail of tenant `tenant_id` from `from_email`; none when its domain is not a
    /// verified sending domain of the tenant.
    SenderSigning for_sender(const std::string& tenant_id, const std::string& from_email);

    /// The platform's key for its own mail from `from_email` (notices, password resets), made and
    /// stored on first use. Empty when the address has no domain or the key cannot be opened.
    SenderKeys platform(const std::string& from_email);

    /// The DNS record (name and TXT value) that publishes the platform key of `domain`, making the
    /// key when there is none yet.
    std::pair<std::string, std::string> platform_record(const std::string& domain);

private:
    struct Entry {
        SenderSigning signing;
        std::chrono::steady_clock::time_point expires;
    };
    SenderSigning load(const std::string& tenant_id, const std::string& domain);
    domain_store::PlatformKey platform_key(const std::string& domain);

    db::Pool& pool_;
    webhooks::SecretSeal seal_;
    std::chrono::seconds ttl_;
    std::mutex mutex_;
    std::map<std::string, Entry> cache_;
};

}  // namespace dh::domains
