#include "dispatch/merge_template.hpp"

#include <gtest/gtest.h>

#include "common/error.hpp"
#include "dispatch/message_template.hpp"

namespace dh::dispatch {
namespace {

using namespace std::string_literals;

MergeContext acme() {
    MergeContext c;
    c.vendor_name = "Acme & Sons <Ltd>";
    c.vendor_code = "V-001";
    c.contact_name = "Ana O'Neil";
    c.contact_email = "ana@acme.example";
    c.tenant_name = "Globex";
    c.dispatch_reference = "PO-2025-07";
    c.vendor_custom = {{"po_number", "4711"}, {"region", "EMEA"}};
    return c;
}

Error parse_error(std::string_view text) {
    try {
        MergeTemplate::parse(text);
    } catch (const Error& e) {
        return e;
    }
    ADD_FAILURE() << "no error for: " << text;
    return Error(ErrorKind::internal, "none", "none");
}

TEST(MergeTemplate, RendersEveryField) {
    auto t = MergeTemplate::parse(
        "{{vendor.name}}|{{vendor.code}}|{{contact.name}}|{{contact.email}}|{{tenant.name}}|"
        "{{dispatch.reference}}|{{vendor.custom.po_number}}");
    EXPECT_EQ(t.render(acme(), Escape::none),
              "Acme & Sons <Ltd>|V-001|Ana O'Neil|ana@acme.example|Globex|PO-2025-07|4711");
}

TEST(MergeTemplate, WhitespaceInsideBracesIsAllowed) {
    auto t = MergeTemplate::parse("Dear {{ contact.name }}, {{\tvendor.code\t}} {{  vendor.custom.region}}");
    EXPECT_EQ(t.render(acme(), Escape::none), "Dear Ana O'Neil, V-001 EMEA");
    EXPECT_EQ(t.fields(), (std::set<std::string>{"contact.name", "vendor.code", "vendor.custom.region"}));
}

TEST(MergeTemplate, FieldsAreTheDistinctSetUsed) {
    auto t = MergeTemplate::parse("{{vendor.name}} {{vendor.name}} {{tenant.name}} plain text");
    EXPECT_EQ(t.fields(), (std::set<std::string>{"tenant.name", "vendor.name"}));
    EXPECT_TRUE(MergeTemplate::parse("no fields at all").fields().empty());
}

TEST(MergeTemplate, UnknownFieldIsA422NamingIt) {
    auto e = parse_error("Hello {{vendor.nmae}}!");
    EXPECT_EQ(e.kind(), ErrorKind::unprocessable);
    EXPECT_EQ(e.code(), "unknown_merge_field");
    ASSERT_TRUE(e.extensions().count("field"));
    EXPECT_EQ(std::get<std::string>(e.extensions().at("field")), "vendor.nmae");
    EXPECT_NE(e.message().find("vendor.nmae"), std::string::npos);
}

TEST(MergeTemplate, FieldNamesAreCaseSensitiveAndExact) {
    EXPECT_EQ(parse_error("{{Vendor.Name}}").code(), "unknown_merge_field");
    EXPECT_EQ(parse_error("{{vendor}}").code(), "unknown_merge_field");
    EXPECT_EQ(parse_error("{{}}").code(), "unknown_merge_field");
    EXPECT_EQ(parse_error("{{vendor.name.first}}").code(), "unknown_merge_field");
    EXPECT_EQ(parse_error("{{vendor . name}}").code(), "unknown_merge_field");
}

TEST(MergeTemplate, CustomKeysFollowTheVendorFieldRule) {
    EXPECT_NO_THROW(MergeTemplate::parse("{{vendor.custom.a}} {{vendor.custom._x9}} {{vendor.custom.PO_Number}}"));
    EXPECT_EQ(parse_error("{{vendor.custom.}}").code(), "unknown_merge_field");
    EXPECT_EQ(parse_error("{{vendor.custom.9lives}}").code(), "unknown_merge_field");
    EXPECT_EQ(parse_error("{{vendor.custom.po-number}}").code(), "unknown_merge_field");
    EXPECT_EQ(parse_error("{{vendor.custom.a.b}}").code(), "unknown_merge_field");
    EXPECT_EQ(parse_error("{{vendor.custom." + std::string(65, 'k') + "}}").code(), "unknown_merge_field");
    EXPECT_NO_THROW(MergeTemplate::parse("{{vendor.custom." + std::string(64, 'k') + "}}"));
    EXPECT_EQ(custom_key("vendor.custom.po_number"), "po_number");
    EXPECT_EQ(custom_key("vendor.name"), std::nullopt);
    EXPECT_EQ(custom_key("vendor.custom.bad-key"), std::nullopt);
}

TEST(MergeTemplate, UnclosedFieldIsMalformed) {
    auto e = parse_error("Hello {{vendor.name");
    EXPECT_EQ(e.kind(), ErrorKind::unprocessable);
    EXPECT_EQ(e.code(), "malformed_merge_field");
}

TEST(MergeTemplate, EscapedBracesAreLiteral) {
    auto t = MergeTemplate::parse(R"(Use \{{vendor.name}} to insert {{vendor.name}}; \{{ alone)");
    EXPECT_EQ(t.render(acme(), Escape::none), "Use {{vendor.name}} to insert Acme & Sons <Ltd>; {{ alone");
    EXPECT_EQ(t.fields(), (std::set<std::string>{"vendor.name"}));
    // A backslash not before {{ and a lone }} are ordinary text.
    EXPECT_EQ(MergeTemplate::parse(R"(C:\path }} {)").render(acme(), Escape::none), R"(C:\path }} {)");
}

TEST(MergeTemplate, ValuesAreNeverExpandedAgain) {
    auto c = acme();
    c.vendor_name = "{{vendor.code}} \\{{tenant.name}}";
    auto t = MergeTemplate::parse("[{{vendor.name}}]");
    EXPECT_EQ(t.render(c, Escape::none), "[{{vendor.code}} \\{{tenant.name}}]");
    EXPECT_EQ(t.render(c, Escape::html), "[{{vendor.code}} \\{{tenant.name}}]");
}

TEST(MergeTemplate, HtmlEscapesValuesButNotTheTemplate) {
    auto c = acme();
    c.vendor_name = R"(<script>alert("x")</script> & 'co')";
    auto t = MergeTemplate::parse(R"(<p title="{{vendor.name}}">{{vendor.name}}</p>)");
    EXPECT_EQ(t.render(c, Escape::html),
              "<p title=\"&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;co&#39;\">"
              "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;co&#39;</p>");
}

TEST(MergeTemplate, SingleLineEscapeRemovesLineBreaksAndControls) {
    auto c = acme();
    c.vendor_name = "Evil\r\nBcc: victim@example.com\0x"s;
    c.vendor_name->push_back('\x7f');
    c.vendor_name->push_back('\t');
    auto out = MergeTemplate::parse("Order for {{vendor.name}}").render(c, Escape::single_line);
    EXPECT_EQ(out.find_first_of(std::string("\r\n\0\x7f\t", 5)), std::string::npos);
    EXPECT_EQ(out, "Order for Evil  Bcc: victim@example.com x  ");
}

TEST(MergeTemplate, MissingValuesAreListed) {
    auto t =
        MergeTemplate::parse("{{vendor.code}} {{vendor.custom.po_number}} {{vendor.custom.other}} {{vendor.name}}");
    auto c = acme();
    EXPECT_EQ(t.missing(c), (std::vector<std::string>{"vendor.custom.other"}));
    c.vendor_code.reset();
    c.vendor_custom["po_number"] = "";  // empty counts as missing
    EXPECT_EQ(t.missing(c),
              (std::vector<std::string>{"vendor.code", "vendor.custom.other", "vendor.custom.po_number"}));
    EXPECT_TRUE(MergeTemplate::parse("{{vendor.name}}").missing(c).empty());
}

TEST(MergeTemplate, MissingValueRendersEmpty) {
    MergeContext empty;
    EXPECT_EQ(MergeTemplate::parse("a{{vendor.code}}b").render(empty, Escape::none), "ab");
}

TEST(MergeTemplate, RequireValuesNamesRecipientAndField) {
    auto t = MergeTemplate::parse("{{vendor.code}} {{vendor.custom.po_number}}");
    auto c = acme();
    EXPECT_NO_THROW(require_values(t.fields(), c, "Acme <ana@acme.example>"));
    c.vendor_code = "";
    c.vendor_custom.erase("po_number");
    try {
        require_values(t.fields(), c, "Acme <ana@acme.example>");
        FAIL() << "no error";
    } catch (const Error& e) {
        EXPECT_EQ(e.kind(), ErrorKind::unprocessable);
        EXPECT_EQ(e.code(), "missing_merge_value");
        EXPECT_EQ(std::get<std::string>(e.extensions().at("field")), "vendor.code");
        EXPECT_EQ(std::get<std::string>(e.extensions().at("recipient")), "Acme <ana@acme.example>");
        ASSERT_EQ(e.items().size(), 2u);
        EXPECT_EQ(std::get<std::string>(e.items()[1].at("field")), "vendor.custom.po_number");
        EXPECT_NE(e.message().find("Acme <ana@acme.example>"), std::string::npos);
        EXPECT_NE(e.message().find("vendor.code"), std::string::npos);
    }
}

TEST(MergeTemplate, PlaceholderRoundTrip) {
    auto t = MergeTemplate::parse(R"(A {{vendor.name}} B {{vendor.code}}{{vendor.name}} \{{x}})");
    std::vector<MergeField> fields;
    auto text = t.with_placeholders("PFX", fields);
    EXPECT_EQ(text, "A PFX0Z B PFX1ZPFX2Z {{x}}");
    ASSERT_EQ(fields.size(), 3u);
    EXPECT_EQ(fields[1].name, "vendor.code");
    // The transformed text may gain markup around placeholders; a literal {{ stays literal.
    auto back = MergeTemplate::from_placeholders("<p>" + text + " PFX9Z PFX</p>", "PFX", fields);
    EXPECT_EQ(back.render(acme(), Escape::html),
              "<p>A Acme &amp; Sons &lt;Ltd&gt; B V-001Acme &amp; Sons &lt;Ltd&gt; {{x}} PFX9Z PFX</p>");
    EXPECT_EQ(back.fields(), (std::set<std::string>{"vendor.code", "vendor.name"}));
}

TEST(MergeContext, ValueLookup) {
    auto c = acme();
    EXPECT_EQ(c.value("vendor.custom.region"), "EMEA");
    EXPECT_EQ(c.value("vendor.custom.none"), std::nullopt);
    EXPECT_EQ(c.value("nonsense"), std::nullopt);
    EXPECT_TRUE(is_known_field("dispatch.reference"));
    EXPECT_FALSE(is_known_field("dispatch.id"));
}

// The `| default: "..."` part of merge fields: grammar, rendering, and hostile input.

MergeContext no_region() {
    MergeContext c;
    c.vendor_name = "Acme";
    c.vendor_custom = {{"po_number", "4711"}};
    return c;
}

TEST(MergeDefault, UsedOnlyWhenTheValueIsMissing) {
    auto t = MergeTemplate::parse(
        R"(R={{vendor.custom.region | default: "n/a"}} P={{vendor.custom.po_number|default:"-"}})");
    EXPECT_EQ(t.render(no_region(), Escape::none), "R=n/a P=4711");
    auto c = no_region();
    c.vendor_custom["region"] = "";  // empty counts as missing, as everywhere
    EXPECT_EQ(t.render(c, Escape::none), "R=n/a P=4711");
}

TEST(MergeDefault, AFieldWithADefaultIsNeverMissing) {
    auto t = MergeTemplate::parse(R"({{vendor.custom.region | default: ""}} {{vendor.code}})");
    EXPECT_EQ(t.fields(), (std::set<std::string>{"vendor.code", "vendor.custom.region"}));
    EXPECT_EQ(t.required_fields(), (std::set<std::string>{"vendor.code"}));
    EXPECT_EQ(t.missing(no_region()), (std::vector<std::string>{"vendor.code"}));
    // The same field used once without a default is still required.
    auto mixed = MergeTemplate::parse(R"({{vendor.custom.region | default: "x"}} {{vendor.custom.region}})");
    EXPECT_EQ(mixed.required_fields(), (std::set<std::string>{"vendor.custom.region"}));
}

TEST(MergeDefault, DefaultIsEscapedLikeAValue) {
    auto t = MergeTemplate::parse(R"({{vendor.custom.region | default: "<b>\"A&B\"</b>\\"}})");
    EXPECT_EQ(t.render(no_region(), Escape::html), "&lt;b&gt;&quot;A&amp;B&quot;&lt;/b&gt;\\");
    auto subject = MergeTemplate::parse("{{vendor.custom.region | default: \"a\r\nBcc: x@y.example\"}}");
    EXPECT_EQ(subject.render(no_region(), Escape::single_line), "a  Bcc: x@y.example");
}

