// Independent-parser check: messages built here are parsed by Python's email package with
// policy.strict (tests/tools/check_mime.py), which compares headers, structure, decoded text and
// attachment SHA-256 against a JSON sidecar written by this test.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>

#include "common/random.hpp"
#include "dispatch/message_template.hpp"
#include "mail/message_id.hpp"
#include "mail/mime_builder.hpp"
#include "mail/mime_encode.hpp"

namespace dh::mail {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

const fs::path kScript = fs::path(__FILE__).parent_path().parent_path().parent_path() / "tools" / "check_mime.py";
constexpr const char* kPython = "/usr/bin/python3";

struct Case {
    Message message;
    std::vector<AttachmentFile> files;
};

/// The builder collapses runs of white space in a subject (documented in mime_builder.hpp).
std::string collapsed(const std::string& s) {
    std::string out;
    for (char c : s) {
        if (c == ' ' && (out.empty() || out.back() == ' ')) continue;
        out += c;
    }
    while (!out.empty() && out.back() == ' ') out.pop_back();
    return out;
}

json mailbox(const Mailbox& m) {
    return {{"name", m.name}, {"address", m.address}};
}

class PythonMimeCheck : public ::testing::Test {
protected:
    void SetUp() override {
        if (!fs::exists(kPython)) GTEST_FAIL() << kPython << " is required for the independent MIME check";
        dir_ = fs::temp_directory_path() / ("dh-mimecheck-" + random::hex(8));
        fs::create_directories(dir_);
    }
    void TearDown() override { fs::remove_all(dir_); }

    /// Builds the message, writes <n>.eml and <n>.json (what Python must find).
    void write(const std::string& name, Case c, json overrides = json::object()) {
        for (std::size_t i = 0; i < c.files.size(); ++i) {
            c.message.attachments.push_back(prepare_attachment(c.files[i], "attachments[" + std::to_string(i) + "]"));
        }
        const auto& m = c.message;
        std::ofstream(dir_ / (name + ".eml"), std::ios::binary) << build_message(m);
        json to = json::array();
        for (const auto& t : m.to) to.push_back(mailbox(t));
        json files = json::array();
        for (const auto& a : m.attachments) {
            const auto& raw = c.files[files.size()].data;
            files.push_back({{"filename", a->filename()},
                             {"content_type", a->content_type()},
                             {"sha256", mime::sha256_hex(raw)},
                             {"size", raw.size()}});
        }
        json extra = json::object();
        for (const auto& [k, v] : m.extra_headers) extra[k] = v;
        json exp = {{"from", mailbox(m.from)},
                    {"to", to},
                    {"reply_to", m.reply_to ? mailbox(*m.reply_to) : json(nullptr)},
                    {"subject", collapsed(m.subject)},
                    {"message_id", m.message_id},
                    {"in_reply_to", m.in_reply_to ? json(*m.in_reply_to) : json(nullptr)},
                    {"references", m.references},
                    {"extra_headers", extra},
                    {"text", m.text},
                    {"html", m.html ? json(*m.html) : json(nullptr)},
                    {"attachments", files}};
        exp.merge_patch(overrides);
        std::ofstream(dir_ / (name + ".json"), std::ios::binary) << exp.dump(2);
    }

    int run_check() const {
        std::string cmd = std::string(kPython) + " " + kScript.string() + " " + dir_.string() + " 2>&1";
        return std::system(cmd.c_str());
    }

