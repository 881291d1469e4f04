#include "domains/signing_keys.hpp"

#include "common/log.hpp"
#include "common/strings.hpp"
#include "db/tx.hpp"
#include "domains/dkim_key.hpp"
#include "domains/domain_store.hpp"

namespace dh::domains {

SigningKeys::SigningKeys(db::Pool& pool, webhooks::SecretSeal seal, std::chrono::seconds ttl)
    : pool_(pool), seal_(std::move(seal)), ttl_(ttl) {}

SenderSigning SigningKeys::for_sender(const std::string& tenant_id, const std::string& from_email) {
    auto at = from_email.rfind('@');
    if (at == std::string::npos) return {};
    auto domain = strings::to_lower(from_email.substr(at + 1));
    auto id = tenant_id + " " + domain;
    auto now = std::chrono::steady_clock::now();
    {
        std::lock_guard lock(mutex_);
        if (auto it = cache_.find(id); it != cache_.end() && it->second.expires > now) return it->second.signing;
    }
    auto signing = load(tenant_id, domain);
    std::lock_guard lock(mutex_);
    if (cache_.size() > 1024) cache_.clear();  // domains are few; a simple bound keeps memory flat
    cache_[id] = {signing, now + ttl_};
    return signing;
}

SenderSigning SigningKeys::load(const std::string& tenant_id, const std::string& domain) {
    auto row = db::with_tx(pool_, db::Scope::platform(),
                           [&](db::Tx& tx) { return domain_store::signing_key(tx, tenant_id, domain); });
    if (!row) return {};
    SenderSigning out;
    if (row->return_path) out.return_path_domain = "bounce." + domain;
    // Ed25519 first, so that the RSA signature, which every receiver checks, is the top-most field.
    for (auto* sealed : {row->ed25519 ? &*row->ed25519 : nullptr, &row->rsa}) {
        if (!sealed) continue;
        auto pem = seal_.open(sealed->private_sealed);
        if (!pem) {
            // Sealed under another JWT_SECRET: the domain needs a new key (rotate-dkim), mail goes unsigned.
            log::warn("DKIM key cannot be opened (JWT_SECRET changed?)",
                      {{"domain", domain}, {"tenant_id", tenant_id}});
            out.keys.clear();
            return out;
        }
        out.keys.push_back(std::make_shared<const DkimKey>(domain, sealed->selector, *pem));
    }
    return out;
}

domain_store::PlatformKey SigningKeys::platform_key(const std::string& domain) {
    auto stored =
        db::with_tx(pool_, db::Scope::platform(), [&](db::Tx& tx) { return domain_store::platform_key(tx, domain); });
    if (stored) return *stored;
    auto pair = generate_rsa_key(2048);
    domain_store::PlatformKey fresh{new_selector(), pair.public_base64, seal_.seal(pair.private_pem)};
    auto kept = db::with_tx(pool_, db::Scope::platform(),
                            [&](db::Tx& tx) { return domain_store::keep_platform_key(tx, domain, fresh); });
    log::info("platform DKIM key made; publish its record (dispatchhub admin dkim-record)",
              {{"domain", domain}, {"selector", kept.selector}});
    return kept;
}

SenderKeys SigningKeys::platform(const std::string& from_email) {
    auto at = from_email.rfind('@');
    if (at == std::string::npos) return {};
    auto domain = strings::to_lower(from_email.substr(at + 1));
    auto id = " platform " + domain;  // no tenant id starts with a space
    auto now = std::chrono::steady_clock::now();
    {
        std::lock_guard lock(mutex_);
        if (auto it = cache_.find(id); it != cache_.end() && it->second.expires > now) return it->second.signing.keys;
    }
    auto key = platform_key(domain);
    SenderKeys keys;
    if (auto pem = seal_.open(key.private_sealed))
        keys.push_back(std::make_shared<const DkimKey>(domain, key.selector, *pem));
    else
        log::warn("platform DKIM key cannot be opened (JWT_SECRET changed?); platform mail goes unsigned",
                  {{"domain", domain}});
    std::lock_guard lock(mutex_);
    cache_[id] = {{keys, std::nullopt}, now + ttl_};
    return keys;
}

std::pair<std::string, std::string> SigningKeys::platform_record(const std::string& domain) {
    auto key = platform_key(strings::to_lower(domain));
    return {key.selector + "._domainkey." + strings::to_lower(domain), "v=DKIM1; k=rsa; p=" + key.public_key};
}

}  // namespace dh::domains
