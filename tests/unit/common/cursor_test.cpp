#include "common/cursor.hpp"

#include <gtest/gtest.h>

#include "common/error.hpp"

namespace dh::cursor {
namespace {

/// The kind and field of the error a decode answers, or "" when it decodes.
std::string refusal(std::string_view text, std::size_t n) {
    try {
        decode(text, n);
        return "";
    } catch (const Error& e) {
        auto field = e.extensions().find("field");
        bool unprocessable = e.kind() == ErrorKind::unprocessable;
        return std::string(unprocessable ? "422 " : "other ") +
               (field == e.extensions().end() ? "" : std::get<std::string>(field->second));
    }
}

TEST(Cursor, DecodesTheKeysItEncoded) {
    auto c = encode({"Acme | Söhne", "0b0f3a1c-6d2e-4a57-9d7a-1f2e3d4c5b6a"});
    EXPECT_EQ(c.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
              std::string::npos)
        << "a cursor travels in a query string unescaped";
    EXPECT_EQ(decode(c, 2), (std::vector<std::string>{"Acme | Söhne", "0b0f3a1c-6d2e-4a57-9d7a-1f2e3d4c5b6a"}));
    EXPECT_EQ(decode(encode({"a@b.example"}), 1), std::vector<std::string>{"a@b.example"});
}

TEST(Cursor, ACursorThisApiDidNotIssueIsA422OnCursor) {
    EXPECT_EQ(refusal("%%%", 1), "422 cursor");
    EXPECT_EQ(refusal(encode({"one"}), 2), "422 cursor") << "a cursor of another list";
    EXPECT_EQ(refusal(encode({"a", "b", "c"}), 2), "422 cursor");
    EXPECT_EQ(refusal(encode({"\xff\xfe"}), 1), "422 cursor") << "not UTF-8";
    EXPECT_EQ(refusal(std::string(4000, 'A'), 1), "422 cursor") << "bounded before decoding";
}

TEST(Cursor, AKeysetCursorEndsWithTheRowsUuid) {
    auto keyset = decode_keyset(encode({"2026-12-07T10:00:00Z", "0b0f3a1c-6d2e-4a57-9d7a-1f2e3d4c5b6a"}));
    EXPECT_EQ(keyset.key, "2026-12-07T10:00:00Z");
    EXPECT_EQ(keyset.id, "0b0f3a1c-6d2e-4a57-9d7a-1f2e3d4c5b6a");
    EXPECT_THROW(decode_keyset(encode({"Acme", "not-a-uuid"})), Error);
    EXPECT_THROW(decode_keyset(encode({"0b0f3a1c-6d2e-4a57-9d7a-1f2e3d4c5b6a"})), Error);
}

}  // namespace
}  // namespace dh::cursor
