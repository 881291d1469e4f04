#pragma once
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "inbox/dsn.hpp"

namespace dh::inbox {

/// The JSON body Amazon SNS POSTs to an HTTP(S) subscriber.
struct SnsMessage {
    std::string type;  ///< Notification, SubscriptionConfirmation, UnsubscribeConfirmation
    std::string message_id;
    std::string topic_arn;
    std::string subject;
    bool has_subject = false;  ///< Subject present and not null: then it is part of the signed string
    std::string message;
    std::string timestamp;
    std::string signature_version;  ///< "1" (SHA1withRSA) or "2" (SHA256withRSA)
    std::string signature;          ///< base64
    std::string signing_cert_url;
    std::string subscribe_url;  ///< confirmations only
    std::string token;          ///< confirmations only
    std::string unsubscribe_url;
};

/// Parses the HTTP body. Throws dh::Error (bad_request, "invalid_sns_message") when it is not one.
SnsMessage parse_sns_message(std::string_view body);

/// The string SNS signs, per AWS's "Verifying the signatures of Amazon SNS messages": name/value
/// lines in a fixed order, by message type.
std::string sns_string_to_sign(const SnsMessage& m);

struct SnsVerification {
    bool valid = false;
    std::string reason;  ///< why not, for logs (no secrets involved)
};

/// Returns the PEM at `url` (leaf first, then any intermediates); throws or returns "" on failure.
using CertificateFetcher = std::function<std::string(const std::string& url)>;

/// The production fetcher: HTTPS only (peer verified), no redirects, at most 64 KiB.
CertificateFetcher https_certificate_fetcher(std::chrono::seconds timeout = std::chrono::seconds(10));

/// For tests and air-gapped setups: serves the PEM file at `path` for every (allow-listed) URL.
/// The chain check against the configured CA still applies.
CertificateFetcher file_certificate_fetcher(std::string path);

/// Verifies SNS message signatures. The certificate is fetched only from an allow-listed AWS host
/// over https, must chain to a trusted CA, and is cached by URL. Thread-safe.
class SnsVerifier {
public:
    struct Options {
        std::string host_pattern = R"(^sns\.[a-z0-9-]+\.amazonaws\.com$)";  ///< ECMAScript regex
        std::string ca_file;       ///< trusted roots (PEM); empty: the system's default store
        CertificateFetcher fetch;  ///< empty: https_certificate_fetcher()
    };
    explicit SnsVerifier(Options options);
    ~SnsVerifier();

    SnsVerification verify(const SnsMessage& m) const;
    /// https, no user info, no port, an allow-listed host, a path ending in ".pem", no query.
    bool trusted_certificate_url(const std::string& url) const;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

enum class SesEventType { bounce, complaint, delivery, received, other };

struct SesRecipient {
    std::string address;
    std::string action;      ///< bounces: "failed", ...
    std::string status;      ///< bounces: "5.1.1"
    std::string diagnostic;  ///< bounces: diagnosticCode; deliveries: smtpResponse
    BounceClass bounce = BounceClass::none;
};

/// An SES notification (the JSON carried in an SNS Notification's Message).
struct SesEvent {
    SesEventType type = SesEventType::other;
    std::string type_name;                ///< as sent: "Bounce", "Complaint", "Delivery", "Received", ...
    std::string bounce_type;              ///< Permanent (hard), Transient (soft), Undetermined
    std::string bounce_sub_type;          ///< General, NoEmail, Suppressed, MailboxFull, ...
    std::string complaint_feedback_type;  ///< abuse, ... (may be empty)
    std::vector<SesRecipient> recipients;
    std::string ses_message_id;     ///< mail.messageId (the id SES returned when sending)
    std::string header_message_id;  ///< the original Message-ID header, without <>
    std::string source;             ///< mail.source
    std::string timestamp;          ///< of the event
    std::string content;            ///< "Received" with an SNS action: the raw message (decoded)
};

/// Parses SES's JSON ("notificationType" or, for event publishing, "eventType"). Throws dh::Error
/// (bad_request) when it is not JSON; unknown types give SesEventType::other.
SesEvent parse_ses_notification(std::string_view message_json);

}  // namespace dh::inbox
