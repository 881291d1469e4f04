#pragma once
#include <string>
#include <string_view>
#include <vector>

#include "mail/parsed_message.hpp"

namespace dh::inbox {

/// hard: permanent (5.x.x) — suppress the address; soft: temporary (4.x.x) — record only;
/// none: not a failure (delivered/relayed/expanded, or nothing to go on).
enum class BounceClass { none, soft, hard };
const char* to_string(BounceClass c);

struct ReportRecipient {
    std::string address;             ///< Final-Recipient (type prefix and <> removed)
    std::string original_recipient;  ///< Original-Recipient, if given
    std::string action;              ///< failed, delayed, delivered, relayed, expanded; "complained" for ARF
    std::string status;              ///< "5.1.1"; may be empty for heuristic bounces without one
    std::string diagnostic;          ///< Diagnostic-Code ("smtp; 550 5.1.1 user unknown") or the bounce text
    std::string remote_mta;
    BounceClass bounce = BounceClass::none;
};

enum class ReportKind { none, delivery_status, complaint };

/// A delivery status notification or a complaint, recognised in a received message.
struct Report {
    ReportKind kind = ReportKind::none;  ///< delivery_status covers success reports too: act on recipients' class
    std::string format;                  ///< "rfc3464", "postfix" (RFC 3464 with X-Postfix fields), "text", "arf"
    std::string reporting_mta;
    std::vector<ReportRecipient> recipients;  ///< may be empty for text bounces we could not read
    std::string original_message_id;          ///< of the message that bounced, without <>; may be empty
    std::string original_envelope_id;         ///< RFC 3461 ENVID, if the reporter kept it
    std::string feedback_type;                ///< ARF only: abuse, fraud, virus, not-spam, other
    std::string user_agent;                   ///< ARF only
    std::string arrival_date;
};

/// Recognises RFC 3464 reports (multipart/report; report-type=delivery-status, Postfix's variant
/// included), ARF complaints (report-type=feedback-report) and, with a heuristic, plain-text bounces
/// (qmail, Exim, Postfix text, ...). `null_sender` is true when the SMTP envelope sender was <>,
/// which is what bounces use; it makes the text heuristic more willing. kind == none otherwise.
Report parse_report(const mail::ParsedMessage& message, bool null_sender = false);

/// Classifies from the DSN status ("5.1.1"), falling back to the action and the SMTP reply code
/// or wording in the diagnostic.
BounceClass classify(std::string_view status, std::string_view action, std::string_view diagnostic);

// Scanners for free text, shared with the SES parser (hand-written: no std::regex on untrusted input).
/// First enhanced status code ("5.1.1") in `text`, or "".
std::string find_enhanced_status(std::string_view text);
/// First SMTP reply code (4xx/5xx) standing alone in `text`, or 0.
int find_smtp_code(std::string_view text);
/// Every e-mail address in `text`, in order, without duplicates, lower-cased domain.
std::vector<std::string> find_addresses(std::string_view text);

}  // namespace dh::inbox
