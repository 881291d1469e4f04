#pragma once
#include <optional>
#include <string>
#include <vector>

#include "inbox/inbox.hpp"

namespace dh::db {
class Tx;
}

/// SQL of the inbox: received messages, their attachments, the quarantine, and the delivery
/// changes bounces cause. Tenant statements rely on the caller's transaction scope (RLS).
namespace dh::inbox::inbox_store {

/// Platform scope: the delivery with `id`, whatever its tenant.
std::optional<DeliveryRef> delivery(db::Tx& tx, const std::string& id);
/// Platform scope: the vendor contacts (across tenants) with `address`, at most `limit`.
std::vector<DeliveryRef> contacts_by_address(db::Tx& tx, const std::string& address, int limit);
/// Tenant scope: the vendor and contact of `address` in this tenant, if any.
std::optional<std::pair<std::string, std::string>> contact_in_tenant(db::Tx& tx, const std::string& address);

/// Tenant scope. Returns the new id.
std::string insert_message(db::Tx& tx, const InboxMessage& m);
void insert_attachment(db::Tx& tx, const std::string& tenant_id, const std::string& message_id,
                       const InboxAttachment& a);
/// Platform scope.
/// Platform scope; `envelope_to` comma-separated.
std::string insert_quarantine(db::Tx& tx, const std::string& envelope_from, const std::string& envelope_to,
                              const std::string& from_address, const std::string& subject,
                              const std::optional<std::string>& message_id, const std::string& reason,
                              const std::string& raw_path, long long size);

/// Tenant scope: a sent delivery becomes `status` (bounced | complained) with the diagnostic. Usage
/// is untouched (the delivery was counted when sent). A delivery whose send outcome is not recorded
/// yet (queued, deferred, sending) keeps the bounce as pending: recording it `sent` then lands it as
/// `status` (queue_store::record). False when nothing changed: the delivery already had a bounce, or
/// ended otherwise (failed, cancelled, suppressed).
bool mark_bounced(db::Tx& tx, const std::string& delivery_id, const std::string& status, const std::string& reason,
                  const std::string& diagnostic);

/// Tenant scope: up to `limit` messages, newest first, after the cursor (received_at, id).
/// The quarantine, newest first (platform scope).
std::vector<QuarantinedMessage> quarantine(db::Tx& tx, int limit, const std::optional<std::string>& after_time,
                                           const std::optional<std::string>& after_id);

std::vector<InboxMessage> list(db::Tx& tx, const InboxFilter& filter, int limit,
                               const std::optional<std::string>& after_time,
                               const std::optional<std::string>& after_id);
std::optional<InboxMessage> get(db::Tx& tx, const std::string& id);
std::vector<InboxAttachment> attachments(db::Tx& tx, const std::string& message_id);
/// Sets the flags given; nullopt leaves one as it is. False when the message does not exist.
bool update_flags(db::Tx& tx, const std::string& id, std::optional<bool> read, std::optional<bool> archived);
/// Tenant scope: whether the vendor exists (in this tenant).
bool vendor_exists(db::Tx& tx, const std::string& vendor_id);
/// Sent deliveries and received messages of a vendor, oldest first, after the cursor (at, id).
std::vector<ThreadEntry> vendor_thread(db::Tx& tx, const std::string& vendor_id, int limit,
                                       const std::optional<std::string>& after_time,
                                       const std::optional<std::string>& after_id);

}  // namespace dh::inbox::inbox_store
