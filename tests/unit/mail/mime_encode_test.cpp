#include "mail/mime_encode.hpp"

#include <gtest/gtest.h>

#include <random>

#include "common/strings.hpp"
#include "mime_test_util.hpp"

namespace dh::mail::mime {
namespace {

using testing::base64_decode;
using testing::decode_words;
using testing::lines;
using testing::qp_decode;

std::string random_bytes(std::size_t n, unsigned seed) {
    std::mt19937 rng(seed);
    std::string out(n, '\0');
    for (auto& c : out) c = static_cast<char>(rng() & 0xff);
    return out;
}

TEST(MimeEncode, NormalizeCrlfHandlesEveryLineEnding) {
    EXPECT_EQ(normalize_crlf("a\nb\r\nc\rd\r\r\ne"), "a\r\nb\r\nc\r\nd\r\n\r\ne");
    EXPECT_EQ(normalize_crlf("\n\n"), "\r\n\r\n");
    EXPECT_EQ(normalize_crlf("plain"), "plain");
}

TEST(MimeEncode, Fits7bitOnlyForShortCleanAscii) {
    EXPECT_TRUE(fits_7bit("Hello\r\nworld\r\n"));
    EXPECT_FALSE(fits_7bit("Zoë\r\n"));
    EXPECT_FALSE(fits_7bit(std::string(77, 'a') + "\r\n"));
    EXPECT_TRUE(fits_7bit(std::string(76, 'a') + "\r\n"));
    EXPECT_FALSE(fits_7bit("a\r\n.\r\n"));
    EXPECT_FALSE(fits_7bit("From here\r\n"));
    EXPECT_FALSE(fits_7bit("trailing \r\n"));
    EXPECT_FALSE(fits_7bit("x =_ y\r\n"));
    EXPECT_FALSE(fits_7bit(std::string("nul\0", 4)));
}

TEST(MimeEncode, QuotedPrintableRoundTripsAndKeepsLinesShort) {
    std::vector<std::string> samples = {
        "",
        "plain ascii\r\n",
        "Grüße aus Köln — 東京 🚚\r\nsecond line\r\n",
        "a=b, 100% =3D literal\r\n",
        "trailing space \r\ntrailing tab\t\r\n",
        ".\r\n..\r\n.starts with dot\r\n",
        "From the start\r\nFrom\r\n",
        std::string(5000, 'x') + "\r\n",
        std::string(300, ' ') + "\r\n",
        std::string(200, '=') + "\r\n",
        "no final break",
    };
    for (const auto& s : samples) {
        auto qp = quoted_printable(s);
        std::string expected = s.empty() || s.ends_with("\r\n") ? s : s + "\r\n";
        EXPECT_EQ(qp_decode(qp), expected) << s.substr(0, 40);
        for (auto line : lines(qp)) {
            EXPECT_LE(line.size(), 76u);
            EXPECT_FALSE(line.ends_with(" ") || line.ends_with("\t"))
                << "trailing white space survives transport badly";
            EXPECT_NE(line, ".");
            EXPECT_FALSE(line.starts_with(".")) << line;
            EXPECT_FALSE(line.starts_with("From ")) << line;
            for (char c : line) EXPECT_TRUE(c >= 0x20 && c < 0x7f) << "QP output must be printable ASCII";
        }
        EXPECT_EQ(qp.find("=_"), std::string::npos) << "=_ is reserved for boundaries";
    }
}

TEST(MimeEncode, QuotedPrintableUsesSoftBreaksForLongLines) {
    auto qp = quoted_printable(std::string(200, 'y') + "\r\n");
    auto ls = lines(qp);
    ASSERT_EQ(ls.size(), 3u);
    EXPECT_EQ(ls[0], std::string(75, 'y') + "=");
    EXPECT_EQ(ls[1], std::string(75, 'y') + "=");
    EXPECT_EQ(ls[2], std::string(50, 'y'));
}

TEST(MimeEncode, QuotedPrintableNeverSplitsAnEscape) {
    auto qp = quoted_printable(std::string(500, '\xe9') + "\r\n");
    for (auto line : lines(qp)) {
        std::string_view content = line.ends_with("=") ? line.substr(0, line.size() - 1) : line;
        EXPECT_EQ(content.size() % 3, 0u) << line;
    }
    EXPECT_EQ(qp_decode(qp), std::string(500, '\xe9') + "\r\n");
}

TEST(MimeEncode, Base64LinesRoundTripAt76Columns) {
    for (std::size_t n : {0u, 1u, 2u, 3u, 56u, 57u, 58u, 114u, 1000u, 100000u}) {
        auto data = random_bytes(n, static_cast<unsigned>(n));
        auto enc = base64_lines(data);
        EXPECT_EQ(base64_decode(enc), data) << n;
        auto ls = lines(enc);
        for (std::size_t i = 0; i < ls.size(); ++i) {
            if (i + 1 < ls.size()) {
                EXPECT_EQ(ls[i].size(), 76u);
            }
            EXPECT_LE(ls[i].size(), 76u);
        }
        if (n > 0) {
            EXPECT_TRUE(enc.ends_with("\r\n"));
        }
    }
}

TEST(MimeEncode, EncodedWordsRoundTripWithoutSplittingCharacters) {
    std::vector<std::string> samples = {"Zoë",
                                        "Grüße aus Köln",
                                        "東京都千代田区丸の内一丁目 注文書 第4711号 のご案内",
                                        "🚚📦 " + std::string(100, 'a') + " 🚚",
                                        "ascii only but long " + std::string(90, 'z'),
                                        "=?UTF-8?B?not-a-word?="};
    for (const auto& s : samples) {
        auto words = encoded_words(s);
        std::string joined;
        for (const auto& w : words) {
            EXPECT_LE(w.size(), 75u) << "RFC 2047 limit";
            EXPECT_TRUE(w.starts_with("=?UTF-8?B?") && w.ends_with("?="));
            EXPECT_TRUE(strings::is_valid_utf8(decode_words(w))) << "a word must hold whole characters";
            joined += (joined.empty() ? "" : " ") + w;
        }
        EXPECT_EQ(decode_words(joined), s);
    }
}

TEST(MimeEncode, FoldHeaderKeepsLinesWithin78) {
    std::vector<std::string> tokens;
    for (int i = 0; i < 40; ++i) tokens.push_back("word" + std::to_string(i));
    auto h = fold_header("Subject", tokens);
    EXPECT_TRUE(h.ends_with("\r\n"));
    auto ls = lines(h);
    EXPECT_GT(ls.size(), 1u);
    for (std::size_t i = 0; i < ls.size(); ++i) {
        EXPECT_LE(ls[i].size(), 78u);
        if (i > 0) {
            EXPECT_EQ(ls[i][0], ' ');
        }
    }
    // Unfolding (removing CRLF) gives back the tokens joined by single spaces.
    std::string unfolded;
    for (auto l : ls) unfolded += l;
    std::string expected = "Subject:";
    for (const auto& t : tokens) expected += " " + t;
    EXPECT_EQ(unfolded, expected);
}

TEST(MimeEncode, UnstructuredChoosesPlainOrEncoded) {
    EXPECT_EQ(unstructured_tokens("Order  4711   ready"), (std::vector<std::string>{"Order", "4711", "ready"}));
    EXPECT_TRUE(unstructured_tokens("Bestellung für Zoë")[0].starts_with("=?UTF-8?B?"));
    EXPECT_TRUE(unstructured_tokens("literal =?x?= text")[0].starts_with("=?UTF-8?B?"));
    auto long_word = unstructured_tokens("see " + std::string(120, 'k'));
    EXPECT_TRUE(long_word[0].starts_with("=?UTF-8?B?"));
    std::string joined;
    for (const auto& w : long_word) joined += w + " ";
    EXPECT_EQ(decode_words(joined.substr(0, joined.size() - 1)), "see " + std::string(120, 'k'));
}

TEST(MimeEncode, PhraseQuotesOrEncodesWhenNeeded) {
    EXPECT_EQ(phrase_tokens("Ana Smith"), (std::vector<std::string>{"Ana", "Smith"}));
    EXPECT_EQ(phrase_tokens("Acme, Inc."), (std::vector<std::string>{"\"Acme, Inc.\""}));
    EXPECT_EQ(phrase_tokens(R"(Ana "Boss" O\Neil)"), (std::vector<std::string>{R"("Ana \"Boss\" O\\Neil")"}));
    EXPECT_EQ(phrase_tokens("a@b.c <x>"), (std::vector<std::string>{"\"a@b.c <x>\""}));
    auto enc = phrase_tokens("Zoë Müller");
    ASSERT_EQ(enc.size(), 1u);
    EXPECT_EQ(decode_words(enc[0]), "Zoë Müller");
}

TEST(MimeEncode, ParametersAsciiQuotedOtherwiseRfc2231) {
    EXPECT_EQ(parameter_tokens("filename", "report.pdf"), (std::vector<std::string>{"filename=\"report.pdf\""}));
    EXPECT_EQ(parameter_tokens("filename", "a \"b\".pdf"), (std::vector<std::string>{R"(filename="a \"b\".pdf")"}));
    EXPECT_EQ(parameter_tokens("filename", "Übersicht.pdf"),
              (std::vector<std::string>{"filename*=utf-8''%C3%9Cbersicht.pdf"}));
    auto cont = parameter_tokens("filename", std::string(70, 'a') + "€.pdf");
    ASSERT_GE(cont.size(), 2u);
    std::string decoded;
    for (std::size_t i = 0; i < cont.size(); ++i) {
        std::string prefix = "filename*" + std::to_string(i) + "*=" + (i == 0 ? "utf-8''" : "");
        ASSERT_TRUE(cont[i].starts_with(prefix)) << cont[i];
        std::string v = cont[i].substr(prefix.size());
        if (i + 1 < cont.size()) {
            ASSERT_TRUE(v.ends_with(";"));
            v.pop_back();
        }
        for (auto& c : v) c = c == '%' ? '=' : c;
        decoded += qp_decode(v);
        EXPECT_LE(cont[i].size(), 70u);
    }
    EXPECT_EQ(decoded, std::string(70, 'a') + "€.pdf");
}

// Readers decode an encoded-word even inside a quoted parameter: "=?" must never be written as is.
TEST(MimeEncode, ParametersHoldingAnEncodedWordLookAlikeAreRfc2231) {
    // Long enough to be split into RFC 2231 continuations; no piece may carry the look-alike as is.
    auto tokens = parameter_tokens("filename", "=?UTF-8?B?DQpCY2M6IGV2aWxAeC50ZXN0?=.pdf");
    ASSERT_FALSE(tokens.empty());
    EXPECT_EQ(tokens[0].rfind("filename*0*=utf-8''%3D%3F", 0), 0u) << tokens[0];
    std::string joined;
    for (const auto& t : tokens) {
        EXPECT_EQ(t.rfind("filename*", 0), 0u) << t;
        EXPECT_EQ(t.find("=?"), std::string::npos) << t;
        joined += t;
    }
    EXPECT_NE(joined.find("IGV2aWxAeC50ZXN0%3F%3D"), std::string::npos);
    EXPECT_EQ(parameter_tokens("name", "a=?b"), (std::vector<std::string>{"name*=utf-8''a%3D%3Fb"}));
    EXPECT_EQ(parameter_tokens("name", "a=b?.pdf"), (std::vector<std::string>{"name=\"a=b?.pdf\""}));
}

TEST(MimeEncode, DateIsRfc5322InUtc) {
    auto t = std::chrono::system_clock::from_time_t(1751360703);  // 2025-07-01 09:05:03 UTC
    EXPECT_EQ(rfc5322_date(t), "Tue, 01 Jul 2025 09:05:03 +0000");
}

TEST(MimeEncode, Sha256Hex) {
    EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

}  // namespace
}  // namespace dh::mail::mime
