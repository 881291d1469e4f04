#pragma once
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "delivery/queue_store.hpp"
#include "mail/transport.hpp"

namespace dh::db {
class Pool;
}
namespace dh::mail {
class PreparedAttachment;
}
namespace dh::domains {
class SigningKeys;
}

namespace dh::delivery {

/// A delivery ready for the transport, and the subject line to remember for the vendor's history.
struct RenderedDelivery {
    mail::OutgoingMessage message;
    std::optional<std::string> subject;  ///< set only when the subject has merge fields
};

/// Turns a claimed delivery into wire-ready bytes. A dispatch's template and attachments are
/// prepared once and cached; each recipient costs a merge and a MIME assembly.
class Renderer {
public:
    /// `signing`: DKIM keys of the tenants' verified domains (nullptr: DKIM_SIGNING=off, the relay signs).
    Renderer(db::Pool& pool, std::string data_dir, std::string mail_domain, std::string routing_key,
             domains::SigningKeys* signing = nullptr);
    ~Renderer();
    /// Throws dh::Error when the message can never be built (it is then failed, not retried).
    RenderedDelivery render(const queue_store::Claimed& delivery);

private:
    struct Prepared;
    std::shared_ptr<const Prepared> prepared(const std::string& dispatch_id);
    std::shared_ptr<const mail::PreparedAttachment> load_attachment(const queue_store::StoredFile& file) const;

    db::Pool& pool_;
    std::string data_dir_, mail_domain_, routing_key_;
    domains::SigningKeys* signing_;
    std::mutex mutex_;
    std::unordered_map<std::string, std::shared_ptr<const Prepared>> cache_;
};

/// The key of reply/bounce routing tokens, derived from the JWT secret (one secret to manage).
std::string derive_routing_key(const std::string& jwt_secret);

}  // namespace dh::delivery
