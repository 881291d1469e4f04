#pragma once
#include <optional>
#include <string>
#include <vector>

#include "auth/auth_service.hpp"
#include "auth/principal.hpp"
#include "webhooks/address_policy.hpp"
#include "webhooks/secret_seal.hpp"
#include "webhooks/webhook.hpp"

namespace dh::db {
class Pool;
}

namespace dh::webhooks {

/// A tenant may register this many endpoints: each one multiplies the work of every event.
constexpr long long kMaxEndpointsPerTenant = 20;

/// Throws a validation error naming the field for a bad URL (syntax, scheme, credentials), an
/// empty or unknown event list, or a long description. Pure: no DNS.
void validate(const NewEndpoint& e, const TargetRules& rules);

/// Tenant admins' webhook endpoints. Every call runs under the caller's tenant (RLS); create and
/// delete are audited (without the secret).
class WebhookService {
public:
    WebhookService(db::Pool& pool, TargetRules rules, SecretSeal seal)
        : pool_(pool), rules_(rules), seal_(std::move(seal)) {}

    /// Validates, resolves the host (every address must be allowed), stores the secret sealed.
    CreatedEndpoint create(const auth::Principal& caller, const NewEndpoint& input, const auth::Origin& origin);
    std::vector<Endpoint> list(const std::string& tenant_id, int limit, const std::optional<std::string>& after_created,
                               const std::optional<std::string>& after_id);
    Endpoint get(const std::string& tenant_id, const std::string& id);
    void remove(const auth::Principal& caller, const std::string& id, const auth::Origin& origin);
    /// A new signing secret, shown this once; the old one stops working at once (every attempt is
    /// signed when it is sent, so queued events go out under the new one).
    CreatedEndpoint rotate_secret(const auth::Principal& caller, const std::string& id, const auth::Origin& origin);
    /// Sends a delivered or failed event to the endpoint again, with a new series of attempts. A
    /// pending or sending one is a conflict: the sender has it already.
    EventDelivery redeliver(const auth::Principal& caller, const std::string& endpoint_id,
                            const std::string& delivery_id, const auth::Origin& origin);
    std::vector<EventDelivery> deliveries(const std::string& tenant_id, const std::string& endpoint_id,
                                          const std::optional<std::string>& status, int limit,
                                          const std::optional<std::string>& after_created,
                                          const std::optional<std::string>& after_id);

private:
    db::Pool& pool_;
    TargetRules rules_;
    SecretSeal seal_;
};

}  // namespace dh::webhooks
