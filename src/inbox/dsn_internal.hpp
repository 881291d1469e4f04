#pragma once
// Shared between dsn.cpp (structured reports) and dsn_text.cpp (free text). Not a public API.
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "inbox/dsn.hpp"

namespace dh::inbox {

BounceClass classify_text(std::string_view diagnostic);
bool looks_like_bounce(const mail::ParsedMessage& m, bool null_sender);
void read_text_bounce(const mail::ParsedMessage& m, Report& report);

namespace detail {

/// Runs of whitespace (including line breaks) become one space; trimmed.
std::string collapse_space(std::string_view s);
/// The id of the first "Message-ID:" header line in `text` (a returned message), without <>.
std::string message_id_in(std::string_view text);

}  // namespace detail
}  // namespace dh::inbox
