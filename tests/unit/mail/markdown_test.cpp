#include "mail/markdown.hpp"

#include <gtest/gtest.h>

namespace dh::mail {
namespace {

bool contains(const std::string& hay, const std::string& needle) {
    return hay.find(needle) != std::string::npos;
}

TEST(MarkdownHtml, RendersCommonMark) {
    auto html =
        markdown_to_html("# Order\n\nPlease **confirm** the [PO](https://x.example/po?a=1&b=2).\n\n- one\n- two\n");
    EXPECT_TRUE(contains(html, "<h1>Order</h1>"));
    EXPECT_TRUE(contains(html, "<strong>confirm</strong>"));
    EXPECT_TRUE(contains(html, "<a href=\"https://x.example/po?a=1&amp;b=2\">PO</a>"));
    EXPECT_TRUE(contains(html, "<li>one</li>"));
}

TEST(MarkdownHtml, RawHtmlIsNeverPassedThrough) {
    auto html = markdown_to_html(
        "<script>alert(1)</script>\n\nHi <img src=x onerror=alert(1)> <b onclick=\"x\">b</b>\n\n<div>block</div>\n");
    EXPECT_FALSE(contains(html, "<script"));
    EXPECT_FALSE(contains(html, "<img"));
    EXPECT_FALSE(contains(html, "onerror"));
    EXPECT_FALSE(contains(html, "onclick"));
    EXPECT_FALSE(contains(html, "<div>"));
    EXPECT_TRUE(contains(html, "raw HTML omitted"));
}

TEST(MarkdownHtml, DangerousUrlsAreDropped) {
    auto html = markdown_to_html("[click](javascript:alert(1)) [v](vbscript:x) ![i](data:text/html;base64,xx)");
    EXPECT_FALSE(contains(html, "javascript:"));
    EXPECT_FALSE(contains(html, "vbscript:"));
    EXPECT_FALSE(contains(html, "data:text/html"));
    EXPECT_TRUE(contains(html, ">click</a>"));
}

TEST(MarkdownHtml, LineBreaksAreKept) {
    EXPECT_TRUE(contains(markdown_to_html("Kind regards,\nAna"), "Kind regards,<br />\nAna"));
}

TEST(MarkdownHtml, TextIsEscaped) {
    EXPECT_TRUE(contains(markdown_to_html("a < b & \"c\""), "a &lt; b &amp; &quot;c&quot;"));
}

TEST(MarkdownHtml, InvalidUtf8IsReplaced) {
    auto html = markdown_to_html("bad \xff byte");
    EXPECT_TRUE(contains(html, "\xef\xbf\xbd"));
    EXPECT_FALSE(contains(html, "\xff"));
}

TEST(MarkdownText, ReadablePlainText) {
    auto text = markdown_to_text(
        "# Order 4711\n\nPlease **confirm** the [purchase order](https://x.example/po).\n\n"
        "- first\n- second\n\n3. three\n4. four\n\n> quoted\n> more\n\n```\ncode  block\n```\n\n---\n\n"
        "Kind regards,\nAna\n\n<b>raw</b> html\n\n<https://x.example/auto>\n");
    EXPECT_EQ(text,
              "Order 4711\n==========\n\nPlease confirm the purchase order (https://x.example/po).\n\n"
              "- first\n- second\n\n3. three\n4. four\n\n> quoted\n> more\n\ncode  block\n\n----------\n\n"
              "Kind regards,\nAna\n\nraw html\n\nhttps://x.example/auto");
}

TEST(MarkdownText, NestedListsAreIndented) {
    EXPECT_EQ(markdown_to_text("- a\n  - b\n  - c\n- d\n"), "- a\n  - b\n  - c\n- d");
}

TEST(MarkdownText, UnsafeLinkTargetsAreDropped) {
    EXPECT_EQ(markdown_to_text("[click](javascript:alert(1))"), "click");
    EXPECT_EQ(markdown_to_text("[mail me](mailto:a@b.example) [a@b.example](mailto:a@b.example)"),
              "mail me (mailto:a@b.example) a@b.example");
}

TEST(MarkdownText, DeepNestingDoesNotOverflowTheStack) {
    std::string deep(20000, '>');
    deep += " deep";
    EXPECT_NE(markdown_to_text(deep).find("deep"), std::string::npos);
    std::string list;
    for (int i = 0; i < 3000; ++i) list += std::string(static_cast<std::size_t>(i) * 2, ' ') + "- x\n";
    EXPECT_NE(markdown_to_text(list).find('x'), std::string::npos);
}

TEST(HtmlText, ParagraphsBreaksAndLinks) {
    auto text = html_to_text(
        "<html><head><title>T</title><style>p{color:red}</style></head><body>"
        "<p>Hello&nbsp;<b>Ana</b>,</p>\n<p>please   confirm\nthe <a "
        "href=\"https://x.example/po?a=1&amp;b=2\">order</a>."
        "<br>Thanks<br/>Bob</p><script>var x = '<p>no</p>';</script>"
        "<ul><li>one</li><li>two</li></ul><ol><li>first</li><li>second</li></ol>"
        "<div>A &amp; B &lt;c&gt; &#233; &#x1F69A; &euro; &unknown;</div></body></html>");
    EXPECT_EQ(text,
              "Hello Ana,\n\nplease confirm the order (https://x.example/po?a=1&b=2).\nThanks\nBob\n\n"
              "- one\n- two\n\n1. first\n2. second\n\nA & B <c> é 🚚 € &unknown;");
}

TEST(HtmlText, LinksThatAreTheirOwnTextAreNotRepeated) {
    EXPECT_EQ(html_to_text("<a href=\"https://x.example\">https://x.example</a>"), "https://x.example");
    EXPECT_EQ(html_to_text("<a href=\"mailto:a@b.example\">a@b.example</a>"), "a@b.example");
    EXPECT_EQ(html_to_text("<a href=\"#top\">top</a> <a href=\"javascript:x()\">js</a>"), "top js");
    EXPECT_EQ(html_to_text("<a href='https://x.example'><img src=logo.png></a>"), "https://x.example");
    EXPECT_EQ(html_to_text("<img alt=\"Logo\" src=x>"), "Logo");
}

TEST(HtmlText, PreKeepsWhitespaceAndCommentsVanish) {
    EXPECT_EQ(html_to_text("<p>a</p><pre>x   y\n  z</pre><!-- hidden <p>no</p> --><p>b</p>"), "a\n\nx   y\n  z\n\nb");
}

TEST(HtmlText, TablesAndRulers) {
    EXPECT_EQ(html_to_text("<table><tr><td>Qty</td><td>Item</td></tr><tr><td>3</td><td>Pallets</td></tr></table>"
                           "<hr><p>end</p>"),
              "Qty Item\n3 Pallets\n\n----------\n\nend");
}

TEST(HtmlText, MalformedHtmlDoesNotBreak) {
    EXPECT_EQ(html_to_text("a < b and c > d"), "a < b and c > d");
    EXPECT_EQ(html_to_text("<p>unclosed <b>bold"), "unclosed bold");
    EXPECT_EQ(html_to_text("<p title=\"x>y\">text</p>"), "text");
    EXPECT_EQ(html_to_text("<script>never closed"), "");
    EXPECT_EQ(html_to_text("<a href=\"https://x.example\">dangling"), "dangling");
    EXPECT_EQ(html_to_text("&#0; &#xD800; &#99999999;"), "\xef\xbf\xbd \xef\xbf\xbd \xef\xbf\xbd");
}

TEST(HtmlDocument, WrapsAFragment) {
    auto doc = html_document("<p>x</p>");
    EXPECT_TRUE(doc.starts_with("<!DOCTYPE html>"));
    EXPECT_TRUE(contains(doc, "<meta charset=\"utf-8\">"));
    EXPECT_TRUE(contains(doc, "<body>\n<p>x</p>\n</body>"));
}

}  // namespace
}  // namespace dh::mail
