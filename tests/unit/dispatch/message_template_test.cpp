#include "dispatch/message_template.hpp"

#include <gtest/gtest.h>

#include "common/error.hpp"

namespace dh::dispatch {
namespace {

MergeContext ctx() {
    MergeContext c;
    c.vendor_name = "<b>*Acme*</b> & [Co](javascript:x)";
    c.vendor_code = "V-001";
    c.contact_name = "Ana";
    c.tenant_name = "Globex";
    c.vendor_custom = {{"po_number", "4711"}};
    return c;
}

bool contains(const std::string& hay, const std::string& needle) {
    return hay.find(needle) != std::string::npos;
}

TEST(MessageTemplate, MarkdownBodyWithMergeFields) {
    auto t = prepare_markdown_message(
        "PO {{vendor.custom.po_number}} for {{vendor.code}}",
        "Dear {{contact.name}},\n\nplease confirm **PO {{vendor.custom.po_number}}** "
        "for {{vendor.name}}: [open](https://x.example/po/{{vendor.code}}).\n\n{{tenant.name}}");
    EXPECT_EQ(t.fields(), (std::set<std::string>{"contact.name", "tenant.name", "vendor.code",
                                                 "vendor.custom.po_number", "vendor.name"}));
    auto r = render_message(t, ctx());
    EXPECT_EQ(r.subject, "PO 4711 for V-001");
    EXPECT_EQ(r.text,
              "Dear Ana,\n\nplease confirm PO 4711 for <b>*Acme*</b> & [Co](javascript:x): open "
              "(https://x.example/po/V-001).\n\nGlobex");
    EXPECT_TRUE(contains(r.html, "<strong>PO 4711</strong>"));
    EXPECT_TRUE(contains(r.html, "&lt;b&gt;*Acme*&lt;/b&gt; &amp; [Co](javascript:x)")) << r.html;
    EXPECT_TRUE(contains(r.html, "<a href=\"https://x.example/po/V-001\">open</a>"));
    EXPECT_TRUE(r.html.starts_with("<!DOCTYPE html>"));
    EXPECT_FALSE(contains(r.html, "DHMF")) << "no placeholder left behind";
}

TEST(MessageTemplate, EscapedBracesStayLiteralThroughMarkdown) {
    auto t = prepare_markdown_message("s", "Write \\{{vendor.name}} to greet {{vendor.code}}.");
    auto r = render_message(t, ctx());
    EXPECT_EQ(r.text, "Write {{vendor.name}} to greet V-001.");
    EXPECT_TRUE(contains(r.html, "Write {{vendor.name}} to greet V-001."));
    EXPECT_EQ(t.fields(), (std::set<std::string>{"vendor.code"}));
}

TEST(MessageTemplate, HtmlBodyGetsADerivedTextPart) {
    auto t = prepare_html_message("Hello",
                                  "<p>Dear {{contact.name}},</p><p>see <a href=\"https://x.example/{{vendor.code}}\">"
                                  "the order</a></p>");
    auto r = render_message(t, ctx());
    EXPECT_EQ(r.text, "Dear Ana,\n\nsee the order (https://x.example/V-001)");
    EXPECT_TRUE(contains(r.html, "<p>Dear Ana,</p>"));
    EXPECT_TRUE(r.html.starts_with("<!DOCTYPE html>"));
    auto whole = prepare_html_message("s", "<!DOCTYPE html><html><body>{{vendor.name}}</body></html>");
    auto r2 = render_message(whole, ctx());
    EXPECT_EQ(r2.html, "<!DOCTYPE html><html><body>&lt;b&gt;*Acme*&lt;/b&gt; &amp; [Co](javascript:x)</body></html>");
    EXPECT_EQ(r2.text, "<b>*Acme*</b> & [Co](javascript:x)");
}

TEST(MessageTemplate, SubjectValuesAreSingleLine) {
    auto t = prepare_markdown_message("Hi {{vendor.name}}", "x");
    auto c = ctx();
    c.vendor_name = "A\r\nBcc: x@y.example";
    EXPECT_EQ(render_message(t, c).subject, "Hi A  Bcc: x@y.example");
}

TEST(MessageTemplate, UnknownFieldSaysWhere) {
    for (auto [subject, body, where] :
         {std::tuple{"{{nope}}", "ok", "subject"}, std::tuple{"ok", "x {{vendor.nope}}", "body_markdown"}}) {
        try {
            prepare_markdown_message(subject, body);
            FAIL() << "accepted";
        } catch (const Error& e) {
            EXPECT_EQ(e.code(), "unknown_merge_field");
            EXPECT_EQ(std::get<std::string>(e.extensions().at("in")), where);
        }
    }
    EXPECT_THROW(prepare_html_message("ok", "<p>{{contact.phone}}</p>"), Error);
}

TEST(MessageTemplate, MissingValuesAreFoundAcrossSubjectAndBody) {
    auto t = prepare_markdown_message("{{vendor.code}}", "{{vendor.custom.region}}");
    auto c = ctx();
    c.vendor_code.reset();
    EXPECT_EQ(missing_values(t.fields(), c), (std::vector<std::string>{"vendor.code", "vendor.custom.region"}));
    EXPECT_THROW(require_values(t.fields(), c, "Acme <ana@acme.example>"), Error);
}

}  // namespace
}  // namespace dh::dispatch
