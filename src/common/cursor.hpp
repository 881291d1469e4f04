#pragma once
#include <string>
#include <string_view>
#include <vector>

/// The one codec of keyset cursors on every list: opaque to clients (URL-safe base64 of the
/// parts joined with a unit separator), and a cursor this API did not issue is a 422 on `cursor`.
namespace dh::cursor {

std::string encode(const std::vector<std::string>& parts);
/// The `n` parts of `cursor`; Error::invalid_field("cursor") unless it decodes to exactly `n`
/// UTF-8 parts (at most 2048 characters, so a hostile cursor costs nothing).
std::vector<std::string> decode(std::string_view cursor, std::size_t n);

/// A keyset cursor: the sort key of the last row seen and its id.
struct Keyset {
    std::string key, id;
};
/// decode(cursor, 2), whose second part must be a UUID (the row's id).
Keyset decode_keyset(std::string_view cursor);

}  // namespace dh::cursor
