#include "common/bounded_json.hpp"

#include <gtest/gtest.h>

#include "common/error.hpp"

namespace dh::json {
namespace {

std::string nested_array(std::size_t depth, const std::string& inner = "1") {
    return std::string(depth, '[') + inner + std::string(depth, ']');
}

TEST(BoundedJson, ParsesOrdinaryDocumentsLikeNlohmann) {
    std::string text = R"({"a":[1,2.5,"x",null,true,{"b":{}}],"c":{"d":[]},"e":-3,"f":18446744073709551615})";
    auto r = parse_bounded(text);
    ASSERT_TRUE(r.value) << r.reason;
    EXPECT_EQ(*r.value, nlohmann::json::parse(text));
    EXPECT_EQ(r.failure, ParseFailure::none);
    auto scalar = parse_bounded("  \"just a string\" ");
    ASSERT_TRUE(scalar.value);
    EXPECT_EQ(*scalar.value, "just a string");
}

TEST(BoundedJson, LaterDuplicateKeyWinsAsInNlohmann) {
    auto r = parse_bounded(R"({"a":1,"a":[2]})");
    ASSERT_TRUE(r.value);
    EXPECT_EQ((*r.value)["a"], nlohmann::json::array({2}));
}

TEST(BoundedJson, DepthIsCheckedWhileParsing) {
    EXPECT_TRUE(parse_bounded(nested_array(64)).value);
    auto deep = parse_bounded(nested_array(65));
    EXPECT_FALSE(deep.value);
    EXPECT_EQ(deep.failure, ParseFailure::too_deep);
    EXPECT_NE(deep.reason.find("64"), std::string::npos) << deep.reason;
    // The issue's body: a valid object with one key holding 100,000 levels. It must stop early
    // (no recursion over the tree, no stack exhaustion) and not be mistaken for malformed JSON.
    std::string body = R"({"subject":"x","to":)" + nested_array(100000) + "}";
    auto crash = parse_bounded(body);
    EXPECT_EQ(crash.failure, ParseFailure::too_deep);
    // Objects count as levels as well; truncated deep input is still "too deep", not a crash.
    std::string objects;
    for (int i = 0; i < 100; ++i) objects += R"({"k":)";
    EXPECT_EQ(parse_bounded(objects).failure, ParseFailure::too_deep);
}

TEST(BoundedJson, SizeAndStringLimits) {
    Limits small;
    small.max_bytes = 10;
    EXPECT_EQ(parse_bounded(R"({"a":"0123456789"})", small).failure, ParseFailure::too_large);
    Limits strings;
    strings.max_string_bytes = 4;
    EXPECT_TRUE(parse_bounded(R"({"abcd":"wxyz"})", strings).value);
    EXPECT_EQ(parse_bounded(R"({"abcde":1})", strings).failure, ParseFailure::string_too_long);
    EXPECT_EQ(parse_bounded(R"(["vwxyz"])", strings).failure, ParseFailure::string_too_long);
}

TEST(BoundedJson, MalformedInputIsReportedNotThrown) {
    for (std::string bad : {"", "{", "{\"a\":}", "[1,]", "nul", "{\"a\":1}}", "\"\xff\"", "{\"a\":1} x"}) {
        auto r = parse_bounded(bad);
        EXPECT_FALSE(r.value) << bad;
        EXPECT_EQ(r.failure, ParseFailure::malformed) << bad;
    }
    EXPECT_FALSE(parse_or_null("{").has_value());
}

TEST(BoundedJson, RequestParsingMapsEachFailureToItsProblem) {
    auto status_and_code = [](const std::string& text) -> std::pair<int, std::string> {
        try {
            parse_request(text);
        } catch (const Error& e) {
            return {http_status(e.kind()), e.code()};
        }
        return {200, ""};
    };
    EXPECT_EQ(status_and_code(R"({"a":1})"), std::make_pair(200, std::string()));
    EXPECT_EQ(status_and_code(nested_array(1000)), std::make_pair(422, std::string("json_too_deep")));
    EXPECT_EQ(status_and_code("{"), std::make_pair(400, std::string("malformed_json")));
    Limits tiny;
    tiny.max_bytes = 4;
    EXPECT_THROW(parse_request(R"({"a":1})", tiny), Error);
}

}  // namespace
}  // namespace dh::json