TEST(MergeDefault, BracesInsideTheDefaultAreLiteral) {
    auto t = MergeTemplate::parse(R"(a {{vendor.custom.region | default: "{{vendor.name}} }}"}} b)");
    EXPECT_EQ(t.render(no_region(), Escape::none), "a {{vendor.name}} }} b");
    EXPECT_EQ(t.fields(), (std::set<std::string>{"vendor.custom.region"}));
    EXPECT_EQ(parse_error(R"({{ {{vendor.name}} }})").code(), "unknown_merge_field");
}

TEST(MergeDefault, BadSyntaxIsA422) {
    auto unterminated = parse_error(R"(Hi {{vendor.custom.region | default: "n/a}} and more)");
    EXPECT_EQ(unterminated.kind(), ErrorKind::unprocessable);
    EXPECT_EQ(unterminated.code(), "malformed_merge_field");
    EXPECT_EQ(std::get<std::string>(unterminated.extensions().at("merge_field")), "vendor.custom.region");
    auto filter = parse_error(R"({{vendor.name | upcase}})");
    EXPECT_EQ(filter.code(), "unknown_merge_filter");
    EXPECT_NE(filter.message().find("upcase"), std::string::npos);
    EXPECT_EQ(parse_error(R"({{vendor.name | default "x"}})").code(), "malformed_merge_field");
    EXPECT_EQ(parse_error(R"({{vendor.name | default: n/a}})").code(), "malformed_merge_field");
    EXPECT_EQ(parse_error(R"({{vendor.name | default: "a" "b"}})").code(), "malformed_merge_field");
    EXPECT_EQ(parse_error(R"({{vendor.name | default: "a" | default: "b"}})").code(), "malformed_merge_field");
    EXPECT_EQ(parse_error(R"({{vendor.nmae | default: "a"}})").code(), "unknown_merge_field");
}

