#pragma once
#include <optional>
#include <string>
#include <vector>

namespace dh::inbox {

/// The delivery a received message answers or reports on, with where it belongs.
struct DeliveryRef {
    std::string id, tenant_id, dispatch_id, email, status;
    std::optional<std::string> vendor_id, contact_id;
};

/// How a message found its tenant (most trusted first).
enum class RoutedBy { reply_token, bounce_token, thread, sender, ses };
const char* to_string(RoutedBy r);

struct InboxAttachment {
    std::string id, filename, content_type;
    std::optional<std::string> content_id;
    bool is_inline = false;
    long long size_bytes = 0;
    std::string storage_key;  ///< relative to DATA_DIR/attachments
};

/// One message in a tenant's inbox (a reply, or a bounce/complaint report).
struct InboxMessage {
    std::string id, tenant_id;
    std::string kind = "reply";  ///< reply | bounce | complaint
    std::string routed_by;
    std::optional<std::string> vendor_id, contact_id, dispatch_id, delivery_id;
    std::string from_address, from_name, to_addresses, subject;
    std::optional<std::string> message_id, in_reply_to;
    std::string text_body, html_text;
    bool has_html = false;
    std::optional<std::string> bounce_status, diagnostic, parse_error;
    std::string envelope_from;
    std::string raw_path;  ///< relative to DATA_DIR/inbound
    long long size_bytes = 0;
    bool is_read = false, archived = false;
    std::string received_at;
    std::optional<std::string> vendor_name;    ///< read side only
    std::vector<InboxAttachment> attachments;  ///< read side: filled by get() only
};

/// Filters of the inbox list.
struct InboxFilter {
    bool unread_only = false;
    bool include_archived = false;
    std::optional<std::string> vendor_id, dispatch_id, kind;
};

/// One entry of a vendor's thread: a delivery we sent or a message we received.
/// A received message no tenant could be found for (platform only).
struct QuarantinedMessage {
    std::string id, envelope_from, envelope_to, from_address, subject, reason, received_at;
    std::optional<std::string> message_id;
    long long size_bytes = 0;
};

struct ThreadEntry {
    std::string direction;  ///< sent | received
    std::string id;         ///< delivery id or inbox message id
    std::string at;         ///< sent_at/created_at or received_at, ISO-8601 UTC
    std::string subject, address, status;
    std::optional<std::string> dispatch_id;
};

}  // namespace dh::inbox
