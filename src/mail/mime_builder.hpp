#pragma once
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "mail/mailbox.hpp"

namespace dh::mail {

/// A file to attach, as uploaded. (Not named Attachment: parsed_message.hpp has a different
/// mail::Attachment, and two layouts under one name break the one-definition rule.)
struct AttachmentFile {
    std::string filename;      ///< UTF-8; no control characters
    std::string content_type;  ///< "type/subtype"; empty means application/octet-stream
    std::string data;          ///< the raw bytes
};

/// An attachment encoded once (MIME part headers + base64 body) and shared by every message of a
/// dispatch, so that 100k recipients do not base64 the same file 100k times.
class PreparedAttachment {
public:
    PreparedAttachment(std::string filename, std::string content_type, std::size_t size, std::string part)
        : filename_(std::move(filename)), content_type_(std::move(content_type)), size_(size), part_(std::move(part)) {}
    const std::string& filename() const { return filename_; }
    const std::string& content_type() const { return content_type_; }
    std::size_t size() const { return size_; }         ///< raw bytes
    const std::string& part() const { return part_; }  ///< headers, blank line, base64 body
    std::size_t encoded_size() const { return part_.size(); }

private:
    std::string filename_;
    std::string content_type_;
    std::size_t size_;
    std::string part_;
};

/// Validates and encodes an attachment. Throws dh::Error (unprocessable, field "<field>.filename" or
/// "<field>.content_type") for a filename with control characters, invalid UTF-8, empty or over
/// 255 bytes, or a malformed content type. message/* and multipart/* types are sent as
/// application/octet-stream: their bytes are kept, not reinterpreted.
std::shared_ptr<const PreparedAttachment> prepare_attachment(const AttachmentFile& attachment,
                                                             std::string_view field = "attachment");

/// Everything one message consists of. Header values are plain UTF-8: the builder encodes them.
struct Message {
    Mailbox from;
    std::vector<Mailbox> to;  ///< at least one
    std::optional<Mailbox> reply_to;
    std::vector<Mailbox> also_reply_to;  ///< further Reply-To mailboxes after reply_to (ignored without it)
    std::string subject;                 ///< runs of white space collapse to one space
    std::string message_id;              ///< "<id@domain>" (brackets added when missing); stable per delivery
    std::chrono::system_clock::time_point date;
    std::optional<std::string> in_reply_to;                          ///< a message id
    std::vector<std::string> references;                             ///< message ids
    std::vector<std::pair<std::string, std::string>> extra_headers;  ///< e.g. {"X-DispatchHub-Delivery", id}
    std::string text;                                                ///< the text/plain part (always present)
    std::optional<std::string> html;                                 ///< the text/html part, if any
    std::vector<std::shared_ptr<const PreparedAttachment>> attachments;
};

/// The complete RFC 5322 / MIME bytes: CRLF line endings, no line over 998 octets (headers folded
/// to 78 where the content allows), not dot-stuffed. Layout: multipart/mixed { multipart/alternative
/// { text/plain, text/html }, attachments… }, without the mixed level when there are no
/// attachments and without the alternative level when there is no html.
///
/// Throws dh::Error (unprocessable, "validation_failed", extension `field`) for anything that could
/// break the header structure: CR, LF, NUL or other control characters in a header value, invalid
/// UTF-8, a malformed address / message id / header name, no recipient, or an extra header that
/// would replace one the builder writes. No caller value can ever produce an additional header.
std::string build_message(const Message& message);

/// A deliberately simple address check (dot-atom local part ≤ 64, LDH domain labels ≤ 63, total
/// ≤ 254, ASCII only). Vendors' addresses are fully validated (and IDN-converted) on input; this
/// guards the header syntax.
bool is_valid_address(std::string_view address);

/// A message id without its brackets is valid: printable ASCII without spaces or RFC 5322 specials
/// other than "." (no < > \ " ( ) , : ; [ ]), no "." at either end of a side or two in a row,
/// exactly one "@" with both sides non-empty, at most 250 octets.
bool is_valid_message_id(std::string_view id_without_brackets);

}  // namespace dh::mail
