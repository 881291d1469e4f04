#pragma once
#include <optional>
#include <string>
#include <vector>

namespace dh::db {
class Tx;
}

namespace dh::delivery::queue_store {

/// A tenant's backlog: its dispatches of one billing period with deliveries ready to send, and what
/// it may send now (its quota is re-checked before each claim).
struct Backlog {
    std::string tenant_id, period_start;
    long long limit = 0, sent = 0;
    long long in_flight = 0;  ///< counted only when the reservations no longer all fit under the limit
    double rate = 0;          ///< plan send rate per second; 0 = no plan limit
    /// The backlog's queued or sending dispatches. Claims go dispatch by dispatch, so that a paused
    /// dispatch's queued rows never stand in the way of another dispatch of the same tenant.
    std::vector<std::string> dispatch_ids;
};

/// A delivery claimed by this worker, with what rendering needs.
/// A stored attachment file; storage_key is relative to DATA_DIR/attachments.
struct StoredFile {
    std::string filename, content_type, storage_key;
};

struct Claimed {
    std::string id, tenant_id, dispatch_id, email, contact_name;
    std::optional<std::string> vendor_id, vendor_name, vendor_code;
    std::string vendor_custom_json = "{}";
    int attempts = 0;
    long long age_seconds = 0;      ///< since the first attempt
    std::vector<StoredFile> files;  ///< the recipient's own files (per-recipient attachments), by name
};

/// What rendering needs of a dispatch.
struct DispatchForRender {
    std::string subject;
    std::optional<std::string> body_markdown, body_html;
    std::string from_email, from_name;
    std::optional<std::string> reply_to, reference, in_reply_to;
    std::string tenant_name;
    std::vector<StoredFile> attachments;  ///< shared by every recipient (a vendor's own: Claimed::files)
};

/// Leases that expired (their worker died) go back to the queue.
long long reclaim_expired(db::Tx& tx);
/// Scheduled dispatches whose time has come become queued.
void release_scheduled(db::Tx& tx);
/// The backlogs of active tenants with queued or sending dispatches.
std::vector<Backlog> backlogs(db::Tx& tx);
/// Re-reads the backlog's usage and limit (the limit may have been lowered since creation). Locks the usage
/// row and counts in-flight sends only when the reservations no longer all fit under the limit.
std::optional<Backlog> recheck_quota(db::Tx& tx, const Backlog& backlog);
/// Claims up to `n` ready deliveries of one of the backlog's dispatches (FOR UPDATE SKIP LOCKED) under a lease.
std::vector<Claimed> claim(db::Tx& tx, const std::string& dispatch_id, int n, const std::string& worker_id,
                           int lease_seconds);
/// This worker is alive; `relay_problem` is why its relay refuses it (nullopt: healthy). Also drops
/// heartbeats not renewed for a day.
void heartbeat(db::Tx& tx, const std::string& worker_id, const std::optional<std::string>& relay_problem);
void forget_heartbeat(db::Tx& tx, const std::string& worker_id);
/// Pushes the lease of those of `ids` this worker still holds to now + lease_seconds; returns how
/// many. Called while a batch is on the wire, so that a slow relay never lets it be claimed again.
long long renew_leases(db::Tx& tx, const std::string& worker_id, const std::vector<std::string>& ids,
                       int lease_seconds);
/// The backlog can never send its queued deliveries this period (the limit was lowered below use).
long long fail_over_limit(db::Tx& tx, const Backlog& backlog);

struct Sent {
    std::string id;
    int code;
    std::string reply;
    std::optional<std::string> subject;  ///< the rendered subject when it has merge fields (history)
};
struct Retry {
    std::string id;
    int code;
    std::string reply, reason;
    long long delay_seconds;
    bool uncounted = false;  ///< the relay refused us (AUTH/TLS): the attempt does not count
};
struct Failed {
    std::string id;
    int code;
    std::string reply, reason;
    std::optional<std::string> subject;  ///< as Sent::subject; nullopt when the message was never built
};
/// The dispatch as rendering needs it; nullopt when it does not exist.
std::optional<DispatchForRender> dispatch_for_render(db::Tx& tx, const std::string& dispatch_id);

/// Completes those of `dispatch_ids` that have no delivery left to send (with their dispatch.completed
/// webhook event).
void complete_if_done(db::Tx& tx, const std::vector<std::string>& dispatch_ids);

/// Records outcomes of this worker's leased deliveries. `sent` turns reservation into usage in the
/// same statement that marks the delivery (counted once, I2); a bounce that arrived before the
/// outcome (pending) makes such a delivery `bounced`/`complained`, still counted. `failed` releases
/// the reservation and drops a pending bounce (as a bounce for a failed delivery changes nothing).
/// Returns the dispatch ids touched (for completion).
std::vector<std::string> record(db::Tx& tx, const std::string& worker_id, const std::vector<Sent>& sent,
                                const std::vector<Retry>& retries, const std::vector<Failed>& failed);

}  // namespace dh::delivery::queue_store