    fs::path dir_;
};

Message base(const std::string& id) {
    const std::string key = "test-key-test-key-test-key-1234";
    Message m;
    m.from = {"Globex Procurement", "globex@dispatchhub.localhost"};
    m.to = {{"Ana Smith", "ana@acme.example"}};
    m.reply_to = Mailbox{"Globex Procurement", reply_address(id, "dispatchhub.localhost", key)};
    m.subject = "Purchase order";
    m.message_id = make_message_id(id, "dispatchhub.localhost");
    m.date = std::chrono::system_clock::from_time_t(1751360703);
    m.extra_headers = {{"X-DispatchHub-Delivery", id}};
    m.text = "Hello Ana,\n\nplease confirm.\n";
    return m;
}

std::string random_bytes(std::size_t n) {
    std::mt19937 rng(42);
    std::string out(n, '\0');
    for (auto& c : out) c = static_cast<char>(rng() & 0xff);
    return out;
}

std::vector<Case> cases() {
    std::vector<Case> out;
    out.push_back({base(random::uuid()), {}});  // text only, 7bit

    Case full{base(random::uuid()), {}};
    full.message.from.name = "Globex, Inc. — Einkauf";
    full.message.to = {{"Zoë Müller-Lüdenscheidt", "zoe@example.com"}};
    full.message.subject = "Bestellung 4711 für Zoë — bitte bestätigen 📦 東京";
    full.message.text = "Grüße Zoë,\n\n" + std::string(5000, 'x') + "\n.\n..\nFrom here\ntrailing   \n";
    full.message.html = "<p>Grüße <b>Zoë</b></p>\r\n<p>" + std::string(3000, 'y') + "</p>\n.\n";
    full.files = {
        {"Bestellübersicht März 2025 – sehr langer Dateiname für Tests.pdf", "application/pdf", random_bytes(200000)},
        {"plain.txt", "text/plain", "line one\r\nline two\n"},
        {"empty.bin", "", ""},
        {"quote\"and\\backslash.csv", "text/csv", "a,b\n1,2\n"},
        // Must reach the reader as these very characters, not decoded to "\r\nBcc: evil@x.test.pdf".
        {"=?UTF-8?B?DQpCY2M6IGV2aWxAeC50ZXN0?=.pdf", "application/pdf", "%PDF-1.4\n"}};
    out.push_back(std::move(full));

    Case threaded{base(random::uuid()), {{"po.pdf", "application/pdf", random_bytes(57 * 3)}}};
    threaded.message.in_reply_to = "<orig-1@vendor.example>";
    threaded.message.references = {"<orig-0@vendor.example>", "<orig-1@vendor.example>"};
    threaded.message.subject = "Re: " + std::string(120, 'k') + " long word subject";
    threaded.message.to = {{"Acme, Ltd. (AP)", "ap@acme.example"}, {"", "ops@acme.example"}};
    out.push_back(std::move(threaded));

    // A dispatch as the worker will make it: Markdown template rendered for one recipient.
    auto tmpl =
        dispatch::prepare_markdown_message("PO {{vendor.custom.po}} for {{vendor.name}}",
                                           "Dear {{contact.name}},\n\nplease confirm **PO {{vendor.custom.po}}**: "
                                           "[open](https://x.example/{{vendor.code}})\n\n"
                                           "- one\n- two\n\nKind regards,\n{{tenant.name}}");
    dispatch::MergeContext ctx;
    ctx.vendor_name = "Müller & Söhne <GmbH>\r\nBcc: evil@evil.example";
    ctx.vendor_code = "V-1";
    ctx.contact_name = "Zoë";
    ctx.tenant_name = "Globex";
    ctx.vendor_custom = {{"po", "4711"}};
    auto rendered = dispatch::render_message(tmpl, ctx);
    Case merged{base(random::uuid()), {}};
    merged.message.subject = rendered.subject;
    merged.message.text = rendered.text;
    merged.message.html = rendered.html;
    out.push_back(std::move(merged));
    return out;
}

TEST_F(PythonMimeCheck, BuiltMessagesParseStrictlyAndMatch) {
    int n = 0;
    for (auto& c : cases()) write("m" + std::to_string(n++), std::move(c));
    int rc = run_check();
    EXPECT_EQ(rc, 0) << "check_mime.py found problems (printed above)";
}

TEST_F(PythonMimeCheck, TheCheckFailsOnAWrongExpectation) {
    // Guards against a checker that passes everything: one wrong byte count must fail it.
    auto c = cases()[1];
    write("bad", std::move(c), {{"subject", "a different subject"}});
    EXPECT_NE(run_check(), 0);
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    c = cases()[1];
    std::string data = c.files[0].data;
    c.files[0].data.back() ^= 1;  // the message carries different bytes than the sidecar expects
    write("bad", std::move(c));
    auto exp = json::parse(std::ifstream(dir_ / "bad.json"));
    exp["attachments"][0]["sha256"] = mime::sha256_hex(data);
    std::ofstream(dir_ / "bad.json") << exp.dump();
    EXPECT_NE(run_check(), 0);
}

}  // namespace
}  // namespace dh::mail
