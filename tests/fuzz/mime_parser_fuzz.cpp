// Inbound MIME parsing (GMime): hostile messages never crash the parser and everything it returns
// for display is valid UTF-8.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "common/strings.hpp"
#include "mail/mime_parser.hpp"

namespace {
void require_utf8(const std::string& s) {
    if (!dh::strings::is_valid_utf8(s)) std::abort();
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view raw(reinterpret_cast<const char*>(data), size);
    auto m = dh::mail::parse_message(raw);
    require_utf8(m.subject);
    require_utf8(m.from.name);
    for (auto& to : m.to) require_utf8(to.name);
    require_utf8(m.text_body);
    require_utf8(m.html_text);

    auto repaired = dh::mail::repair_utf8(raw);
    require_utf8(repaired);
    if (repaired.find('\0') != std::string::npos) std::abort();

    auto blank = raw.find("\r\n\r\n");
    dh::mail::header_value(raw.substr(0, blank), "Message-ID");
    dh::mail::header_value(raw, "Subject");
    return 0;
}
