#include "db/arrays.hpp"

#include <gtest/gtest.h>

namespace dh::db {
namespace {

struct Row {
    std::string id;
    std::optional<std::string> note;
};

TEST(TextArray, QuotesEveryElementAndEscapesQuotesAndBackslashes) {
    EXPECT_EQ(text_array(std::vector<std::string>{}), "{}");
    EXPECT_EQ(text_array(std::vector<std::string>{"a", "b c"}), R"({"a","b c"})");
    EXPECT_EQ(text_array(std::vector<std::string>{R"(say "hi")", R"(C:\dir)"}), R"({"say \"hi\"","C:\\dir"})");
    // Separators and braces inside a quoted element are text, not syntax.
    EXPECT_EQ(text_array(std::vector<std::string>{"a,b", "{x}", ""}), R"({"a,b","{x}",""})");
}

TEST(TextArray, NulloptBecomesNullButTheWordNullStaysText) {
    std::vector<std::optional<std::string>> items{"NULL", std::nullopt, "x"};
    EXPECT_EQ(text_array(items), R"({"NULL",NULL,"x"})");
}

TEST(TextArray, OfOneFieldKeepsTheFieldsType) {
    std::vector<Row> rows{{"1", "first"}, {"2", std::nullopt}};
    EXPECT_EQ(text_array_of(rows, [](const Row& r) { return r.id; }), R"({"1","2"})");
    EXPECT_EQ(text_array_of(rows, [](const Row& r) { return r.note; }), R"({"first",NULL})");
}

}  // namespace
}  // namespace dh::db
