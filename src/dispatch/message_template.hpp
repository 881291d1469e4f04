#pragma once
#include <set>
#include <string>
#include <string_view>

#include "dispatch/merge_template.hpp"

namespace dh::dispatch {

/// A dispatch's subject and body prepared once (Markdown rendered, text part derived, merge
/// fields validated) and rendered cheaply per recipient.
///
/// Merge fields are swapped for alphanumeric placeholders before Markdown/HTML processing and
/// swapped back afterwards, so a value is never interpreted as Markdown or HTML (a vendor called
/// "<b>*Acme*</b>" appears literally, HTML-escaped in the html part) and fields inside link URLs
/// survive.
struct MessageTemplate {
    MergeTemplate subject;
    MergeTemplate text;  ///< text/plain part
    MergeTemplate html;  ///< text/html part: a whole HTML document

    /// Every merge field used anywhere.
    std::set<std::string> fields() const;
    /// The fields used somewhere without a default (for require_values / missing_values at creation).
    std::set<std::string> required_fields() const;
};

/// Throws what MergeTemplate::parse throws, with extension `in` and an `errors` item naming the
/// request field: "subject", "body_markdown" or "body_html".
MessageTemplate prepare_markdown_message(std::string_view subject, std::string_view body_markdown);
/// The HTML is used as given (wrapped in a document when it is a fragment); the text part is
/// derived from it.
MessageTemplate prepare_html_message(std::string_view subject, std::string_view body_html);

struct RenderedMessage {
    std::string subject;  ///< single line (control characters in values became spaces)
    std::string text;
    std::string html;
};

RenderedMessage render_message(const MessageTemplate& tmpl, const MergeContext& ctx);

/// The subject line as the sender writes it for one recipient: `subject` parsed as a merge template
/// and rendered as one line (what render_message does for MessageTemplate::subject). Throws what
/// MergeTemplate::parse throws.
std::string render_subject(std::string_view subject, const MergeContext& ctx);
std::string render_subject(const MergeTemplate& subject, const MergeContext& ctx);

/// A recipient's values: the vendor's custom fields given as the JSON object text stored with it
/// (non-text values are ignored).
MergeContext recipient_context(std::optional<std::string> vendor_name, std::optional<std::string> vendor_code,
                               std::optional<std::string> contact_name, std::optional<std::string> contact_email,
                               const std::string& custom_fields_json);

/// A context in which every one of `fields` reads as `‹field›`: renders a message as a template a
/// person can read (the dispatch page), without any recipient's data.
MergeContext readable_context(const std::set<std::string>& fields);

}  // namespace dh::dispatch
