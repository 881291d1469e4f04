#include "delivery/notifier.hpp"

#include <ctime>
#include <map>

#include "common/error.hpp"
#include "db/tx.hpp"
#include "domains/signing_keys.hpp"
#include "mail/message_id.hpp"
#include "mail/mime_builder.hpp"

namespace dh::delivery {
namespace {

using notification_store::Claimed;
using notification_store::Outcome;

Outcome failed(const std::string& id, std::string reason) {
    return {id, Outcome::Kind::failed, std::move(reason)};
}

}  // namespace

Notifier::Notifier(db::Pool& pool, mail::Transport& transport, Options options, domains::SigningKeys* signing)
    : pool_(pool),
      transport_(transport),
      options_(std::move(options)),
      policy_(retry_policy(options_.retry_base_seconds, options_.retry_max_age_seconds, options_.relay_probe_seconds)),
      signing_(signing),
      leases_(pool_, options_.lease_seconds) {}

int Notifier::run_once(const std::string& owner) {
    resolve();
    auto claimed = db::with_tx(pool_, db::Scope::platform(), [&](db::Tx& tx) {
        return notification_store::claim(tx, owner, options_.batch, options_.lease_seconds);
    });
    if (claimed.empty()) return 0;
    std::vector<Outcome> outcomes;
    std::vector<mail::OutgoingMessage> messages;
    std::map<std::string, const Claimed*> by_id;
    for (auto& n : claimed) {
        by_id[n.id] = &n;
        try {
            messages.push_back(render(n));
        } catch (const Error& e) {
            outcomes.push_back(failed(n.id, "the message could not be built: " + e.message()));
        }
    }
    if (!messages.empty())
        for (auto& r : send(owner, claimed, messages)) outcomes.push_back(outcome_of(*by_id.at(r.id), r));
    db::with_tx(pool_, db::Scope::platform(), [&](db::Tx& tx) { notification_store::record(tx, owner, outcomes); });
    return static_cast<int>(claimed.size());
}

/// One row per recipient, decided in the platform scope (a tenant transaction cannot see the super
/// admins). Nobody to tell (no active super admin, the tenant's users all disabled) ends the row.
void Notifier::resolve() {
    db::with_tx(pool_, db::Scope::platform(), [&](db::Tx& tx) {
        for (auto& id : notification_store::unresolved(tx, options_.batch)) {
            auto to = notification_store::recipients(tx, id);
            if (to.empty())
                notification_store::drop(tx, id, "nobody to notify: no active recipient");
            else
                notification_store::assign(tx, id, to);
        }
    });
}

/// Leases are renewed while the batch is on the wire, as for deliveries.
std::vector<mail::DeliveryResult> Notifier::send(const std::string& owner, const std::vector<Claimed>& claimed,
                                                 const std::vector<mail::OutgoingMessage>& messages) {
    std::vector<std::string> ids;
    for (auto& n : claimed) ids.push_back(n.id);
    auto held =
        leases_.hold(owner, [&](db::Tx& tx) { notification_store::renew(tx, owner, ids, options_.lease_seconds); });
    return transport_.send(messages);
}

mail::OutgoingMessage Notifier::render(const Claimed& n) const {
    mail::Message m;
    m.from = {options_.sender_name, options_.sender};
    m.to = {{n.to.name, n.to.email}};
    m.subject = n.subject;
    m.message_id = mail::make_message_id(n.id, options_.mail_domain);  // the same on every attempt
    m.date = std::chrono::system_clock::now();
    // RFC 3834: no auto-replies to a notification.
    m.extra_headers = {{"Auto-Submitted", "auto-generated"}, {"X-DispatchHub-Notification", n.id}};
    m.text = n.body;
    auto data = mail::build_message(m);
    if (signing_)
        for (auto& key : signing_->platform(options_.sender)) data = domains::dkim_sign(data, *key, std::time(nullptr));
    return {n.id, options_.sender, n.to.email, std::move(data)};
}

Outcome Notifier::outcome_of(const Claimed& n, const mail::DeliveryResult& r) const {
    auto next = policy_.after(r, n.attempts, n.age_seconds);
    switch (next.kind) {
        case NextStep::Kind::sent:
            return {n.id, Outcome::Kind::sent};
        case NextStep::Kind::failed:
            return failed(n.id, next.reason);
        case NextStep::Kind::retry:
            break;
    }
    return {n.id, Outcome::Kind::retry, next.reason, next.delay_seconds, !next.relay_problem};
}

}  // namespace dh::delivery
