#pragma once
#include <string>
#include <string_view>

#include "mail/parsed_message.hpp"

namespace dh::mail {

/// Parses a raw RFC 5322 message with GMime. Never throws and never crashes on hostile input:
/// whatever could not be understood is reported in `parse_error` / `warnings`, and the caller keeps
/// the raw bytes in any case. Thread-safe.
ParsedMessage parse_message(std::string_view raw);

/// The unfolded value of the first header `name` (case-insensitive) in a header block, not
/// decoded; "" when absent. For returned headers inside bounce reports.
std::string header_value(std::string_view header_block, std::string_view name);

/// Makes `s` valid UTF-8: invalid sequences become U+FFFD, NUL bytes are dropped.
std::string repair_utf8(std::string_view s);

}  // namespace dh::mail
