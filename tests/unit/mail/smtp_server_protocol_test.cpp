#include "mail/smtp_server_protocol.hpp"

#include <gtest/gtest.h>

#include <random>

namespace dh::mail::smtpd {
namespace {

/// Feeds `data` one byte at a time: every split point between reads must give the same result.
DataReader feed_bytewise(const std::string& data, std::size_t max, std::size_t* used = nullptr) {
    DataReader r(max);
    std::size_t total = 0;
    for (char c : data) {
        if (r.done()) break;
        total += r.feed(std::string_view(&c, 1));
    }
    if (used) *used = total;
    return r;
}

TEST(DataReader, EndsAtCrlfDotCrlfAndUnstuffs) {
    std::string data = "A: b\r\n\r\n..x\r\n..\r\n.\r\nQUIT\r\n";
    DataReader whole(1000);
    std::size_t used = whole.feed(data);
    EXPECT_TRUE(whole.done());
    EXPECT_EQ(data.substr(used), "QUIT\r\n");
    EXPECT_EQ(whole.message(), "A: b\r\n\r\n.x\r\n.\r\n");
    EXPECT_FALSE(whole.bad_line_ending());
    std::size_t used_bytewise = 0;
    DataReader split = feed_bytewise(data, 1000, &used_bytewise);
    EXPECT_EQ(split.message(), whole.message());
    EXPECT_EQ(used_bytewise, used);
}

TEST(DataReader, BareLfAndBareCrAreFlagged) {
    for (std::string data : {"a\nb\r\n.\r\n", "a\r\n.\n", "a\rb\r\n.\r\n", "a\r\n\n.\r\n"}) {
        DataReader r(1000);
        r.feed(data);
        EXPECT_TRUE(r.done()) << data;
        EXPECT_TRUE(r.bad_line_ending()) << data;
    }
    DataReader r(1000);  // "\n.\n" alone ends a data stream that was already bad
    EXPECT_EQ(r.feed("x\n.\nMAIL FROM:<a@b>\r\n"), 4u);
    EXPECT_TRUE(r.done());
}

TEST(DataReader, NormalizeAcceptsBareLfButEndsOnlyAtCrlfDotCrlf) {
    DataReader r(1000, true);
    std::string data = "Subject: x\n\nline one\n.\nMAIL FROM:<smuggled@x>\r\n.\nstill content\n\r\n.\r\nQUIT\r\n";
    auto used = r.feed(data);
    ASSERT_TRUE(r.done());
    EXPECT_FALSE(r.bad_line_ending());
    EXPECT_EQ(data.substr(used), "QUIT\r\n");
    EXPECT_EQ(r.message(), "Subject: x\r\n\r\nline one\r\n\r\nMAIL FROM:<smuggled@x>\r\n\r\nstill content\r\n\r\n");
    DataReader cr(1000, true);
    cr.feed("a\rb\r\n.\r\n");
    EXPECT_TRUE(cr.done());
    EXPECT_TRUE(cr.bad_line_ending());
}

TEST(DataReader, SizeLimitKeepsReadingToTheEnd) {
    std::string data = "Subject: x\r\n\r\n";
    data.append(5000, 'y').append("\r\n.\r\n");
    DataReader r = feed_bytewise(data, 100);
    EXPECT_TRUE(r.done());
    EXPECT_TRUE(r.too_big());
    EXPECT_TRUE(r.message().empty());
    DataReader exact(8);  // "abcdef\r\n" is exactly 8 bytes: allowed
    exact.feed("abcdef\r\n.\r\n");
    EXPECT_FALSE(exact.too_big());
}

TEST(DataReader, AnySplitOfRandomInputGivesTheSameResult) {
    std::mt19937 rng(3);
    const std::string alphabet = "ab.\r\n";
    for (int round = 0; round < 500; ++round) {
        std::string data;
        for (std::size_t n = rng() % 200; n > 0; --n) data += alphabet[rng() % alphabet.size()];
        data += "\r\n.\r\n";
        DataReader whole(64);
        std::size_t used_whole = whole.feed(data);
        DataReader chunked(64);
        std::size_t used = 0;
        while (!chunked.done() && used < data.size()) {
            std::size_t len = 1 + rng() % 7;
            used += chunked.feed(std::string_view(data).substr(used, len));
        }
        ASSERT_EQ(used, used_whole) << data;
        EXPECT_EQ(chunked.message(), whole.message());
        EXPECT_EQ(chunked.bad_line_ending(), whole.bad_line_ending());
        EXPECT_EQ(chunked.too_big(), whole.too_big());
    }
}

TEST(PathArg, ParsesAddressesAndParameters) {
    auto p = parse_path_arg("FROM:<a@b.example> SIZE=10 body=8bitmime", "FROM:");
    ASSERT_TRUE(p.ok);
    EXPECT_EQ(p.address, "a@b.example");
    EXPECT_EQ(p.params.at("SIZE"), "10");
    EXPECT_EQ(p.params.at("BODY"), "8bitmime");
    EXPECT_TRUE(parse_path_arg("FROM:<>", "FROM:").ok);
    EXPECT_EQ(parse_path_arg("to: <@relay.example:u@d.example>", "TO:").address, "u@d.example");
    EXPECT_FALSE(parse_path_arg("TO:<a b@c>", "TO:").ok);
    EXPECT_FALSE(parse_path_arg("TO:<a@c", "TO:").ok);
    EXPECT_EQ(parse_path_arg("TO:<m\xc3\xbcller@c.example>", "TO:").code, 553);
    EXPECT_FALSE(parse_path_arg("FROM <a@b>", "FROM:").ok);
}

TEST(Command, VerbIsUpperCasedAndArgumentTrimmed) {
    auto c = parse_command("ehlo client.example  ");
    EXPECT_EQ(c.verb, "EHLO");
    EXPECT_EQ(c.arg, "client.example");
    EXPECT_EQ(parse_command("QUIT").arg, "");
}

}  // namespace
}  // namespace dh::mail::smtpd
