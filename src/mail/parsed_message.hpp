#pragma once
#include <map>
#include <string>
#include <vector>

#include "mail/mailbox.hpp"

namespace dh::mail {

struct Attachment {
    std::string filename;      ///< RFC 2231/2047 decoded, path characters removed; may be empty
    std::string content_type;  ///< "type/subtype", lower case
    std::string content_id;    ///< without <>
    bool is_inline = false;    ///< Content-Disposition: inline (e.g. an image the HTML refers to)
    std::string data;          ///< decoded bytes (transfer encoding undone)
};

/// A received message broken into the parts the inbox shows. Plain data: no GMime types.
/// Message-IDs are stored without angle brackets.
struct ParsedMessage {
    Mailbox from;
    std::vector<Mailbox> to;
    std::vector<Mailbox> cc;
    std::vector<Mailbox> reply_to;
    std::string subject;  ///< UTF-8
    std::string date;     ///< ISO-8601 UTC ("2024-05-01T10:00:00Z"); empty if missing or unparseable
    std::string message_id;
    std::string in_reply_to;
    std::vector<std::string> references;                     ///< oldest first, as in the header
    std::string content_type;                                ///< of the top-level entity, "type/subtype", lower case
    std::map<std::string, std::string> content_type_params;  ///< names lower-cased
    std::string text_body;                                   ///< first inline text/plain, converted to UTF-8
    std::string html_body;                ///< first inline text/html, converted to UTF-8: NEVER render it as is
    std::string html_text;                ///< html_body rendered as plain text: no markup, no script, no remote content
    std::vector<Attachment> attachments;  ///< every other leaf part, including reports and returned messages
    std::string raw_headers;              ///< the top-level header block exactly as received
    std::vector<std::string> warnings;    ///< every oddity the parser noticed (duplicate headers, ...)
    std::string parse_error;              ///< non-empty when the structure was damaged: fields are best effort
};

}  // namespace dh::mail
