#pragma once
#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "domains/dkim_signer.hpp"
#include "webhooks/secret_seal.hpp"

namespace dh::db {
class Pool;
}

namespace dh::domains {

/// The DKIM keys the workers sign with: a tenant's verified domain's current key, opened from its
/// sealed form and kept for a short while (a rotation or a failing domain is seen within `ttl`).
class SigningKeys {
public:
    SigningKeys(db::Pool& pool, webhooks::SecretSeal seal, std::chrono::seconds ttl = std::chrono::seconds(30));
    /// The key for mail of tenant `tenant_id` from `from_email`, or nullptr when its domain is not a
    /// verified sending domain of the tenant.
    std::shared_ptr<const DkimKey> for_sender(const std::string& tenant_id, const std::string& from_email);

private:
    struct Entry {
        std::shared_ptr<const DkimKey> key;
        std::chrono::steady_clock::time_point expires;
    };
    std::shared_ptr<const DkimKey> load(const std::string& tenant_id, const std::string& domain);

    db::Pool& pool_;
    webhooks::SecretSeal seal_;
    std::chrono::seconds ttl_;
    std::mutex mutex_;
    std::map<std::string, Entry> cache_;
};

}  // namespace dh::domains
