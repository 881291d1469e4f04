#include "mail/header_values.hpp"

#include <algorithm>

#include "common/error.hpp"
#include "common/strings.hpp"
#include "mail/mime_builder.hpp"

namespace dh::mail {
namespace {

constexpr std::size_t kMaxFileName = 255;

}  // namespace

std::string header_text_as_written(std::string_view value) {
    std::string out(value);
    std::replace(out.begin(), out.end(), '\t', ' ');
    return strings::trim(out);
}

std::string header_text_problem(std::string_view value) {
    if (strings::has_line_break_or_nul(value)) return "must not contain line breaks";
    for (char c : value) {
        auto u = static_cast<unsigned char>(c);
        if ((u < 0x20 && c != '\t') || u == 0x7f) return "must not contain control characters";
    }
    if (!strings::is_valid_utf8(value)) return "must be valid UTF-8";
    // Unicode's own line breaks and the C1 controls: readers end or trim a line at them, so the
    // value would not read back as written.
    for (std::size_t i = 0; i + 1 < value.size(); ++i) {
        auto a = static_cast<unsigned char>(value[i]), b = static_cast<unsigned char>(value[i + 1]);
        if (a == 0xC2 && b >= 0x80 && b <= 0x9F) return "must not contain control characters";
        if (a == 0xE2 && b == 0x80 && i + 2 < value.size()) {
            auto c = static_cast<unsigned char>(value[i + 2]);
            if (c == 0xA8 || c == 0xA9) return "must not contain line breaks";
        }
    }
    return {};
}

void check_header_text(const std::string& field, std::string_view value) {
    if (auto problem = header_text_problem(value); !problem.empty()) throw Error::invalid_field(field, problem);
}

void check_header_address(const std::string& field, std::string_view address) {
    check_header_text(field, address);
    if (!is_valid_address(address)) {
        throw Error::invalid_field(field,
                                   "must be one plain email address (name@example.com: no display name, "
                                   "list, quotes, spaces or non-ASCII characters before @)");
    }
}

std::string normalized_header_address(const std::string& field, std::string_view address) {
    auto a = strings::trim(address);
    check_header_address(field, a);
    auto at = a.rfind('@');
    return a.substr(0, at) + "@" + strings::to_lower(a.substr(at + 1));
}

void check_display_name(const std::string& field, std::string_view name) {
    check_header_text(field, name);
}

void check_subject(const std::string& field, std::string_view subject) {
    check_header_text(field, subject);
}

void check_file_name(const std::string& field, std::string_view file_name) {
    check_header_text(field, file_name);
    auto written = header_text_as_written(file_name);
    if (written.empty() || written.size() > kMaxFileName) throw Error::invalid_field(field, "must have 1 to 255 bytes");
    // "." and ".." name a directory, not a file: mail clients (and our own inbound parser) drop them.
    if (written.find_first_not_of('.') == std::string::npos)
        throw Error::invalid_field(field, "must name a file, not only dots");
}

}  // namespace dh::mail
