#include "domains/signing_keys.hpp"

#include "common/log.hpp"
#include "common/strings.hpp"
#include "db/tx.hpp"
#include "domains/domain_store.hpp"

namespace dh::domains {

SigningKeys::SigningKeys(db::Pool& pool, webhooks::SecretSeal seal, std::chrono::seconds ttl)
    : pool_(pool), seal_(std::move(seal)), ttl_(ttl) {}

std::shared_ptr<const DkimKey> SigningKeys::for_sender(const std::string& tenant_id, const std::string& from_email) {
    auto at = from_email.rfind('@');
    if (at == std::string::npos) return nullptr;
    auto domain = strings::to_lower(from_email.substr(at + 1));
    auto id = tenant_id + " " + domain;
    auto now = std::chrono::steady_clock::now();
    {
        std::lock_guard lock(mutex_);
        if (auto it = cache_.find(id); it != cache_.end() && it->second.expires > now) return it->second.key;
    }
    auto key = load(tenant_id, domain);
    std::lock_guard lock(mutex_);
    if (cache_.size() > 1024) cache_.clear();  // domains are few; a simple bound keeps memory flat
    cache_[id] = {key, now + ttl_};
    return key;
}

std::shared_ptr<const DkimKey> SigningKeys::load(const std::string& tenant_id, const std::string& domain) {
    auto sealed = db::with_tx(pool_, db::Scope::platform(),
                              [&](db::Tx& tx) { return domain_store::signing_key(tx, tenant_id, domain); });
    if (!sealed) return nullptr;
    auto pem = seal_.open(sealed->private_sealed);
    if (!pem) {
        // Sealed under another JWT_SECRET: the domain needs a new key (rotate-dkim), mail goes unsigned.
        log::warn("DKIM key cannot be opened (JWT_SECRET changed?)", {{"domain", domain}, {"tenant_id", tenant_id}});
        return nullptr;
    }
    return std::make_shared<const DkimKey>(domain, sealed->selector, *pem);
}

}  // namespace dh::domains
