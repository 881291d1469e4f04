// The parser side of mime_builder_fuzz, in a translation unit of its own: mime_builder.hpp and
// parsed_message.hpp both declare mail::Mailbox.
#include <cstdio>
#include <string>

#include "mail/mime_parser.hpp"

bool parses_back(const std::string& built, const std::string& from, const std::string& to, const std::string& id) {
    auto parsed = dh::mail::parse_message(built);
    bool same = parsed.parse_error.empty() && parsed.to.size() == 1 && parsed.to[0].address == to &&
                parsed.from.address == from && parsed.message_id == id;
    if (!same)  // what a reproducer shows
        std::fprintf(stderr, "built:\n%s\nparsed: error '%s', from '%s', %zu to '%s', message id '%s'\n", built.c_str(),
                     parsed.parse_error.c_str(), parsed.from.address.c_str(), parsed.to.size(),
                     parsed.to.empty() ? "" : parsed.to[0].address.c_str(), parsed.message_id.c_str());
    return same;
}
