#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "files/attachment_files.hpp"
#include "inbox/inbox.hpp"
#include "mail/message_id.hpp"

namespace dh::db {
class Pool;
}
namespace dh::mail {
struct ParsedMessage;
}

namespace dh::inbox {

struct Report;
struct SesEvent;

/// A received message as kept on disk, with its SMTP envelope (or what stands for it).
struct Received {
    std::string envelope_from;            ///< empty for the null sender (bounces)
    std::vector<std::string> recipients;  ///< envelope recipients (or the message's To for SES)
    std::string raw_path;                 ///< relative to DATA_DIR/inbound
    std::string_view raw;
};

/// What became of a received message: one entry per tenant inbox row, or the quarantine.
struct Outcome {
    std::vector<std::string> inbox_ids;
    std::optional<std::string> quarantine_id;
    int bounced = 0;  ///< deliveries marked bounced or complained (or to be, once their send is recorded)
};

/// Routes received mail to tenants and records it: replies land in the tenant's inbox linked to
/// vendor, contact, dispatch and delivery; DSNs and complaints mark the delivery and suppress the
/// address; unroutable mail goes to the platform quarantine. Thread-safe.
class InboundService {
public:
    InboundService(db::Pool& pool, std::string data_dir, std::string mail_domain, std::string routing_key);

    /// True when `rcpt` is a reply+/bounces+ address of MAIL_DOMAIN, or a bounces+ address at a
    /// sending domain's return path (bounce.<domain>), whose token verifies.
    bool routable_recipient(std::string_view rcpt) const;
    /// Writes `raw` under DATA_DIR/inbound and fsyncs file and directory; returns the relative path.
    /// Throws on any I/O failure (nothing is acknowledged then).
    std::string keep_raw(std::string_view raw) const;
    /// Parses, routes and records a message already kept with keep_raw(). Throws only when the
    /// database is unavailable (the caller asks the sender to retry).
    Outcome process(const Received& received);
    /// Applies an SES bounce/complaint/delivery event; `raw_path` holds the notification as received.
    Outcome apply_ses_event(const SesEvent& event, const std::string& raw_path, std::size_t size);

private:
    struct Target;
    std::optional<mail::RoutedAddress> routed(std::string_view rcpt) const;
    std::optional<Target> route(const Received& r, const mail::ParsedMessage& m, const Report& report) const;
    std::optional<DeliveryRef> delivery_of_message_id(const std::string& message_id) const;
    std::string record(const Target& t, const Received& r, const mail::ParsedMessage& m, const Report& report,
                       Outcome& outcome);
    void stage_attachments(const std::string& tenant_id, const mail::ParsedMessage& m, files::StagedFiles& staged,
                           std::vector<InboxAttachment>& out) const;
    std::string quarantine(const Received& r, const mail::ParsedMessage& m, const std::string& reason);

    db::Pool& pool_;
    std::string data_dir_, mail_domain_, routing_key_;
    files::AttachmentFiles files_;
};

}  // namespace dh::inbox
