#include "webhooks/webhook_service.hpp"

#include <set>

#include "audit/audit.hpp"
#include "common/error.hpp"
#include "common/strings.hpp"
#include "db/tx.hpp"
#include "webhooks/event_outbox.hpp"
#include "webhooks/signing.hpp"
#include "webhooks/webhook_store.hpp"

namespace dh::webhooks {
namespace {

Endpoint existing(db::Tx& tx, const std::string& id) {
    if (!strings::is_uuid(id)) throw Error::not_found("Webhook");
    auto e = webhook_store::by_id(tx, id);
    if (!e) throw Error::not_found("Webhook");
    return *e;
}

void record(db::Tx& tx, const auth::Principal& actor, const auth::Origin& origin, const std::string& action,
            const Endpoint& e) {
    auto entry = audit::by(actor, origin.request_id, origin.client_ip, action, "webhook", e.id);
    entry.tenant_id = e.tenant_id;
    entry.details = {{"url", e.url}, {"events", e.events}};
    audit::record(tx, entry);
}

/// The events without repeats, in the order given.
std::vector<std::string> distinct(const std::vector<std::string>& events) {
    std::vector<std::string> out;
    for (auto& e : events)
        if (std::find(out.begin(), out.end(), e) == out.end()) out.push_back(e);
    return out;
}

}  // namespace

void validate(const NewEndpoint& e, const TargetRules& rules) {
    auto parsed = parse_target(e.url, rules);
    if (!parsed.target) throw Error::invalid_field("url", parsed.refused);
    if (e.events.empty()) throw Error::invalid_field("events", "must name at least one event type");
    for (auto& type : e.events)
        if (!event_outbox::is_event_type(type))
            throw Error::invalid_field("events", "unknown event type '" + type +
                                                     "' (delivery.sent, delivery.failed, delivery.bounced, "
                                                     "dispatch.completed, inbox.received)");
    if (e.description && (e.description->size() > 200 || strings::has_line_break_or_nul(*e.description)))
        throw Error::invalid_field("description", "must be at most 200 characters on one line");
}

CreatedEndpoint WebhookService::create(const auth::Principal& caller, const NewEndpoint& input,
                                       const auth::Origin& origin) {
    validate(input, rules_);
    auto resolved = resolve_target(*parse_target(input.url, rules_).target, rules_);
    if (!resolved.refused.empty()) throw Error::invalid_field("url", resolved.refused);
    NewEndpoint e = input;
    e.events = distinct(input.events);
    auto secret = signing::new_secret();
    return db::with_tx(pool_, db::Scope::tenant(*caller.tenant_id), [&](db::Tx& tx) {
        if (webhook_store::count(tx) >= kMaxEndpointsPerTenant)
            throw Error::conflict("webhook_limit", "A tenant may register at most " +
                                                       std::to_string(kMaxEndpointsPerTenant) + " webhooks.");
        std::optional<std::string> user;
        if (caller.kind == auth::Principal::Kind::user) user = caller.id;
        auto id = webhook_store::insert(tx, *caller.tenant_id, e, seal_.seal(secret), user, caller.label);
        auto created = *webhook_store::by_id(tx, id);
        record(tx, caller, origin, "webhook.created", created);
        return CreatedEndpoint{created, secret};
    });
}

std::vector<Endpoint> WebhookService::list(const std::string& tenant_id, int limit,
                                           const std::optional<std::string>& after_created,
                                           const std::optional<std::string>& after_id) {
    return db::with_tx(pool_, db::Scope::tenant(tenant_id),
                       [&](db::Tx& tx) { return webhook_store::list(tx, limit, after_created, after_id); });
}

Endpoint WebhookService::get(const std::string& tenant_id, const std::string& id) {
    return db::with_tx(pool_, db::Scope::tenant(tenant_id), [&](db::Tx& tx) { return existing(tx, id); });
}

void WebhookService::remove(const auth::Principal& caller, const std::string& id, const auth::Origin& origin) {
    db::with_tx(pool_, db::Scope::tenant(*caller.tenant_id), [&](db::Tx& tx) {
        auto e = existing(tx, id);
        webhook_store::remove(tx, id);
        record(tx, caller, origin, "webhook.deleted", e);
    });
}

CreatedEndpoint WebhookService::rotate_secret(const auth::Principal& caller, const std::string& id,
                                              const auth::Origin& origin) {
    auto secret = signing::new_secret();
    return db::with_tx(pool_, db::Scope::tenant(*caller.tenant_id), [&](db::Tx& tx) {
        auto e = existing(tx, id);
        webhook_store::replace_secret(tx, id, seal_.seal(secret));
        record(tx, caller, origin, "webhook.secret_rotated", e);
        return CreatedEndpoint{e, secret};
    });
}

EventDelivery WebhookService::redeliver(const auth::Principal& caller, const std::string& endpoint_id,
                                        const std::string& delivery_id, const auth::Origin& origin) {
    return db::with_tx(pool_, db::Scope::tenant(*caller.tenant_id), [&](db::Tx& tx) {
        auto e = existing(tx, endpoint_id);
        if (!strings::is_uuid(delivery_id) || !webhook_store::delivery(tx, endpoint_id, delivery_id))
            throw Error::not_found("Webhook delivery");
        if (!webhook_store::requeue(tx, endpoint_id, delivery_id))
            throw Error::conflict("webhook_delivery_in_progress",
                                  "This delivery is still pending or being sent; it needs no redelivery.");
        auto d = *webhook_store::delivery(tx, endpoint_id, delivery_id);
        auto entry = audit::by(caller, origin.request_id, origin.client_ip, "webhook.redelivered", "webhook", e.id);
        entry.tenant_id = e.tenant_id;
        entry.details = {{"delivery_id", d.id}, {"event_id", d.event_id}, {"event_type", d.event_type}};
        audit::record(tx, entry);
        return d;
    });
}

std::vector<EventDelivery> WebhookService::deliveries(const std::string& tenant_id, const std::string& endpoint_id,
                                                      const std::optional<std::string>& status, int limit,
                                                      const std::optional<std::string>& after_created,
                                                      const std::optional<std::string>& after_id) {
    static const std::set<std::string> kStatuses = {"pending", "sending", "delivered", "failed"};
    if (status && !kStatuses.count(*status))
        throw Error::invalid_field("status", "must be one of delivered, failed, pending, sending");
    return db::with_tx(pool_, db::Scope::tenant(tenant_id), [&](db::Tx& tx) {
        existing(tx, endpoint_id);
        return webhook_store::deliveries(tx, endpoint_id, status, limit, after_created, after_id);
    });
}

}  // namespace dh::webhooks
