// A hard bounce that reaches the inbound listener while its delivery is still on the wire (the
// relay has the whole message and holds its answer) must end exactly like one that arrives after
// the send was recorded: same delivery row, same dispatch counts, same delivery webhook events,
// usage counted once. The relay holds the answer until the test releases it, so the order is
// fixed by the test, not by timing.
#include <gtest/gtest.h>

#include <fstream>
#include <regex>

#include "db/connection.hpp"
#include "harness/wait.hpp"
#include "inbox/inbox_fixture.hpp"
#include "smtp/smtp_peers.hpp"
#include "webhooks/webhook_receiver.hpp"

namespace dh::test {
namespace {

constexpr const char* kHeld = "held-dot@vendor.example";

int messages_at(const smtp::TempDir& dir) {
    int n = 0;
    for (auto& e : smtp::read_jsonl(dir.file("events.jsonl")))
        if (e["event"] == "message") ++n;
    return n;
}

/// The relay's queue id differs from message to message.
std::string without_queue_id(const std::string& s) {
    return std::regex_replace(s, std::regex("queued as Q[0-9]+"), "queued as Q#");
}

struct BounceRace : ::testing::Test {
    smtp::TempDir dir;
    smtp::Peer peer{{"/usr/bin/python3", smtp::tools_dir() + "/scripted_smtp.py", "--log", dir.path(), "--release",
                     dir.file("release")},
                    "READY "};
    WebhookReceiver receiver;
    TestServer server{{{"SMTP_URL", "smtp://127.0.0.1:" + std::to_string(peer.port()) + "?tls=none"},
                       {"WEBHOOK_ALLOW_PRIVATE", "1"},
                       {"WEBHOOK_ALLOW_HTTP", "1"}}};
    PlatformSession platform{server};

    /// A tenant with a webhook endpoint for delivery and dispatch events and one vendor at kHeld;
    /// returns the id of a new dispatch to it.
    std::string dispatch_to_held(TenantSession& t) {
        auto hook =
            t.http.post("/api/v1/webhooks",
                        {{"url", receiver.url()},
                         {"events", {"delivery.sent", "delivery.bounced", "delivery.failed", "dispatch.completed"}}});
        EXPECT_EQ(hook.status, 201) << hook.body;
        auto vendor = t.http.post("/api/v1/vendors",
                                  {{"name", "Held vendor"}, {"contacts", {{{"name", "Hal"}, {"email", kHeld}}}}});
        EXPECT_EQ(vendor.status, 201) << vendor.body;
        auto created = t.http.post("/api/v1/dispatches", {{"subject", "Payment run"},
                                                          {"body_markdown", "Hello"},
                                                          {"recipients", {{"vendor_ids", {vendor.json()["id"]}}}}});
        EXPECT_EQ(created.status, 201) << created.body;
        return created.json()["id"];
    }

    nlohmann::json only_delivery(TenantSession& t, const std::string& dispatch_id) {
        auto items = t.http.get("/api/v1/dispatches/" + dispatch_id + "/deliveries").json()["items"];
        EXPECT_EQ(items.size(), 1u) << items.dump();
        return items.at(0);
    }

    /// A hard bounce (5.1.1) of the delivery to its VERP address, through the inbound listener.
    void bounce(const std::string& delivery_id) {
        auto to = bounce_address_of(server, delivery_id);
        auto x = smtp_send(server.smtp_port(), "", to,
                           dsn(to, kHeld, "5.1.1", mail::make_message_id(delivery_id, "dispatchhub.localhost")));
        ASSERT_EQ(x.data.substr(0, 3), "250") << x.rcpt << x.data;
    }

