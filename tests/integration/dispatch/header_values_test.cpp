// Values that end up in message headers are refused at the door with the builder's own rules: every
// value here used to be stored and then failed each delivery with "the message could not be built".
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "dispatch/dispatch_fixture.hpp"

namespace dh::test {
namespace {

using namespace std::string_literals;

const std::vector<std::string> kBadReplyTo = {
    "a@x.example, b@x.example", "Pat <pat@x.example>", "\"pat smith\"@x.example", "jörg@x.example",
    "pat\t@x.example",          "pat@x.example\u2028", "pat(ap)@x.example"};

const std::vector<std::string> kControls = {"\x0b"s, "\x0c"s, "\x1b"s, "\x7f"s};

struct HeaderValues : ::testing::Test {
    TestServer server;
    PlatformSession platform{server};
    TenantSession acme = platform.create_tenant("acme");
    std::string list = import_vendors(acme, 1);

    /// The answer must be 422 naming `field`.
    static void expect_refused(const HttpResponse& r, const std::string& field, const std::string& what) {
        EXPECT_EQ(r.status, 422) << what << " -> " << r.body;
        if (r.status == 422) {
            EXPECT_EQ(r.json().value("field", ""), field) << what << " -> " << r.body;
        }
    }
};

TEST_F(HeaderValues, DispatchReplyToMustBeOnePlainAddress) {
    for (const auto& bad : kBadReplyTo) {
        auto body = dispatch_body(list);
        body["reply_to"] = bad;
        expect_refused(acme.http.post("/api/v1/dispatches", body), "reply_to", "create " + bad);
        body["to"] = "qa@acme.example";
        expect_refused(acme.http.post("/api/v1/dispatches/test", body), "reply_to", "test " + bad);
    }
    auto good = dispatch_body(list);
    good["reply_to"] = " ap@acme.example ";
    auto created = acme.http.post("/api/v1/dispatches", good);
    ASSERT_EQ(created.status, 201) << created.body;
    EXPECT_EQ(created.json()["reply_to"], "ap@acme.example");
    EXPECT_EQ(wait_for_status(acme, created.json()["id"], "completed")["counts"]["sent"], 1);
}

TEST_F(HeaderValues, SubjectsWithControlCharactersAreRefused) {
    for (const auto& c : kControls) {
        auto body = dispatch_body(list, "Order" + c + "4711");
        expect_refused(acme.http.post("/api/v1/dispatches", body), "subject", "create " + std::to_string(c[0]));
        body["to"] = "qa@acme.example";
        expect_refused(acme.http.post("/api/v1/dispatches/test", body), "subject", "test " + std::to_string(c[0]));
    }
    EXPECT_EQ(acme.http.get("/api/v1/dispatches").json()["items"].size(), 0u);
}

TEST_F(HeaderValues, TestSendRecipientMustBeOnePlainAddress) {
    auto body = dispatch_body(list);
    body["to"] = "jörg@acme.example";
    expect_refused(acme.http.post("/api/v1/dispatches/test", body), "to", "non-ASCII local part");
}

TEST_F(HeaderValues, SenderIdentityNameAndAddressAreHeaderSafe) {
    for (const auto& c : kControls) {
        expect_refused(acme.http.post("/api/v1/sender-identities", {{"email", "ap@acme.example"}, {"name", "AP" + c}}),
                       "name", "control " + std::to_string(c[0]));
    }
    for (auto bad : {"jörg@acme.example", "a(b)@acme.example"}) {
        expect_refused(acme.http.post("/api/v1/sender-identities", {{"email", bad}, {"name", "AP"}}), "email", bad);
    }
    // The platform default address needs no domain of the tenant's own (MAIL_DOMAIN is the default here).
    EXPECT_EQ(
        acme.http.post("/api/v1/sender-identities", {{"email", "acme@dispatchhub.localhost"}, {"name", "Acme, AP"}})
            .status,
        201);
}

TEST_F(HeaderValues, AttachmentFileNamesWithControlCharactersAreRefused) {
    for (auto name : {"report%1B.pdf", "report%0B.pdf", "report%7F.pdf", "report%09%0C.pdf"}) {
        auto r = acme.http.request("POST", "/api/v1/attachments?filename="s + name, "data",
                                   {{"Content-Type", "text/plain"}});
        expect_refused(r, "filename", name);
    }
}

TEST_F(HeaderValues, TenantNamesAreHeaderSafe) {
    expect_refused(platform.root().patch("/api/v1/admin/tenants/" + acme.id, {{"name", "Acme\r\nBcc: x"}}), "name",
                   "rename with CRLF");
    expect_refused(platform.root().patch("/api/v1/admin/tenants/" + acme.id, {{"name", "Acme\x1b"}}), "name",
                   "rename with ESC");
    expect_refused(platform.root().post("/api/v1/admin/tenants", {{"name", "Globex\x0b"},
                                                                  {"slug", "globex"},
                                                                  {"admin_email", "admin@globex.test"},
                                                                  {"admin_password", "Tenant-globex-Passw0rd!"}}),
                   "name", "create with VT");
    // The default sender still works: the tenant keeps its name.
    auto created = acme.http.post("/api/v1/dispatches", dispatch_body(list));
    ASSERT_EQ(created.status, 201) << created.body;
    EXPECT_EQ(wait_for_status(acme, created.json()["id"], "completed")["counts"]["sent"], 1);
}

// Platform notifications (tickets) are addressed to users by name.
TEST_F(HeaderValues, UserNamesAreHeaderSafe) {
    expect_refused(acme.http.post("/api/v1/users", {{"email", "pat@acme.test"},
                                                    {"name", "Pat\x1b"},
                                                    {"role", "tenant_member"},
                                                    {"password", "Member-acme-Passw0rd!"}}),
                   "name", "create with ESC");
    auto me = acme.http.get("/api/v1/users").json()["items"][0]["id"].get<std::string>();
    expect_refused(acme.http.patch("/api/v1/users/" + me, {{"name", "Admin\x7f"}}), "name", "rename with DEL");
}

TEST_F(HeaderValues, VendorContactsWithQuotedLocalPartsAreRefused) {
    auto r =
        acme.http.post("/api/v1/vendors", {{"name", "Quoted"}, {"contacts", {{{"email", "\"pat smith\"@x.example"}}}}});
    expect_refused(r, "contacts[0].email", "quoted local part");
}

// Finding 4: a file name that looks like an encoded-word is RFC 2231-encoded, so readers show it as
// written instead of decoding it to "\r\nBcc: evil@x.test.pdf".
TEST_F(HeaderValues, EncodedWordFileNamesAreNotWrittenVerbatim) {
    const std::string name = "=?UTF-8?B?DQpCY2M6IGV2aWxAeC50ZXN0?=.pdf";
    auto file =
        acme.http.request("POST", "/api/v1/attachments?filename=%3D%3FUTF-8%3FB%3FDQpCY2M6IGV2aWxAeC50ZXN0%3F%3D.pdf",
                          "%PDF-1.4\n", {{"Content-Type", "application/pdf"}});
    ASSERT_EQ(file.status, 201) << file.body;
    ASSERT_EQ(file.json()["filename"], name);
    auto body = dispatch_body(list);
    body["attachment_ids"] = {file.json()["id"]};
    auto id = acme.http.post("/api/v1/dispatches", body).json()["id"].get<std::string>();
    ASSERT_EQ(wait_for_status(acme, id, "completed")["counts"]["sent"], 1);
    std::string eml;
    for (auto& e : std::filesystem::directory_iterator(server.data_dir() + "/outbox")) {
        if (e.path().extension() != ".eml") continue;
        std::stringstream ss;
        ss << std::ifstream(e.path(), std::ios::binary).rdbuf();
        eml = ss.str();
    }
    ASSERT_FALSE(eml.empty());
    EXPECT_EQ(eml.find("=?UTF-8?B?DQpCY2M6IGV2aWxAeC50ZXN0?="), std::string::npos) << eml.substr(0, 3000);
    // Python's email package (an independent reader) sees the name exactly as uploaded.
    auto out = server.data_dir() + "/filename.txt";
    auto cmd =
        "/usr/bin/python3 -c \"import sys, email, email.policy; "
        "m = email.message_from_binary_file(open(sys.argv[1], 'rb'), policy=email.policy.default); "
        "print([p.get_filename() for p in m.iter_attachments()][0])\" " +
        server.data_dir() + "/check.eml > " + out + " 2>&1";
    std::ofstream(server.data_dir() + "/check.eml", std::ios::binary) << eml;
    ASSERT_EQ(std::system(cmd.c_str()), 0) << std::ifstream(out).rdbuf();
    std::ifstream printed(out);
    std::string read_back;
    std::getline(printed, read_back);
    EXPECT_EQ(read_back, name);
}

}  // namespace
}  // namespace dh::test
