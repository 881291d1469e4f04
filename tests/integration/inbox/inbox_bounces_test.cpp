// Delivery status notifications to the per-delivery VERP address: hard bounces mark the delivery
// bounced and suppress the address, soft ones are only recorded; usage never changes.
#include <gtest/gtest.h>

#include "inbox/inbox_fixture.hpp"

namespace dh::test {
namespace {

struct InboxBounces : InboxTenants {
    int verify_usage() { return run_binary({"admin", "verify-usage"}, server.env()).exit_code; }
    nlohmann::json delivery(const std::string& dispatch_id, const std::string& email) {
        auto page = acme.http.get("/api/v1/dispatches/" + dispatch_id + "/deliveries?limit=200").json();
        for (auto& d : page["items"])
            if (d["email"] == email) return d;
        return nullptr;
    }
};

TEST_F(InboxBounces, HardBounceMarksSuppressesAndKeepsUsage) {
    auto list = import_vendors(acme, 3);
    auto sent = send_dispatch(acme, list);
    auto d1 = sent.delivery(1);
    const std::string victim = d1["email"];
    auto original = captured(server, d1["id"]);
    auto to = bounce_address_of(server, d1["id"]);
    auto x = smtp_send(server.smtp_port(), "", to, dsn(to, victim, "5.1.1", original.message_id));
    ASSERT_EQ(x.data.substr(0, 3), "250") << x.rcpt << x.data;

    auto d = acme.http.get("/api/v1/dispatches/" + sent.id).json();
    EXPECT_EQ(d["counts"]["bounced"], 1) << d.dump();
    EXPECT_EQ(d["counts"]["sent"], 2);
    auto bounced = delivery(sent.id, victim);
    EXPECT_EQ(bounced["status"], "bounced");
    EXPECT_NE(bounced["relay_reply"].get<std::string>().find("5.1.1"), std::string::npos) << bounced.dump();
    auto supp = acme.http.get("/api/v1/suppressions").json();
    ASSERT_EQ(supp["items"].size(), 1u) << supp.dump();
    EXPECT_EQ(supp["items"][0]["address"], victim);
    EXPECT_EQ(supp["items"][0]["reason"], "bounce");
    EXPECT_EQ(globex.http.get("/api/v1/suppressions").json()["items"].size(), 0u);

    auto inbox = acme.http.get("/api/v1/inbox?kind=bounce").json();
    ASSERT_EQ(inbox["items"].size(), 1u);
    EXPECT_EQ(inbox["items"][0]["routed_by"], "bounce_token");
    EXPECT_EQ(inbox["items"][0]["bounce_status"], "5.1.1");
    EXPECT_EQ(inbox["items"][0]["delivery_id"], d1["id"]);

    // The bounce does not give the email back: it was sent and stays counted (I2).
    EXPECT_EQ(acme.http.get("/api/v1/usage").json()["sent"], 3);
    EXPECT_EQ(verify_usage(), 0);

    // A second report for the same delivery changes nothing more.
    smtp_send(server.smtp_port(), "", to, dsn(to, victim, "5.1.1", original.message_id));
    EXPECT_EQ(acme.http.get("/api/v1/dispatches/" + sent.id).json()["counts"]["bounced"], 1);
    EXPECT_EQ(acme.http.get("/api/v1/suppressions").json()["items"].size(), 1u);

    // The next dispatch to the list skips the bounced address.
    auto again = acme.http.post("/api/v1/dispatches", dispatch_body(list, "Second RFQ"));
    ASSERT_EQ(again.status, 201);
    EXPECT_EQ(again.json()["counts"]["suppressed"], 1) << again.body;
}

TEST_F(InboxBounces, SoftBounceIsRecordedButNotSuppressed) {
    auto list = import_vendors(acme, 2);
    auto sent = send_dispatch(acme, list);
    auto d0 = sent.delivery(0);
    auto to = bounce_address_of(server, d0["id"]);
    auto x =
        smtp_send(server.smtp_port(), "", to, dsn(to, d0["email"], "4.2.2", captured(server, d0["id"]).message_id));
    ASSERT_EQ(x.data.substr(0, 3), "250") << x.data;
    EXPECT_EQ(delivery(sent.id, d0["email"])["status"], "sent");
    EXPECT_EQ(acme.http.get("/api/v1/suppressions").json()["items"].size(), 0u);
    auto inbox = acme.http.get("/api/v1/inbox").json();
    ASSERT_EQ(inbox["items"].size(), 1u);
    EXPECT_EQ(inbox["items"][0]["kind"], "bounce");
    EXPECT_EQ(inbox["items"][0]["bounce_status"], "4.2.2");
}

TEST_F(InboxBounces, PostfixBounceFromTheCorpusIsUnderstood) {
    auto list = import_vendors(acme, 1);
    auto sent = send_dispatch(acme, list);
    auto d0 = sent.delivery(0);
    auto to = bounce_address_of(server, d0["id"]);
    auto x = smtp_send(server.smtp_port(), "", to,
                       read_text(std::string(DH_SOURCE_DIR) + "/tests/data/dsn/postfix_bounce.eml"));
    ASSERT_EQ(x.data.substr(0, 3), "250") << x.data;
    auto item = acme.http.get("/api/v1/inbox").json()["items"].at(0);
    EXPECT_EQ(item["kind"], "bounce");
    EXPECT_EQ(item["delivery_id"], d0["id"]);
    // Whatever address the report names, the address we sent to is the one suppressed.
    auto supp = acme.http.get("/api/v1/suppressions").json();
    ASSERT_EQ(supp["items"].size(), 1u) << item.dump();
    EXPECT_EQ(supp["items"][0]["address"], d0["email"]);
}

}  // namespace
}  // namespace dh::test
