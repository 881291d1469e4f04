// The parser side of mime_builder_fuzz, in a translation unit of its own: mime_builder.hpp and
// parsed_message.hpp both declare mail::Mailbox.
#include <string>

#include "mail/mime_parser.hpp"

bool parses_back(const std::string& built, const std::string& from, const std::string& to, const std::string& id) {
    auto parsed = dh::mail::parse_message(built);
    return parsed.parse_error.empty() && parsed.to.size() == 1 && parsed.to[0].address == to &&
           parsed.from.address == from && parsed.message_id == id;
}
