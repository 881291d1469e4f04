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

}  // namespace dh::dispatch
