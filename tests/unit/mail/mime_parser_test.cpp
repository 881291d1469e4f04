#include "mail/mime_parser.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

namespace dh::mail {
namespace {

std::string corpus(const std::string& name) {
    auto path = std::filesystem::path(__FILE__).parent_path() / "../../data/mime" / name;
    std::ifstream in(path, std::ios::binary);
    EXPECT_TRUE(in.good()) << path;
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

bool valid_utf8(const std::string& s) {
    return repair_utf8(s) == s;
}

TEST(MimeParser, MultipartAlternativeWithAttachments) {
    ParsedMessage m = parse_message(corpus("alternative_with_attachments.eml"));
    EXPECT_EQ(m.parse_error, "");
    EXPECT_EQ(m.from.name, "Jürgen Müller");
    EXPECT_EQ(m.from.address, "juergen@supplier.example");
    ASSERT_EQ(m.to.size(), 2u);
    EXPECT_EQ(m.to[0].name, "Dispatch Desk");
    EXPECT_EQ(m.to[0].address, "reply+abc123@in.example");
    EXPECT_EQ(m.to[1].address, "second@in.example");
    ASSERT_EQ(m.cc.size(), 2u) << "group members are flattened";
    EXPECT_EQ(m.cc[1].address, "bob@supplier.example");
    ASSERT_EQ(m.reply_to.size(), 1u);
    EXPECT_EQ(m.subject, "Re: Quote request #42");
    EXPECT_EQ(m.date, "2024-05-07T12:03:12Z");
    EXPECT_EQ(m.message_id, "reply-1@supplier.example");
    EXPECT_EQ(m.in_reply_to, "d-42.r-7@dispatchhub.example");
    EXPECT_EQ(m.references, (std::vector<std::string>{"root@dispatchhub.example", "d-42.r-7@dispatchhub.example"}));
    EXPECT_EQ(m.content_type, "multipart/mixed");
    EXPECT_EQ(m.content_type_params["boundary"], "outer");
    EXPECT_EQ(m.text_body, "Hello, our price is 12 € per unit.") << "the CRLF before a boundary belongs to it";
    EXPECT_NE(m.html_body.find("<script>"), std::string::npos) << "the HTML is kept as received";
    EXPECT_EQ(m.html_text, "Hello, our price is 12 € per unit.\nSee details");
    ASSERT_EQ(m.attachments.size(), 2u);
    EXPECT_EQ(m.attachments[0].filename, "Angebot Müller.pdf");
    EXPECT_EQ(m.attachments[0].content_type, "application/pdf");
    EXPECT_EQ(m.attachments[0].data.substr(0, 8), "%PDF-1.4");
    EXPECT_FALSE(m.attachments[0].is_inline);
    EXPECT_EQ(m.attachments[1].content_type, "image/png");
    EXPECT_EQ(m.attachments[1].content_id, "logo@supplier.example");
    EXPECT_TRUE(m.attachments[1].is_inline);
    EXPECT_EQ(m.attachments[1].data.substr(1, 3), "PNG");
    EXPECT_EQ(m.raw_headers.substr(0, 12), "Return-Path:");
    std::string last = "Content-Type: multipart/mixed; boundary=\"outer\"\r\n";
    EXPECT_EQ(m.raw_headers.substr(m.raw_headers.size() - last.size()), last) << "up to the blank line, exactly";
}

TEST(MimeParser, EncodedWordSubjects) {
    ParsedMessage utf8 = parse_message(corpus("subject_utf8.eml"));
    EXPECT_EQ(utf8.subject, "Цена на материалы ✓");
    EXPECT_EQ(utf8.from.name, "Иван Петров");
    EXPECT_EQ(parse_message(corpus("subject_latin1.eml")).subject, "Grüße aus München");
}

TEST(MimeParser, Windows1252BodyIsConverted) {
    ParsedMessage m = parse_message(corpus("body_windows1252.eml"));
    EXPECT_EQ(m.text_body, "“Price” is 10 € – final.\r\n");
}

TEST(MimeParser, DeclaredUtf8WithABadByteIsRepairedNotReinterpreted) {
    ParsedMessage m = parse_message("Content-Type: text/plain; charset=utf-8\r\n\r\nM\xc3\xbcnchen \xff ok\r\n");
    EXPECT_EQ(m.text_body, "München \xEF\xBF\xBD ok\r\n");
    ParsedMessage undeclared = parse_message("Subject: x\r\n\r\nM\xfcnchen\r\n");
    EXPECT_EQ(undeclared.text_body, "München\r\n") << "undeclared 8-bit text is read as windows-1252";
}

TEST(MimeParser, UnknownCharsetStillGivesValidUtf8) {
    ParsedMessage m = parse_message(corpus("bad_charset.eml"));
    EXPECT_TRUE(valid_utf8(m.text_body));
    EXPECT_EQ(m.text_body.substr(0, 5), "café");
    EXPECT_FALSE(m.warnings.empty());
}

TEST(MimeParser, TruncatedMultipartKeepsWhatArrived) {
    ParsedMessage m = parse_message(corpus("truncated_multipart.eml"));
    EXPECT_EQ(m.text_body, "first part survives");
    ASSERT_EQ(m.attachments.size(), 1u);
    EXPECT_EQ(m.attachments[0].filename, "cut.bin");
    EXPECT_EQ(m.attachments[0].data.substr(0, 4), std::string("\x00\x01\x02\x03", 4));
    EXPECT_NE(m.parse_error, "") << "a missing closing boundary is reported";
}

TEST(MimeParser, MultipartWithoutBoundary) {
    ParsedMessage m = parse_message(corpus("missing_boundary.eml"));
    EXPECT_NE(m.parse_error, "");
    EXPECT_EQ(m.subject, "no boundary");
}

TEST(MimeParser, NulBytesAreDroppedFromText) {
    ParsedMessage m = parse_message(corpus("nul_bytes.eml"));
    EXPECT_EQ(m.text_body.find('\0'), std::string::npos);
    EXPECT_NE(m.text_body.find("NUL"), std::string::npos);
    EXPECT_EQ(m.subject.find('\0'), std::string::npos);
}

TEST(MimeParser, HugeHeaderLine) {
    std::string raw =
        "From: a@b.example\r\nX-Huge: " + std::string(1 << 20, 'h') + "\r\nSubject: after the huge one\r\n\r\nbody\r\n";
    ParsedMessage m = parse_message(raw);
    EXPECT_EQ(m.subject, "after the huge one");
    EXPECT_EQ(m.text_body, "body\r\n");
    EXPECT_EQ(header_value(m.raw_headers, "x-huge").size(), std::size_t(1) << 20);
}

TEST(MimeParser, DeeplyNestedMultipartsDoNotExhaustTheStack) {
    std::string raw = "From: a@b.example\r\nSubject: deep\r\nMIME-Version: 1.0\r\n";
    const int depth = 5000;
    for (int i = 0; i < depth; ++i)
        raw += "Content-Type: multipart/mixed; boundary=\"b" + std::to_string(i) + "\"\r\n\r\n--b" + std::to_string(i) +
               "\r\n";
    raw += "Content-Type: text/plain\r\n\r\ninnermost\r\n";
    for (int i = depth - 1; i >= 0; --i) raw += "--b" + std::to_string(i) + "--\r\n";
    ParsedMessage m = parse_message(raw);
    EXPECT_EQ(m.subject, "deep");
    EXPECT_NE(m.parse_error, "");
}

TEST(MimeParser, PartCountIsBoundedAndTheMessageStillRead) {
    std::string raw =
        "From: a@b.example\r\nSubject: many\r\nMIME-Version: 1.0\r\n"
        "Content-Type: multipart/mixed; boundary=\"b\"\r\n\r\n";
    for (int i = 0; i < 3000; ++i)
        raw += "--b\r\nContent-Type: application/octet-stream\r\nContent-Disposition: attachment; filename=\"f" +
               std::to_string(i) + "\"\r\n\r\nx\r\n";
    raw += "--b--\r\n";
    ParsedMessage m = parse_message(raw);
    EXPECT_EQ(m.subject, "many");
    EXPECT_LE(m.attachments.size(), 2000u);
    EXPECT_NE(m.parse_error.find("too many parts"), std::string::npos) << m.parse_error;
}

TEST(MimeParser, BinaryGarbageAndTruncationsNeverCrash) {
    std::mt19937 rng(42);
    std::string good = corpus("alternative_with_attachments.eml");
    for (int round = 0; round < 300; ++round) {
        std::string raw(static_cast<std::size_t>(rng() % 4096), '\0');
        for (auto& c : raw) c = static_cast<char>(rng());
        ParsedMessage garbage = parse_message(raw);
        EXPECT_TRUE(valid_utf8(garbage.subject) && valid_utf8(garbage.text_body) && valid_utf8(garbage.html_text));
        ParsedMessage cut = parse_message(std::string_view(good).substr(0, rng() % good.size()));
        EXPECT_TRUE(valid_utf8(cut.text_body));
    }
    EXPECT_NE(parse_message("").parse_error + parse_message("").subject, "x");  // empty input is fine too
}

TEST(HeaderValue, UnfoldsAndMatchesCaseInsensitively) {
    std::string block =
        "Subject: a\r\nmessage-id:\r\n  <x@y.example>\r\nTo: t\r\n\r\nMessage-ID: <body@not.header>\r\n";
    EXPECT_EQ(header_value(block, "Message-ID"), "<x@y.example>");
    EXPECT_EQ(header_value(block, "Cc"), "");
}

}  // namespace
}  // namespace dh::mail
