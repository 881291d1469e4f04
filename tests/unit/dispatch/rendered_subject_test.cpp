// The subject a vendor's history shows is rendered with the sender's renderer: the same values,
// defaults and one-line escaping as the message that went out.
#include <gtest/gtest.h>

#include "common/error.hpp"
#include "dispatch/message_template.hpp"

namespace dh::dispatch {
namespace {

MergeContext acme() {
    auto c = recipient_context("Acme Ltd", "V-001", "Ana", "ana@acme.example", R"({"region":"North","size":12})");
    c.tenant_name = "Globex";
    c.dispatch_reference = "RFQ-7";
    return c;
}

TEST(RenderSubject, FillsTheRecipientsValues) {
    EXPECT_EQ(
        render_subject("RFQ {{dispatch.reference}} for {{ vendor.name }} ({{vendor.code}}), {{vendor.custom.region}}",
                       acme()),
        "RFQ RFQ-7 for Acme Ltd (V-001), North");
}

TEST(RenderSubject, IsWhatTheSenderPutsInTheMessage) {
    const std::string subject = "Payment run for {{vendor.name}} {{vendor.custom.zone | default: \"n/a\"}}";
    auto sent = render_message(prepare_markdown_message(subject, "Dear {{contact.name}}"), acme());
    EXPECT_EQ(render_subject(subject, acme()), sent.subject);
    EXPECT_EQ(render_subject(subject, acme()), "Payment run for Acme Ltd n/a");
}

TEST(RenderSubject, UsesTheDefaultOnlyWithoutAValue) {
    EXPECT_EQ(render_subject("{{vendor.custom.region | default: \"n/a\"}}", acme()), "North");
    auto none = recipient_context("Acme Ltd", std::nullopt, "Ana", "ana@acme.example", "{}");
    EXPECT_EQ(render_subject("Region {{vendor.custom.region | default: \"n/a\"}}", none), "Region n/a");
}

TEST(RenderSubject, KeepsOneLineAndNeverExpandsValues) {
    auto c = recipient_context("Acme\r\nBcc: x@evil.example", "{{vendor.code}}", "Ana", "a@acme.example", "{}");
    EXPECT_EQ(render_subject("For {{vendor.name}} {{vendor.code}}", c),
              "For Acme  Bcc: x@evil.example {{vendor.code}}");
}

TEST(RenderSubject, RefusesAnUnknownField) {
    EXPECT_THROW(render_subject("Hello {{vendor.shoe_size}}", acme()), Error);
}

TEST(RecipientContext, IgnoresNonTextCustomValuesAndBadJson) {
    auto c = acme();
    EXPECT_EQ(c.vendor_custom.count("size"), 0u);
    EXPECT_EQ(recipient_context("A", "B", "C", "d@e.example", "not json").vendor_custom.size(), 0u);
}

TEST(ReadableContext, ShowsEachFieldByName) {
    auto t = prepare_markdown_message("RFQ for {{vendor.name}} {{vendor.custom.region | default: \"n/a\"}}",
                                      "Dear {{contact.name}}");
    auto shown = render_message(t, readable_context(t.fields()));
    EXPECT_EQ(shown.subject, "RFQ for \u2039vendor.name\u203a \u2039vendor.custom.region\u203a");
    EXPECT_NE(shown.html.find("Dear \u2039contact.name\u203a"), std::string::npos) << shown.html;
}

}  // namespace
}  // namespace dh::dispatch
