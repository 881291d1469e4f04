#pragma once
#include <string>
#include <string_view>

/// The one set of rules for values that end up in a message header. The message builder calls these
/// functions before encoding, and the API calls the same ones before storing, so that a value the API
/// accepts can always be built into a message later. Each throws dh::Error::invalid_field(field, …)
/// (422 naming the field) when the value is refused.
namespace dh::mail {

/// Empty when `value` may appear in a header (encoded where needed), otherwise why not: CR, LF, NUL,
/// another C0 control character (TAB is allowed and becomes a space) or DEL, or invalid UTF-8.
std::string header_text_problem(std::string_view value);

/// Checked header text as the builder encodes it: tabs become spaces (header text is folded at
/// spaces only) and the ends are trimmed.
std::string header_text_as_written(std::string_view checked_value);

/// header_text_problem or Error::invalid_field(field, problem). Message ids and extra headers add
/// their own syntax on top.
void check_header_text(const std::string& field, std::string_view value);

/// A single plain addr-spec as the builder writes it in From, To and Reply-To: a dot-atom local part
/// (ASCII, no quotes, no display name, no list), an ASCII host name, at most 254 octets. No
/// surrounding blanks: the value is written as given.
void check_header_address(const std::string& field, std::string_view address);

/// The address as stored for a header: surrounding blanks trimmed, the domain lower-cased, then
/// check_header_address.
std::string normalized_header_address(const std::string& field, std::string_view address);

/// A display name (sender identity name, tenant name used as the default sender's, contact name):
/// header text; may be empty. Length limits are the API's, not the builder's.
void check_display_name(const std::string& field, std::string_view name);

/// A subject (or a subject template: merge values are made single-line when filled in): header text.
/// Whether a blank subject is allowed is the API's rule, not the builder's.
void check_subject(const std::string& field, std::string_view subject);

/// An attachment file name: header text that, with tabs as spaces and trimmed, has 1 to 255 bytes.
void check_file_name(const std::string& field, std::string_view file_name);

}  // namespace dh::mail
