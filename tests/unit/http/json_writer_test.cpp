#include "http/json_writer.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "http/page_response.hpp"

namespace dh::http {
namespace {

using nlohmann::json;

std::string dumped(const json& j) {
    return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::string written(std::string_view s) {
    std::string out;
    JsonWriter(out).string(s);
    return out;
}

TEST(JsonWriter, WritesStringsByteForByteAsNlohmannDoes) {
    const std::string cases[] = {
        "",
        "plain ascii, with spaces",
        "quote \" and backslash \\",
        "control \x01 \x1f tab\t newline\n return\r",
        "del \x7f",
        "Zo\xc3\xab M\xc3\xbcller \xe2\x82\xac \xf0\x9f\x93\xa7",  // UTF-8 kept as it is
        "broken \xc3 utf-8 \xff\xfe end",                          // replaced by U+FFFD
        std::string("nul \0 inside", 12),
        "</script>",
        "escape first\t then Zo\xc3\xab",  // an escape before UTF-8, and after it:
        "Zo\xc3\xab then\n a line",
        "runs \"between\" escapes\\ and at the end\n",
    };
    for (auto& s : cases) EXPECT_EQ(written(s), dumped(json(s))) << s;
}

TEST(JsonWriter, EscapesEveryAsciiCharacterAsNlohmannDoes) {
    for (int c = 0; c < 0x80; ++c) {
        const std::string s = "a" + std::string(1, static_cast<char>(c)) + "b";
        EXPECT_EQ(written(s), dumped(json(s))) << "character " << c;
    }
}

TEST(JsonWriter, PlacesCommasBetweenMembersAndItems) {
    std::string out;
    JsonWriter w(out);
    w.begin_object();
    w.key("a").number(-42);
    w.key("b").boolean(true).key("c").boolean(false).key("d").null();
    w.key("e").begin_array().begin_object().end_object().begin_array().end_array().number(1).end_array();
    w.key("f").string(std::optional<std::string>{}).key("g").string(std::optional<std::string>{"x"});
    w.key("h").begin_object().key("i").string("j").key_escaped("k \"\xc3\xa9\"").number(0).end_object();
    w.end_object();
    EXPECT_EQ(out, R"({"a":-42,"b":true,"c":false,"d":null,"e":[{},[],1],"f":null,"g":"x","h":{"i":"j","k \"é\"":0}})");
    EXPECT_EQ(json::parse(out)["h"]["i"], "j");
}

TEST(JsonWriter, WritesFractionsAsNlohmannDoesAndJsonTextAsItIs) {
    for (double d : {0.0, 1.0, 0.25, 1.0 / 3.0, 0.999})
        EXPECT_EQ(
            [&] {
                std::string out;
                JsonWriter(out).fraction(d);
                return out;
            }(),
            json(d).dump())
            << d;
    std::string out;
    JsonWriter(out).begin_array().json_text(R"({"list_ids": ["a"]})").number(2).end_array();
    EXPECT_EQ(out, R"([{"list_ids": ["a"]},2])");
    EXPECT_EQ(json::parse(out)[0]["list_ids"][0], "a");
}

struct Row {
    std::string id, created_at, name;
};

TEST(JsonWriter, AWrittenPageIsTheSameDocumentAsTheJsonPage) {
    std::vector<Row> rows = {
        {"11111111-1111-1111-1111-111111111111", "2026-01-01T00:00:00.000000Z", "A \"quoted\" name"},
        {"22222222-2222-2222-2222-222222222222", "2026-01-02T00:00:00.000000Z", "M\xc3\xbcller"}};
    auto key = [](const Row& r) { return r.created_at; };
    for (int limit : {2, 3}) {  // a full page has a cursor, a short one null
        auto tree = keyset_json(rows, limit, key, [](const Row& r) { return json{{"id", r.id}, {"name", r.name}}; });
        auto page = keyset_written(rows, limit, key, [](JsonWriter& w, const Row& r) {
            w.begin_object().key("id").string(r.id).key("name").string(r.name).end_object();
        });
        EXPECT_EQ(json::parse(page.body), tree) << page.body;
        EXPECT_EQ(page.status, 200);
        EXPECT_EQ(page.content_type, "application/json");
    }
}

}  // namespace
}  // namespace dh::http
