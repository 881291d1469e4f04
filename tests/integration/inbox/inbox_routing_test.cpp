// The second and third routing rules over the inbound SMTP listener: when the reply token names no
// delivery (its tenant's data is gone, or a mail client rewrote the address), the threading headers
// route the message, then the sender address if exactly one tenant knows it; otherwise quarantine.
#include <gtest/gtest.h>

#include "inbox/inbox_fixture.hpp"

namespace dh::test {
namespace {

struct InboxRouting : InboxTenants {
    /// A signed reply address whose delivery does not exist: accepted at RCPT, routes nothing by itself.
    std::string orphan_reply_address() const {
        return mail::reply_address(random::uuid(), "dispatchhub.localhost",
                                   delivery::derive_routing_key(server.jwt_secret()));
    }
};

std::string unthreaded_message(const std::string& from, const std::string& to, const std::string& subject) {
    return "From: " + from + "\r\nTo: " + to + "\r\nSubject: " + subject + "\r\nMessage-ID: <fresh-" + random::hex(4) +
           "@vendor.example>\r\nDate: Tue, 5 May 2026 10:00:00 +0000\r\nMIME-Version: 1.0\r\n"
           "Content-Type: text/plain; charset=utf-8\r\n\r\nA new question about the order.\r\n";
}

nlohmann::json only_item(TenantSession& t) {
    auto items = t.http.get("/api/v1/inbox").json()["items"];
    if (items.size() != 1) throw std::runtime_error("expected one inbox item, got " + items.dump());
    return items[0];
}

TEST_F(InboxRouting, InReplyToRoutesToTheDeliveryItAnswers) {
    auto list = import_vendors(acme, 2);
    import_vendors(globex, 2);  // the same contact addresses elsewhere must not matter: the header decides
    auto sent = send_dispatch(acme, list);
    auto d1 = sent.delivery(1);
    auto original = captured(server, d1["id"]);
    auto to = orphan_reply_address();

    auto x = smtp_send(server.smtp_port(), "ap1@vendor1.example", to,
                       vendor_reply("Contact 1 <ap1@vendor1.example>", to, original.message_id));
    ASSERT_EQ(x.rcpt.substr(0, 3), "250") << x.rcpt;
    ASSERT_EQ(x.data.substr(0, 3), "250") << x.data;

    auto item = only_item(acme);
    EXPECT_EQ(item["routed_by"], "thread");
    EXPECT_EQ(item["delivery_id"], d1["id"]);
    EXPECT_EQ(item["dispatch_id"], sent.id);
    EXPECT_EQ(item["vendor_id"], d1["vendor_id"]);
    EXPECT_EQ(globex.http.get("/api/v1/inbox").json()["items"].size(), 0u);
}

TEST_F(InboxRouting, ReferencesRouteWhenInReplyToIsForeign) {
    auto list = import_vendors(acme, 1);
    auto sent = send_dispatch(acme, list);
    auto original = captured(server, sent.delivery(0)["id"]);
    auto to = orphan_reply_address();
    // A client that answers a forwarded copy: In-Reply-To names a foreign message, References
    // still carries ours further up the thread.
    std::string message =
        "From: ap0@vendor0.example\r\nTo: " + to + "\r\nSubject: Re: Fwd: RFQ 42\r\nMessage-ID: <answer-" +
        random::hex(4) + "@vendor.example>\r\nIn-Reply-To: <fwd-1@vendor.example>\r\nReferences: <" +
        original.message_id +
        "> <fwd-1@vendor.example>\r\nMIME-Version: 1.0\r\nContent-Type: text/plain\r\n\r\nSee below.\r\n";
    ASSERT_EQ(smtp_send(server.smtp_port(), "ap0@vendor0.example", to, message).data.substr(0, 3), "250");
    auto item = only_item(acme);
    EXPECT_EQ(item["routed_by"], "thread");
    EXPECT_EQ(item["delivery_id"], sent.delivery(0)["id"]);
}

TEST_F(InboxRouting, SenderKnownToExactlyOneTenantRoutesThere) {
    import_vendors(acme, 2);    // ap0@vendor0 and ap1@vendor1
    import_vendors(globex, 1);  // ap0@vendor0 only
    auto to = orphan_reply_address();

    auto x = smtp_send(server.smtp_port(), "ap1@vendor1.example", to,
                       unthreaded_message("Contact 1 <ap1@vendor1.example>", to, "Question"));
    ASSERT_EQ(x.data.substr(0, 3), "250") << x.data;
    auto item = only_item(acme);
    EXPECT_EQ(item["routed_by"], "sender");
    EXPECT_TRUE(item["delivery_id"].is_null()) << item.dump();
    EXPECT_FALSE(item["vendor_id"].is_null());
    EXPECT_FALSE(item["contact_id"].is_null());
    auto vendors = acme.http.get("/api/v1/vendors?q=vendor1").json()["items"];
    ASSERT_EQ(vendors.size(), 1u) << vendors.dump();
    EXPECT_EQ(item["vendor_id"], vendors[0]["id"]);
    EXPECT_EQ(globex.http.get("/api/v1/inbox").json()["items"].size(), 0u);
}

TEST_F(InboxRouting, SenderKnownToTwoTenantsGoesToTheQuarantine) {
    import_vendors(acme, 1);
    import_vendors(globex, 1);  // both know ap0@vendor0.example: guessing would leak mail across tenants
    auto to = orphan_reply_address();

    auto x = smtp_send(server.smtp_port(), "ap0@vendor0.example", to,
                       unthreaded_message("ap0@vendor0.example", to, "Which of you?"));
    ASSERT_EQ(x.data.substr(0, 3), "250") << x.data;
    EXPECT_EQ(acme.http.get("/api/v1/inbox").json()["items"].size(), 0u);
    EXPECT_EQ(globex.http.get("/api/v1/inbox").json()["items"].size(), 0u);
    auto q = platform.root().get("/api/v1/admin/quarantine").json()["items"];
    ASSERT_EQ(q.size(), 1u) << q.dump();
    EXPECT_EQ(q[0]["subject"], "Which of you?");
}

}  // namespace
}  // namespace dh::test
