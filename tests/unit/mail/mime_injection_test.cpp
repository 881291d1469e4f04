// Header injection: no caller-supplied value may ever end a header line. Every field is attacked
// with every line-break form; each attempt must be a 422 naming the field.
#include <gtest/gtest.h>

#include <functional>

#include "common/error.hpp"
#include "dispatch/merge_template.hpp"
#include "mail/mime_builder.hpp"
#include "mime_test_util.hpp"

namespace dh::mail {
namespace {

using namespace std::string_literals;

Message basic() {
    Message m;
    m.from = {"Globex", "globex@dispatchhub.localhost"};
    m.to = {{"Ana", "ana@acme.example"}};
    m.reply_to = Mailbox{"Replies", "reply+t@dispatchhub.localhost"};
    m.subject = "Order";
    m.message_id = "<id1@dispatchhub.localhost>";
    m.in_reply_to = "<a@b.example>";
    m.references = {"<a@b.example>"};
    m.extra_headers = {{"X-DispatchHub-Delivery", "id1"}};
    m.date = std::chrono::system_clock::from_time_t(1751360703);
    m.text = "body";
    return m;
}

struct Target {
    std::string field;
    std::function<void(Message&, const std::string&)> inject;
};

const std::vector<std::string> kPayloads = {
    "x\r\nBcc: victim@evil.example",
    "x\nBcc: victim@evil.example",
    "x\rBcc: victim@evil.example",
    "x\r\n\r\n<html>body</html>",
    "x\0Bcc: victim@evil.example"s,
    "x\r\n Bcc: folded@evil.example",
    "x\x0b\x0c vt ff",
};

std::vector<Target> targets() {
    return {
        {"subject", [](Message& m, const std::string& p) { m.subject = p; }},
        {"from.name", [](Message& m, const std::string& p) { m.from.name = p; }},
        {"from.address", [](Message& m, const std::string& p) { m.from.address = "a@b.example" + p; }},
        {"to.name", [](Message& m, const std::string& p) { m.to[0].name = p; }},
        {"to.address", [](Message& m, const std::string& p) { m.to[0].address = "ana@acme.example" + p; }},
        {"reply_to.name", [](Message& m, const std::string& p) { m.reply_to->name = p; }},
        {"reply_to.address", [](Message& m, const std::string& p) { m.reply_to->address = p + "@x.example"; }},
        {"message_id", [](Message& m, const std::string& p) { m.message_id = "<a@b.example>" + p; }},
        {"in_reply_to", [](Message& m, const std::string& p) { m.in_reply_to = "<a@b" + p + ">"; }},
        {"references[0]", [](Message& m, const std::string& p) { m.references = {"<a@b.example>" + p}; }},
        {"extra_headers[0].value", [](Message& m, const std::string& p) { m.extra_headers[0].second = p; }},
        {"extra_headers[0].name", [](Message& m, const std::string& p) { m.extra_headers[0].first = "X-A" + p; }},
    };
}

TEST(MimeInjection, EveryHeaderFieldRejectsLineBreaksAndControls) {
    for (const auto& t : targets()) {
        for (const auto& p : kPayloads) {
            auto m = basic();
            t.inject(m, p);
            try {
                auto raw = build_message(m);
                ADD_FAILURE() << t.field << " accepted " << testing::lines(raw).size() << " lines";
            } catch (const Error& e) {
                EXPECT_EQ(e.kind(), ErrorKind::unprocessable);
                EXPECT_EQ(std::get<std::string>(e.extensions().at("field")), t.field) << e.message();
            }
        }
    }
}

TEST(MimeInjection, AttachmentFilenameAndTypeRejectLineBreaks) {
    for (const auto& p : kPayloads) {
        try {
            prepare_attachment({"a" + p + ".pdf", "application/pdf", "x"}, "attachments[2]");
            ADD_FAILURE() << "filename accepted";
        } catch (const Error& e) {
            EXPECT_EQ(std::get<std::string>(e.extensions().at("field")), "attachments[2].filename");
        }
        try {
            prepare_attachment({"a.pdf", "application/pdf" + p, "x"}, "attachments[2]");
            ADD_FAILURE() << "content type accepted";
        } catch (const Error& e) {
            EXPECT_EQ(std::get<std::string>(e.extensions().at("field")), "attachments[2].content_type");
        }
    }
}

TEST(MimeInjection, HeaderLookalikesInsideValuesStayInsideTheirHeader) {
    auto m = basic();
    m.subject = "Order Bcc: victim@evil.example";
    m.to[0].name = "Ana Bcc: victim@evil.example";
    m.from.name = "\"Globex\" <evil@evil.example>, x";
    auto raw = build_message(m);
    auto e = testing::parse_entity(raw);
    EXPECT_EQ(e.count("Bcc"), 0u);
    EXPECT_EQ(e.count("To"), 1u);
    EXPECT_EQ(e.count("From"), 1u);
    EXPECT_EQ(e.header("From"), R"("\"Globex\" <evil@evil.example>, x" <globex@dispatchhub.localhost>)");
    // Bodies may contain anything: it is below the blank line and encoded.
    m = basic();
    m.text = "line\r\nBcc: victim@evil.example\r\n\r\n";
    e = testing::parse_entity(build_message(m));
    EXPECT_EQ(e.count("Bcc"), 0u);
}

TEST(MimeInjection, MergeValuesInSubjectsAreFlattenedBeforeBuilding) {
    // The dispatch renders subjects with Escape::single_line, so a vendor name with a line break
    // yields a harmless one-line subject instead of a refused message.
    dispatch::MergeContext ctx;
    ctx.vendor_name = "Acme\r\nBcc: victim@evil.example";
    auto m = basic();
    m.subject = dispatch::MergeTemplate::parse("PO for {{vendor.name}}").render(ctx, dispatch::Escape::single_line);
    auto e = testing::parse_entity(build_message(m));
    EXPECT_EQ(e.count("Bcc"), 0u);
    EXPECT_EQ(e.header("Subject"), "PO for Acme Bcc: victim@evil.example");
}

}  // namespace
}  // namespace dh::mail
