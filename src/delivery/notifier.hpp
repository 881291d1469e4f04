#pragma once
#include <string>
#include <vector>

#include "delivery/lease_renewal.hpp"
#include "delivery/notification_store.hpp"
#include "delivery/outcome_policy.hpp"
#include "mail/transport.hpp"

namespace dh::db {
class Pool;
}
namespace dh::domains {
class SigningKeys;
}

namespace dh::delivery {

/// Sends platform notifications (ticket mail) through the workers' transport, from the platform
/// sender. They are no deliveries: no dispatch, no quota, no tenant usage row is ever touched.
class Notifier {
public:
    struct Options {
        std::string sender;       ///< PLATFORM_SENDER: From and envelope sender
        std::string sender_name;  ///< PLATFORM_SENDER_NAME
        std::string mail_domain;  ///< of the Message-IDs
        int batch = 20;
        int lease_seconds = 60;
        int retry_base_seconds = 60;
        int retry_max_age_seconds = 86400;
        int relay_probe_seconds = 30;
    };
    /// `signing` (optional, unless DKIM_SIGNING=off): the platform's key signs every notification.
    Notifier(db::Pool& pool, mail::Transport& transport, Options options, domains::SigningKeys* signing = nullptr);

    /// Resolves the recipients of new notifications, then sends one batch of due ones leased to
    /// `owner` and records each outcome. Returns the number sent or tried.
    int run_once(const std::string& owner);

private:
    void resolve();
    std::vector<mail::DeliveryResult> send(const std::string& owner,
                                           const std::vector<notification_store::Claimed>& claimed,
                                           const std::vector<mail::OutgoingMessage>& messages);
    mail::OutgoingMessage render(const notification_store::Claimed& n) const;
    notification_store::Outcome outcome_of(const notification_store::Claimed& n, const mail::DeliveryResult& r) const;

    db::Pool& pool_;
    mail::Transport& transport_;
    Options options_;
    OutcomePolicy policy_;
    domains::SigningKeys* signing_;
    LeaseKeeper leases_;  ///< renews the leases of the notifications on the wire, on one thread
};

}  // namespace dh::delivery
