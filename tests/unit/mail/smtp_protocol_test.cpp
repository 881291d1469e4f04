#include "mail/smtp_protocol.hpp"

#include <gtest/gtest.h>

namespace dh::mail::smtp {
namespace {

using Status = ReplyParser::Status;

TEST(SmtpReply, SingleLineWithEnhancedCode) {
    Reply r;
    std::size_t used = 0;
    std::string buf = "550 5.1.1 <x@y>: Recipient address rejected\r\n250 next";
    ASSERT_EQ(ReplyParser::parse(buf, r, used), Status::complete);
    EXPECT_EQ(r.code, 550);
    EXPECT_EQ(r.enhanced, "5.1.1");
    EXPECT_EQ(r.text, "5.1.1 <x@y>: Recipient address rejected");
    EXPECT_EQ(used, buf.find("250"));
    EXPECT_TRUE(r.permanent());
}

TEST(SmtpReply, MultiLineIsOneReply) {
    Reply r;
    std::size_t used = 0;
    std::string buf = "250-mx.example Hello\r\n250-PIPELINING\r\n250 SIZE 1000\r\n";
    ASSERT_EQ(ReplyParser::parse(buf, r, used), Status::complete);
    EXPECT_EQ(used, buf.size());
    EXPECT_EQ(r.text, "mx.example Hello\nPIPELINING\nSIZE 1000");
    EXPECT_EQ(r.summary(), "250 mx.example Hello PIPELINING SIZE 1000");
    EXPECT_EQ(r.enhanced, "");
}

TEST(SmtpReply, IncompleteUntilTheLastLine) {
    Reply r;
    std::size_t used = 0;
    EXPECT_EQ(ReplyParser::parse("250-a\r\n250-b\r\n", r, used), Status::incomplete);
    EXPECT_EQ(ReplyParser::parse("250 ok", r, used), Status::incomplete);
    EXPECT_EQ(ReplyParser::parse("", r, used), Status::incomplete);
    ASSERT_EQ(ReplyParser::parse("250\n", r, used), Status::complete);  // bare code, bare LF: tolerated
    EXPECT_EQ(r.code, 250);
}

TEST(SmtpReply, MalformedReplies) {
    Reply r;
    std::size_t used = 0;
    EXPECT_EQ(ReplyParser::parse("hello\r\n", r, used), Status::malformed);
    EXPECT_EQ(ReplyParser::parse("250-a\r\n251 b\r\n", r, used), Status::malformed);  // code changes mid-reply
    EXPECT_EQ(ReplyParser::parse("250_x\r\n", r, used), Status::malformed);
    EXPECT_EQ(ReplyParser::parse("999 x\r\n", r, used), Status::malformed);
    EXPECT_EQ(ReplyParser::parse(std::string(70000, '2'), r, used), Status::malformed);
}

TEST(SmtpReply, EnhancedCodeOnlyWhenWellFormed) {
    Reply r;
    std::size_t used = 0;
    ReplyParser::parse("451 4.7.500 Throttled\r\n", r, used);
    EXPECT_EQ(r.enhanced, "4.7.500");
    ReplyParser::parse("250 2.0.0\r\n", r, used);
    EXPECT_EQ(r.enhanced, "2.0.0");
    ReplyParser::parse("250 1.2.3 no\r\n", r, used);
    EXPECT_EQ(r.enhanced, "");
    ReplyParser::parse("250 2.0 Ok\r\n", r, used);
    EXPECT_EQ(r.enhanced, "");
}

Capabilities caps_of(const std::string& ehlo) {
    Reply r;
    std::size_t used = 0;
    EXPECT_EQ(ReplyParser::parse(ehlo, r, used), Status::complete);
    return Capabilities::parse(r);
}

TEST(SmtpCapabilities, ParsesTheExtensionsWeUse) {
    auto c = caps_of(
        "250-email-smtp.amazonaws.com\r\n250-8BITMIME\r\n250-Pipelining\r\n250-SIZE 10485760\r\n"
        "250-STARTTLS\r\n250-AUTH PLAIN LOGIN\r\n250 SMTPUTF8\r\n");
    EXPECT_TRUE(c.pipelining);
    EXPECT_TRUE(c.eight_bit_mime);
    EXPECT_TRUE(c.starttls);
    EXPECT_TRUE(c.smtputf8);
    EXPECT_TRUE(c.auth_offered);
    EXPECT_TRUE(c.auth_plain);
    EXPECT_TRUE(c.auth_login);
    ASSERT_TRUE(c.size_limit);
    EXPECT_EQ(*c.size_limit, 10485760u);
}

TEST(SmtpCapabilities, GreetingLineIsNotAnExtensionAndOddFormsWork) {
    auto c = caps_of("250-PIPELINING.example.com greets you\r\n250-AUTH=LOGIN\r\n250-SIZE\r\n250 AUTH CRAM-MD5\r\n");
    EXPECT_FALSE(c.pipelining);
    EXPECT_TRUE(c.auth_offered);
    EXPECT_TRUE(c.auth_login);
    EXPECT_FALSE(c.auth_plain);
    EXPECT_FALSE(c.size_limit);
    EXPECT_FALSE(c.starttls);
    auto none = caps_of("250 only.a.name\r\n");
    EXPECT_FALSE(none.auth_offered);
    EXPECT_FALSE(none.pipelining);
}

std::string payload(std::string_view message) {
    std::string out;
    append_data_payload(out, message);
    return out;
}

TEST(SmtpDataPayload, DotStuffingAndTerminator) {
    EXPECT_EQ(payload("a\r\n.b\r\n..c\r\n"), "a\r\n..b\r\n...c\r\n.\r\n");
    EXPECT_EQ(payload(".first"), "..first\r\n.\r\n");
    EXPECT_EQ(payload(""), ".\r\n");
    EXPECT_EQ(payload("no final line break"), "no final line break\r\n.\r\n");
}

TEST(SmtpDataPayload, SmugglingSequencesCannotEndTheMessage) {
    // Each would end the DATA early at some peer if sent raw; normalised, the dot line is stuffed.
    EXPECT_EQ(payload("x\n.\nMAIL FROM:<evil>\n"), "x\r\n..\r\nMAIL FROM:<evil>\r\n.\r\n");
    EXPECT_EQ(payload("x\r\n.\r\ny"), "x\r\n..\r\ny\r\n.\r\n");
    EXPECT_EQ(payload("x\r.\ry"), "x\r\n..\r\ny\r\n.\r\n");
    EXPECT_EQ(payload("x\r\n.\ny"), "x\r\n..\r\ny\r\n.\r\n");
    // No bare CR or LF survives.
    auto p = payload("a\rb\nc\r\n\r\rd\n\n");
    for (std::size_t i = 0; i < p.size(); ++i) {
        if (p[i] == '\n') {
            EXPECT_TRUE(i > 0 && p[i - 1] == '\r') << i;
        }
        if (p[i] == '\r') {
            EXPECT_TRUE(i + 1 < p.size() && p[i + 1] == '\n') << i;
        }
    }
    EXPECT_EQ(p, "a\r\nb\r\nc\r\n\r\n\r\nd\r\n\r\n.\r\n");
}

}  // namespace
}  // namespace dh::mail::smtp
