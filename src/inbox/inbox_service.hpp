#pragma once
#include <optional>
#include <string>
#include <vector>

#include "inbox/inbox.hpp"

namespace dh::auth {
struct Principal;
struct Origin;
}  // namespace dh::auth
namespace dh::db {
class Pool;
}
namespace dh::dispatch {
class DispatchService;
struct Dispatch;
}  // namespace dh::dispatch

namespace dh::inbox {

/// Reading and filing a tenant's inbox. Every call is scoped to `tenant_id` (RLS): another
/// tenant's message is simply not found.
class InboxService {
public:
    InboxService(db::Pool& pool, dispatch::DispatchService& dispatches, std::string data_dir)
        : pool_(pool), dispatches_(dispatches), data_dir_(std::move(data_dir)) {}

    std::vector<InboxMessage> list(const std::string& tenant_id, const InboxFilter& filter, int limit,
                                   const std::optional<std::string>& after_time,
                                   const std::optional<std::string>& after_id);
    /// The message with its bodies and attachments; Error(not_found) otherwise.
    InboxMessage get(const std::string& tenant_id, const std::string& id);
    /// Marks read/unread and archived/not; returns the message. Error(not_found) otherwise.
    InboxMessage update(const std::string& tenant_id, const std::string& id, std::optional<bool> read,
                        std::optional<bool> archived);
    /// Sent deliveries and received messages of a vendor, oldest first. Error(not_found) for an
    /// unknown vendor.
    std::vector<ThreadEntry> vendor_thread(const std::string& tenant_id, const std::string& vendor_id, int limit,
                                           const std::optional<std::string>& after_time,
                                           const std::optional<std::string>& after_id);

    /// Answers the sender of message `id` through the normal delivery path: a one-recipient
    /// dispatch rendered for the message's vendor, threaded with In-Reply-To, counted in the quota.
    /// Error(unprocessable) when the message is not linked to a vendor; quota errors as for dispatches.
    dispatch::Dispatch reply(const auth::Principal& caller, const std::string& id, const std::string& body_markdown,
                             const std::optional<std::string>& subject, const auth::Origin& origin);

    /// An attachment of a received message and the path of its stored file; Error(not_found) when the
    /// message or the attachment is not the tenant's.
    std::pair<InboxAttachment, std::string> attachment_file(const std::string& tenant_id, const std::string& message_id,
                                                            const std::string& attachment_id);

    /// Mail no tenant could be found for, newest first (super admins).
    std::vector<QuarantinedMessage> quarantine(int limit, const std::optional<std::string>& after_time,
                                               const std::optional<std::string>& after_id);

private:
    db::Pool& pool_;
    dispatch::DispatchService& dispatches_;
    std::string data_dir_;
};

}  // namespace dh::inbox
