#include "gmime_reparse.hpp"

#include "mail/mime_parser.hpp"

namespace dh::mail::testing {

Reparsed reparse_with_gmime(std::string_view raw) {
    auto p = parse_message(raw);
    Reparsed out{p.subject, p.from.name, p.from.address, {}, {}, p.parse_error};
    for (const auto& r : p.reply_to) out.reply_to_addresses.push_back(r.address);
    for (const auto& a : p.attachments) out.filenames.push_back(a.filename);
    return out;
}

}  // namespace dh::mail::testing
