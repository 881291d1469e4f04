// Vendors' replies over the inbound SMTP listener: routed to the right tenant, threaded to vendor,
// dispatch and delivery, readable and answerable through the API, invisible to other tenants.
#include <gtest/gtest.h>

#include "inbox/inbox_fixture.hpp"

namespace dh::test {
namespace {

struct InboxReplies : InboxTenants {};

TEST_F(InboxReplies, ReplyIsThreadedToVendorAndDispatchAndIsolated) {
    auto list = import_vendors(acme, 3);
    import_vendors(globex, 3);  // the same contact addresses in another tenant must not attract the reply
    auto sent = send_dispatch(acme, list);
    auto d0 = sent.delivery(0);
    ASSERT_EQ(d0["email"], "ap0@vendor0.example");
    auto original = captured(server, d0["id"]);
    ASSERT_EQ(original.reply_to.size(), 1u);
    auto reply_to = original.reply_to[0].address;
    EXPECT_EQ(reply_to.rfind("reply+", 0), 0u) << reply_to;

    auto x = smtp_send(server.smtp_port(), "ap0@vendor0.example", reply_to,
                       vendor_reply("Contact 0 <ap0@vendor0.example>", reply_to, original.message_id));
    ASSERT_EQ(x.rcpt.substr(0, 3), "250") << x.rcpt;
    ASSERT_EQ(x.data.substr(0, 3), "250") << x.data;
    EXPECT_EQ(raw_messages(server), 1);

    auto inbox = acme.http.get("/api/v1/inbox").json();
    ASSERT_EQ(inbox["items"].size(), 1u) << inbox.dump();
    auto item = inbox["items"][0];
    EXPECT_EQ(item["vendor_id"], d0["vendor_id"]);
    EXPECT_EQ(item["dispatch_id"], sent.id);
    EXPECT_EQ(item["delivery_id"], d0["id"]);
    EXPECT_EQ(item["routed_by"], "reply_token");
    EXPECT_EQ(item["kind"], "reply");
    EXPECT_EQ(item["read"], false);
    EXPECT_FALSE(item["contact_id"].is_null());
    EXPECT_EQ(item["in_reply_to"], original.message_id);
    const std::string id = item["id"];

    // Another tenant sees nothing and cannot touch it.
    EXPECT_EQ(globex.http.get("/api/v1/inbox").json()["items"].size(), 0u);
    EXPECT_EQ(globex.http.get("/api/v1/inbox/" + id).status, 404);
    EXPECT_EQ(globex.http.patch("/api/v1/inbox/" + id, {{"read", true}}).status, 404);
    EXPECT_EQ(globex.http.post("/api/v1/inbox/" + id + "/reply", {{"body_markdown", "x"}}).status, 404);

    auto full = acme.http.get("/api/v1/inbox/" + id);
    ASSERT_EQ(full.status, 200);
    EXPECT_NE(full.json()["text"].get<std::string>().find("our quote"), std::string::npos);
    EXPECT_EQ(acme.http.get("/api/v1/inbox?unread=true").json()["items"].size(), 1u);
    auto patched = acme.http.patch("/api/v1/inbox/" + id, {{"read", true}});
    ASSERT_EQ(patched.status, 200) << patched.body;
    EXPECT_EQ(patched.json()["read"], true);
    EXPECT_EQ(acme.http.get("/api/v1/inbox?unread=true").json()["items"].size(), 0u);
    EXPECT_EQ(acme.http.patch("/api/v1/inbox/" + id, {{"stars", 3}}).status, 422);
    EXPECT_EQ(acme.http.get("/api/v1/inbox?vendor_id=" + d0["vendor_id"].get<std::string>()).json()["items"].size(),
              1u);
    EXPECT_EQ(acme.http.get("/api/v1/inbox?dispatch_id=" + sent.id).json()["items"].size(), 1u);

    // The vendor's thread: what we sent, then what came back.
    auto thread = acme.http.get("/api/v1/vendors/" + d0["vendor_id"].get<std::string>() + "/messages").json();
    ASSERT_EQ(thread["items"].size(), 2u) << thread.dump();
    EXPECT_EQ(thread["items"][0]["direction"], "sent");
    EXPECT_EQ(thread["items"][1]["direction"], "received");
    EXPECT_EQ(globex.http.get("/api/v1/vendors/" + d0["vendor_id"].get<std::string>() + "/messages").status, 404);

    // Answering goes through the normal delivery path, threaded and counted.
    auto answered = acme.http.post("/api/v1/inbox/" + id + "/reply", {{"body_markdown", "Thank you, accepted."}});
    ASSERT_EQ(answered.status, 201) << answered.body
                                    << server.log().substr(server.log().size() > 3000 ? server.log().size() - 3000 : 0);
    auto done = wait_for_status(acme, answered.json()["id"], "completed");
    ASSERT_EQ(done["status"], "completed") << done.dump();
    auto page = acme.http.get("/api/v1/dispatches/" + done["id"].get<std::string>() + "/deliveries").json();
    ASSERT_EQ(page["items"].size(), 1u);
    EXPECT_EQ(page["items"][0]["email"], "ap0@vendor0.example");
    auto answer = captured(server, page["items"][0]["id"]);
    EXPECT_EQ(answer.in_reply_to, full.json()["message_id"]);
    EXPECT_EQ(answer.subject, "Re: RFQ 42");
    EXPECT_EQ(acme.http.get("/api/v1/usage").json()["sent"], 4);
}

TEST_F(InboxReplies, MailForAddressesWeDoNotRouteIsRefused) {
    auto list = import_vendors(acme, 1);
    auto sent = send_dispatch(acme, list);
    auto reply_to = captured(server, sent.delivery(0)["id"]).reply_to.at(0).address;
    auto message = vendor_reply("ap0@vendor0.example", "x", "none@vendor.example");
    const std::vector<std::string> refused = {"nobody@not-ours.example", "postmaster@dispatchhub.localhost",
                                              "reply+aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa@dispatchhub.localhost",
                                              reply_to.substr(0, reply_to.find('@')) + "@not-ours.example"};
    for (const auto& rcpt : refused) {
        auto x = smtp_send(server.smtp_port(), "spam@elsewhere.example", rcpt, message);
        EXPECT_EQ(x.rcpt.substr(0, 3), "550") << rcpt << " -> " << x.rcpt;
    }
    EXPECT_EQ(raw_messages(server), 0);
    EXPECT_EQ(acme.http.get("/api/v1/inbox").json()["items"].size(), 0u);
    // The same token in another case is still ours (some systems change local-part case).
    std::string upper = reply_to;
    for (auto& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    EXPECT_EQ(smtp_send(server.smtp_port(), "ap0@vendor0.example", upper, message).data.substr(0, 3), "250");
}

TEST_F(InboxReplies, MalformedMessagesAreKeptAndNeverCrashTheServer) {
    auto list = import_vendors(acme, 1);
    auto sent = send_dispatch(acme, list);
    auto reply_to = captured(server, sent.delivery(0)["id"]).reply_to.at(0).address;
    std::vector<std::string> corpus;
    for (auto& e : std::filesystem::directory_iterator(std::string(DH_SOURCE_DIR) + "/tests/data/mime"))
        corpus.push_back(read_text(e.path().string()));
    std::string huge = "From: ap0@vendor0.example\r\nSubject: huge\r\nX-Long: start";
    for (int i = 0; i < 2000; ++i) huge += "\r\n  folded continuation line " + std::to_string(i);
    corpus.push_back(huge + "\r\n\r\nbody\r\n");
    corpus.push_back(
        "Content-Type: multipart/mixed; boundary=x\r\n\r\n--x\r\nContent-Type: text/plain; "
        "charset=bogus-9\r\n\r\n\xff\xfe\x00 bytes");
    corpus.push_back("no header separator at all, just \x80\x81 bytes");
    for (auto& m : corpus) {
        auto x = smtp_send(server.smtp_port(), "ap0@vendor0.example", reply_to, m);
        EXPECT_EQ(x.data.substr(0, 3), "250") << x.data << "\n" << m.substr(0, 200);
    }
    EXPECT_EQ(server.client().get("/healthz").status, 200);
    EXPECT_EQ(raw_messages(server), static_cast<long>(corpus.size()));
    EXPECT_EQ(acme.http.get("/api/v1/inbox?limit=200").json()["items"].size(), corpus.size());
}

TEST_F(InboxReplies, AttachmentsOfARepliesDownloadAsFilesForTheTenantOnly) {
    auto list = import_vendors(acme, 1);
    auto sent = send_dispatch(acme, list);
    auto original = captured(server, sent.delivery(0)["id"]);
    auto reply_to = original.reply_to[0].address;
    std::string message =
        "From: Contact 0 <ap0@vendor0.example>\r\nTo: " + reply_to + "\r\nSubject: Re: RFQ 42\r\nIn-Reply-To: <" +
        original.message_id +
        ">\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"q1\"\r\n\r\n"
        "--q1\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nOur quote is attached.\r\n"
        "--q1\r\nContent-Type: application/pdf; name=\"quote.pdf\"\r\nContent-Disposition: attachment; "
        "filename=\"quote.pdf\"\r\nContent-Transfer-Encoding: base64\r\n\r\nJVBERi0xLjQKJSBxdW90ZSA0Mgo=\r\n--q1--\r\n";
    auto x = smtp_send(server.smtp_port(), "ap0@vendor0.example", reply_to, message);
    ASSERT_EQ(x.data.substr(0, 3), "250") << x.data;
    auto items = acme.http.get("/api/v1/inbox").json()["items"];
    ASSERT_EQ(items.size(), 1u);
    const std::string id = items[0]["id"];
    auto full = acme.http.get("/api/v1/inbox/" + id).json();
    ASSERT_EQ(full["attachments"].size(), 1u) << full.dump();
    const std::string file = full["attachments"][0]["id"];
    EXPECT_EQ(full["attachments"][0]["filename"], "quote.pdf");

    auto got = acme.http.get("/api/v1/inbox/" + id + "/attachments/" + file);
    ASSERT_EQ(got.status, 200) << got.body;
    EXPECT_EQ(got.body, "%PDF-1.4\n% quote 42\n");
    EXPECT_EQ(got.header("content-type"), "application/octet-stream");
    EXPECT_EQ(got.header("content-disposition"), "attachment; filename=\"quote.pdf\"");
    EXPECT_EQ(globex.http.get("/api/v1/inbox/" + id + "/attachments/" + file).status, 404);
    EXPECT_EQ(acme.http.get("/api/v1/inbox/" + id + "/attachments/00000000-0000-4000-8000-000000000000").status, 404);
}

TEST_F(InboxReplies, MailThatNoTenantOwnsGoesToTheQuarantineForSuperAdmins) {
    // A correctly signed reply address whose delivery does not exist (e.g. its tenant was deleted),
    // from a sender no tenant knows, answering a Message-ID that is not ours.
    auto to = mail::reply_address("7d9a3c1e-0000-4000-8000-00000000beef", "dispatchhub.localhost",
                                  delivery::derive_routing_key(server.jwt_secret()));
    auto x = smtp_send(server.smtp_port(), "stranger@elsewhere.example", to,
                       vendor_reply("Stranger <stranger@elsewhere.example>", to, "not-ours@elsewhere.example"));
    ASSERT_EQ(x.rcpt.substr(0, 3), "250") << x.rcpt;
    ASSERT_EQ(x.data.substr(0, 3), "250") << x.data;  // stored durably before the answer, even unroutable
    EXPECT_EQ(acme.http.get("/api/v1/inbox").json()["items"].size(), 0u);
    EXPECT_EQ(globex.http.get("/api/v1/inbox").json()["items"].size(), 0u);

    auto q = platform.root().get("/api/v1/admin/quarantine");
    ASSERT_EQ(q.status, 200) << q.body;
    auto items = q.json()["items"];
    ASSERT_EQ(items.size(), 1u) << q.body;
    EXPECT_EQ(items[0]["from"], "stranger@elsewhere.example");
    EXPECT_EQ(items[0]["envelope_to"], to);
    EXPECT_EQ(items[0]["subject"], "Re: RFQ 42");
    EXPECT_FALSE(items[0]["reason"].get<std::string>().empty());
    EXPECT_EQ(acme.http.get("/api/v1/admin/quarantine").status, 403);
    EXPECT_EQ(platform.root().get("/api/v1/admin/quarantine?limit=0").status, 422);
}

}  // namespace
}  // namespace dh::test

namespace dh::test {
namespace {

TEST(InboxListener, SmtpListenOffStartsNoListener) {
    TestServer server(Env{{"SMTP_LISTEN", "off"}});
    EXPECT_THROW(RawClient client(server.smtp_port()), std::runtime_error);
    EXPECT_EQ(server.client().get("/readyz").status, 200);
}

}  // namespace
}  // namespace dh::test
