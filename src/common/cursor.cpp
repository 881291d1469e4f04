#include "common/cursor.hpp"

#include "common/digest.hpp"
#include "common/error.hpp"
#include "common/strings.hpp"

namespace dh::cursor {
namespace {

constexpr char kSeparator = '\x1f';
constexpr std::size_t kMaxCursor = 2048;

[[noreturn]] void not_issued() {
    throw Error::invalid_field("cursor", "is not a cursor this API issued");
}

}  // namespace

std::string encode(const std::vector<std::string>& parts) {
    std::string raw;
    for (std::size_t i = 0; i < parts.size(); ++i) {
        if (i) raw += kSeparator;
        raw += parts[i];
    }
    return digest::base64url(raw);
}

std::vector<std::string> decode(std::string_view cursor, std::size_t n) {
    if (cursor.size() > kMaxCursor) not_issued();
    auto raw = digest::base64url_decode(cursor);
    if (!raw || !strings::is_valid_utf8(*raw)) not_issued();
    auto parts = strings::split(*raw, kSeparator);
    if (parts.size() != n) not_issued();
    return parts;
}

Keyset decode_keyset(std::string_view cursor) {
    auto parts = decode(cursor, 2);
    if (!strings::is_uuid(parts[1])) not_issued();
    return {std::move(parts[0]), std::move(parts[1])};
}

}  // namespace dh::cursor
