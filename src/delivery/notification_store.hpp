#pragma once
#include <string>
#include <vector>

namespace dh::db {
class Tx;
}

/// Platform notifications (platform_notifications): mail from the platform about tickets, queued by
/// the ticket feature and sent by the workers. Platform scope only.
namespace dh::delivery::notification_store {

struct Recipient {
    std::string email, name;
};

/// A notification for one recipient, leased to a worker.
struct Claimed {
    std::string id;
    Recipient to;
    std::string subject, body;
    int attempts = 0;           ///< including this one
    long long age_seconds = 0;  ///< since the change it tells about
};

/// What became of one send.
struct Outcome {
    enum class Kind { sent, retry, failed };
    std::string id;
    Kind kind = Kind::retry;
    std::string reason;
    long long delay_seconds = 0;  ///< retry only
    bool counted = true;          ///< retry only: false when the relay, not the message, was at fault
};

/// Queues one mail per active tenant admin of `tenant_id` (no ticket; addressed directly), from a
/// tenant or platform transaction: a notice about the tenant's account, e.g. a domain that failed.
void queue_for_tenant_admins(db::Tx& tx, const std::string& tenant_id, const std::string& event,
                             const std::string& subject, const std::string& body);
/// Up to `limit` ids of notifications whose audience is not resolved yet, locked for this transaction.
std::vector<std::string> unresolved(db::Tx& tx, int limit);
/// Who notification `id` goes to now. Platform audience: the ticket's assignee while an active super
/// admin, else every active super admin. Tenant audience: the ticket's opener while an active user,
/// else the tenant's active admins.
std::vector<Recipient> recipients(db::Tx& tx, const std::string& id);
/// Gives `id` the first recipient and a copy of itself to each further one (one row, one mail).
void assign(db::Tx& tx, const std::string& id, const std::vector<Recipient>& recipients);
/// Marks `id` failed without sending: nobody to tell.
void drop(db::Tx& tx, const std::string& id, const std::string& reason);
/// Leases up to `limit` due notifications to `owner` and counts an attempt on each.
std::vector<Claimed> claim(db::Tx& tx, const std::string& owner, int limit, int lease_seconds);
void renew(db::Tx& tx, const std::string& owner, const std::vector<std::string>& ids, int lease_seconds);
/// Records outcomes of notifications `owner` still leases; a sent one is never claimed again.
void record(db::Tx& tx, const std::string& owner, const std::vector<Outcome>& outcomes);

}  // namespace dh::delivery::notification_store
