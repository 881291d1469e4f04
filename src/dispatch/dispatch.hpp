#pragma once
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "dispatch/states.hpp"

namespace dh::dispatch {

/// Who receives a dispatch: lists and single vendors, optionally only contacts with a role.
struct Recipients {
    std::vector<std::string> list_ids;
    std::vector<std::string> vendor_ids;
    std::optional<std::string> contact_role;
};

/// A validated creation request (the shape of POST /api/v1/dispatches).
/// A file for one vendor of the dispatch (e.g. its own purchase order). Without a vendor code the
/// code is read from the file name: the part before its first '_', '.' or space.
struct RecipientAttachment {
    std::string attachment_id;
    std::optional<std::string> vendor_code;
};

struct DispatchRequest {
    std::string subject;
    std::optional<std::string> body_markdown;
    std::optional<std::string> body_html;
    Recipients recipients;
    std::optional<std::string> sender_identity_id;
    std::optional<std::string> reply_to;
    std::vector<std::string> attachment_ids;
    std::vector<RecipientAttachment> recipient_attachments;
    std::optional<std::string> send_at;  ///< ISO 8601
    std::optional<std::string> reference;
    std::optional<std::string> in_reply_to;  ///< threads a reply from the inbox; never read from client JSON
};

struct Dispatch {
    DispatchState status = DispatchState::queued;
    std::string id, tenant_id, subject, from_email, from_name, period_start, created_at, updated_at;
    std::optional<std::string> body_markdown, body_html, reply_to, send_at, reference, completed_at, sender_identity_id;
    std::string recipients_json = "{}";
    std::vector<std::string> attachment_ids;
    long long recipients_total = 0;
    std::map<std::string, long long> counts;  ///< per delivery state, by its name (every state present)
    bool is_test = false;
    std::string recipient_attachments_json = "[]";  ///< [{attachment_id, vendor_id, vendor_code, filename}]
    /// Set while the dispatch waits on a relay that refuses the workers (AUTH or TLS): why sending is paused.
    std::optional<std::string> relay_problem;
};

struct Delivery {
    DeliveryState status = DeliveryState::queued;
    std::string id, dispatch_id, email, contact_name, created_at, updated_at;
    std::optional<std::string> vendor_id, vendor_name, reason, relay_reply, sent_at, next_attempt_at;
    std::optional<long long> smtp_code;
    long long attempts = 0;
};

struct Usage {
    std::string period_start, period_end;
    long long limit = 0, sent = 0, reserved = 0;
    long long remaining() const { return std::max(0LL, limit - sent - reserved); }
};

/// The limits in force for a tenant: its plan, with per-tenant overrides applied.
struct EffectiveLimits {
    long long emails_per_period = 0, recipients_per_dispatch = 0, attachment_bytes = 0;
    double send_rate_per_second = 0;
};

}  // namespace dh::dispatch