TEST(MergeDefault, VeryLongDefaultIsRefusedWithoutEchoingIt) {
    std::string at_limit(kMaxMergeDefault, 'x');
    EXPECT_NO_THROW(MergeTemplate::parse("{{vendor.name | default: \"" + at_limit + "\"}}"));
    auto e = parse_error("{{vendor.name | default: \"" + std::string(1 << 20, 'x') + "\"}}");
    EXPECT_EQ(e.code(), "malformed_merge_field");
    EXPECT_LT(e.message().size(), 300u);
    auto open = parse_error("{{vendor.name | default: \"" + std::string(1 << 20, '{') + "}}");
    EXPECT_EQ(open.code(), "malformed_merge_field");
    EXPECT_LT(open.message().size(), 300u);
}

TEST(MergeDefault, SurvivesMarkdownAndNamesTheRequestField) {
    auto t = prepare_markdown_message(R"(RFQ {{vendor.custom.region | default: "any region"}})",
                                      R"(**Region:** {{vendor.custom.region | default: "n/a"}})");
    auto r = render_message(t, no_region());
    EXPECT_EQ(r.subject, "RFQ any region");
    EXPECT_NE(r.html.find("<strong>Region:</strong> n/a"), std::string::npos) << r.html;
    EXPECT_NE(r.text.find("n/a"), std::string::npos);
    EXPECT_TRUE(t.required_fields().empty());
    for (auto [subject, body, where] : {std::tuple{R"({{vendor.name | nope}})", "ok", "subject"},
                                        std::tuple{"ok", R"({{vendor.name | default: "x)", "body_markdown"}}) {
        try {
            prepare_markdown_message(subject, body);
            ADD_FAILURE() << "accepted";
        } catch (const Error& e) {
            ASSERT_EQ(e.items().size(), 1u);
            EXPECT_EQ(std::get<std::string>(e.items()[0].at("field")), where);
        }
    }
}

}  // namespace
}  // namespace dh::dispatch
