#pragma once
#include <initializer_list>
#include <optional>
#include <string>
#include <vector>

#include "dispatch/dispatch.hpp"

namespace dh::db {
class Tx;
}

namespace dh::dispatch::dispatch_store {

/// The current billing period (calendar month, UTC) as [start, end).
std::pair<std::string, std::string> current_period(db::Tx& tx, const std::string& tenant_id);
EffectiveLimits limits(db::Tx& tx, const std::string& tenant_id);
/// Reserves `n` emails atomically: succeeds only when sent + reserved + n <= limit (invariant I1).
bool reserve(db::Tx& tx, const std::string& tenant_id, const std::string& period_start, const std::string& period_end,
             long long n, long long limit);
void release(db::Tx& tx, const std::string& tenant_id, const std::string& period_start, long long n);
Usage usage(db::Tx& tx, const std::string& tenant_id, long long limit);

struct SenderIdentity {
    std::string id, email, name;
    bool is_default = false;
};
std::optional<SenderIdentity> sender_identity(db::Tx& tx, const std::string& id);
std::optional<SenderIdentity> default_sender_identity(db::Tx& tx);
std::vector<SenderIdentity> sender_identities(db::Tx& tx);
SenderIdentity insert_sender_identity(db::Tx& tx, const std::string& tenant_id, const std::string& email,
                                      const std::string& name, bool is_default);
bool delete_sender_identity(db::Tx& tx, const std::string& id);
void clear_default_sender_identity(db::Tx& tx);
/// Wakes the delivery workers (LISTEN dispatchhub_deliveries) when the transaction commits.
void notify_workers(db::Tx& tx, const std::string& dispatch_id);
std::pair<std::string, std::string> tenant_name_and_slug(db::Tx& tx, const std::string& tenant_id);
/// Send approval: dispatches with more recipients wait for a second tenant admin; none = off.
std::optional<long long> approval_threshold(db::Tx& tx);
void set_approval_threshold(db::Tx& tx, const std::string& tenant_id, const std::optional<long long>& threshold);
/// The user who created the dispatch (none for API keys).
std::optional<std::string> creator(db::Tx& tx, const std::string& dispatch_id);

struct NewDispatch {
    std::string tenant_id;
    DispatchState status;
    std::string subject, from_email, from_name, period_start, recipients_json, created_by_label;
    std::optional<std::string> body_markdown, body_html, reply_to, send_at, reference, sender_identity_id, created_by;
    std::optional<std::string> in_reply_to;
    std::vector<std::string> attachment_ids;
    bool is_test = false;
};
std::string insert_dispatch(db::Tx& tx, const NewDispatch& d);

struct FanOut {
    long long queued = 0, suppressed = 0;
    /// Per required field (same order): a queued recipient without a value, "Name <email>"; nullopt if none.
    std::vector<std::optional<std::string>> missing;
};
/// One delivery per distinct recipient address, in one INSERT … SELECT (no loop of inserts).
/// Suppressed addresses become visible `suppressed` deliveries; duplicates are skipped. The same
/// statement checks that every queued recipient has a value for each of `required_fields`.
FanOut fan_out(db::Tx& tx, const std::string& tenant_id, const std::string& dispatch_id, const Recipients& r,
               const std::vector<std::string>& required_fields = {});
/// What a request resolves to, computed without writing anything (previews). Recipients as in
/// fan_out (suppressed ones included); the exclusions: suppressed recipients, chosen active vendors
/// without a contact matching the contact-role rule, chosen inactive vendors; and per required
/// field with any, the number of recipients to be mailed that have no value for it.
struct RecipientSummary {
    long long recipients_total = 0, suppressed = 0, no_matching_contact = 0, inactive = 0;
    std::vector<std::pair<std::string, long long>> missing;
};
RecipientSummary summarize_recipients(db::Tx& tx, const std::string& tenant_id, const Recipients& r,
                                      const std::vector<std::string>& required_fields);
/// Whether a merge field's value comes from the recipient (vendor or contact) rather than the dispatch.
bool is_recipient_field(const std::string& field);
/// Queues a single address (test sends).
void insert_single_delivery(db::Tx& tx, const std::string& tenant_id, const std::string& dispatch_id,
                            const std::string& email, const std::optional<std::string>& vendor_id,
                            const std::string& contact_name);

/// One recipient the request resolves to (the first by vendor name, or of `vendor_id`), with the
/// number of recipients in all: for previews and test sends.
struct SampleRecipient {
    std::string email, contact_name, vendor_id, vendor_name;
    std::optional<std::string> vendor_code;
    std::string custom_json;
    long long total = 0;
};
std::optional<SampleRecipient> sample_recipient(db::Tx& tx, const std::string& tenant_id, const Recipients& r,
                                                const std::optional<std::string>& vendor_id);
void set_totals(db::Tx& tx, const std::string& dispatch_id, long long total, DispatchState status);

/// A queued recipient lacking a value for the merge field (nullopt when all have one): "Name <email>".
std::optional<std::string> recipient_missing(db::Tx& tx, const std::string& dispatch_id, const std::string& field);
/// Lists or vendors of the request that do not exist in the tenant (the first one's id).
std::optional<std::string> unknown_list(db::Tx& tx, const std::vector<std::string>& ids);
std::optional<std::string> unknown_vendor(db::Tx& tx, const std::vector<std::string>& ids);
/// True when `send_at` lies more than a minute before the database clock (a minute of grace for
/// clocks and for "now" typed into a form).
bool in_past(db::Tx& tx, const std::string& send_at);

/// How many of the attachment ids exist in the tenant, and their total size.
std::pair<long long, long long> attachments_found(db::Tx& tx, const std::vector<std::string>& ids);

std::optional<Dispatch> by_id(db::Tx& tx, const std::string& id);
std::vector<Dispatch> list(db::Tx& tx, int limit, const std::optional<std::string>& after_created,
                           const std::optional<std::string>& after_id, std::optional<DispatchState> status);
std::vector<Delivery> deliveries(db::Tx& tx, const std::string& dispatch_id, int limit,
                                 const std::optional<std::string>& after_email,
                                 const std::optional<std::string>& after_id, std::optional<DeliveryState> status);

/// Moves the dispatch to `to` if it is in one of `from`; false when it is not.
bool set_status(db::Tx& tx, const std::string& id, std::initializer_list<DispatchState> from, DispatchState to);
/// State changes of the controls; each returns the number of deliveries affected.
long long cancel_pending(db::Tx& tx, const std::string& dispatch_id);
long long requeue_failed(db::Tx& tx, const std::string& dispatch_id);

/// Idempotency: the dispatch recorded for (key) in the last 24 h with its request hash, after
/// claiming the key for this transaction when it is new (concurrent callers wait on the row).
struct KeyClaim {
    bool fresh = false;
    std::string request_hash;
    std::optional<std::string> dispatch_id;
};
KeyClaim claim_idempotency_key(db::Tx& tx, const std::string& tenant_id, const std::string& key,
                               const std::string& hash);
void bind_idempotency_key(db::Tx& tx, const std::string& key, const std::string& dispatch_id);

}  // namespace dh::dispatch::dispatch_store