    /// What must not depend on the order: the delivery row, the dispatch's counts, the events.
    nlohmann::json end_state(TenantSession& t, const std::string& dispatch_id) {
        auto d = wait_for_status(t, dispatch_id, "completed");
        auto delivery_id = only_delivery(t, dispatch_id)["id"].get<std::string>();
        db::Connection conn(server.database().conninfo());
        auto row = conn.exec(R"SQL(
SELECT status, counted, smtp_code, reason, relay_reply, sent_at IS NOT NULL AS sent, bounced_at IS NOT NULL AS bounced,
       pending_bounce IS NULL AS settled FROM deliveries WHERE id = $1::uuid)SQL",
                             {delivery_id});
        nlohmann::json out;
        out["dispatch_status"] = d["status"];
        out["counts"] = d["counts"];
        out["delivery"] = {{"status", row.text(0, "status")},           {"counted", row.boolean(0, "counted")},
                           {"smtp_code", row.integer(0, "smtp_code")},  {"reason", row.text(0, "reason")},
                           {"relay_reply", row.text(0, "relay_reply")}, {"sent_at", row.boolean(0, "sent")},
                           {"bounced_at", row.boolean(0, "bounced")},   {"settled", row.boolean(0, "settled")}};
        // Delivery events as receivers see them; dispatch.completed by number only (its counts are a
        // snapshot of the moment of completion, which comes before a late bounce).
        auto events = conn.exec(R"SQL(
SELECT type, coalesce(data->>'status', '') AS status, coalesce(data->>'smtp_code', '') AS code,
       coalesce(data->>'reason', '') AS reason, coalesce(data->>'relay_reply', '') AS reply
FROM webhook_events WHERE tenant_id = $1::uuid ORDER BY type)SQL",
                                {t.id});
        out["events"] = nlohmann::json::array();
        for (int i = 0; i < events.rows(); ++i) {
            auto type = events.text(i, "type");
            if (type == "dispatch.completed")
                out["events"].push_back({{"type", type}});
            else
                out["events"].push_back({{"type", type},
                                         {"status", events.text(i, "status")},
                                         {"smtp_code", events.text(i, "code")},
                                         {"reason", events.text(i, "reason")},
                                         {"relay_reply", without_queue_id(events.text(i, "reply"))}});
        }
        out["usage_sent"] = t.http.get("/api/v1/usage").json()["sent"];
        return out;
    }
};

TEST_F(BounceRace, BounceBeforeTheOutcomeEndsLikeBounceAfterIt) {
    // Bounce first: the relay has the message and holds its answer, so the delivery is 'sending'.
    auto acme = platform.create_tenant("acme");
    auto early = dispatch_to_held(acme);
    ASSERT_TRUE(wait_until([&] { return messages_at(dir) == 1; }, std::chrono::seconds(60)));
    auto on_wire = only_delivery(acme, early);
    ASSERT_EQ(on_wire["status"], "sending") << on_wire.dump();
    bounce(on_wire["id"]);
    // Kept, not yet applied: the outcome is still to come.
    auto waiting = acme.http.get("/api/v1/dispatches/" + early).json();
    EXPECT_EQ(only_delivery(acme, early)["status"], "sending");
    EXPECT_EQ(waiting["counts"].value("bounced", 0), 0) << waiting.dump();
    EXPECT_EQ(acme.http.get("/api/v1/suppressions").json()["items"].size(), 1u);
    std::ofstream(dir.file("release")) << "go";
    auto bounce_first = end_state(acme, early);

    // Outcome first: the relay answers at once (released), then the same bounce arrives.
    auto globex = platform.create_tenant("globex");
    auto late = dispatch_to_held(globex);
    auto sent = wait_for_status(globex, late, "completed");
    ASSERT_EQ(sent["counts"]["sent"], 1) << sent.dump();
    bounce(only_delivery(globex, late)["id"]);
    auto outcome_first = end_state(globex, late);

    EXPECT_EQ(bounce_first, outcome_first)
        << "bounce first:  " << bounce_first.dump(1) << "\noutcome first: " << outcome_first.dump(1);
    // And that common end is the right one.
    EXPECT_EQ(bounce_first["delivery"]["status"], "bounced");
    EXPECT_EQ(bounce_first["delivery"]["counted"], true);
    EXPECT_EQ(bounce_first["delivery"]["smtp_code"], 250);
    EXPECT_NE(bounce_first["delivery"]["relay_reply"].get<std::string>().find("5.1.1"), std::string::npos);
    EXPECT_EQ(bounce_first["counts"]["bounced"], 1) << bounce_first.dump();
    EXPECT_EQ(bounce_first["counts"]["sent"], 0);
    EXPECT_EQ(bounce_first["usage_sent"], 1);
    std::vector<std::string> types;
    for (auto& e : bounce_first["events"]) types.push_back(e["type"]);
    EXPECT_EQ(types, (std::vector<std::string>{"delivery.bounced", "delivery.sent", "dispatch.completed"}));
    EXPECT_EQ(bounce_first["events"][1]["status"], "sent");
    EXPECT_EQ(run_binary({"admin", "verify-usage"}, server.env()).exit_code, 0);

    // A second report for either delivery changes nothing more.
    bounce(only_delivery(acme, early)["id"]);
    EXPECT_EQ(end_state(acme, early), bounce_first);
}

}  // namespace
}  // namespace dh::test
