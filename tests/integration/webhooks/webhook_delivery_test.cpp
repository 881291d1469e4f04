// Webhook events end to end: state changes write them in their own transaction, the worker signs
// and POSTs them to a receiver on a real socket, retries what failed and gives up when told to.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "db/connection.hpp"
#include "harness/wait.hpp"
#include "inbox/inbox_fixture.hpp"
#include "webhooks/secret_seal.hpp"
#include "webhooks/webhook_receiver.hpp"

namespace dh::test {
namespace {

struct Registered {
    std::string id, secret;
};

Registered register_hook(TenantSession& t, const std::string& url, const nlohmann::json& events) {
    auto r = t.http.post("/api/v1/webhooks", {{"url", url}, {"events", events}});
    if (r.status != 201) throw std::runtime_error("register webhook -> " + r.body);
    return {r.json()["id"], r.json()["secret"]};
}

std::vector<ReceivedHook> of_type(const std::vector<ReceivedHook>& hooks, const std::string& type) {
    std::vector<ReceivedHook> out;
    for (auto& h : hooks)
        if (h.json()["type"] == type) out.push_back(h);
    return out;
}

/// The endpoint's deliveries once `done` holds for them (or the last answer after `seconds`).
nlohmann::json wait_for_deliveries(TenantSession& t, const std::string& hook_id,
                                   const std::function<bool(const nlohmann::json&)>& done, int seconds = 60) {
    nlohmann::json items;
    wait_until(
        [&] {
            items = t.http.get("/api/v1/webhooks/" + hook_id + "/deliveries").json()["items"];
            return done(items);
        },
        std::chrono::seconds(seconds), std::chrono::milliseconds(100));
    return items;
}

/// Waits until every delivery of the endpoint is delivered, then two more worker housekeeping
/// cycles (several polls of the webhook sender): a duplicate (a second claim, a reclaimed lease)
/// would have reached the receiver by then.
void wait_until_settled(const TestServer& server, TenantSession& t, const std::string& hook_id) {
    auto items = wait_for_deliveries(t, hook_id, [](auto& items) {
        return std::all_of(items.begin(), items.end(), [](auto& d) { return d["status"] == "delivered"; });
    });
    ASSERT_FALSE(items.empty());
    EXPECT_TRUE(wait_for_worker_cycles(server, 2));
}

long long events_of_tenant(const TestServer& server, const std::string& tenant_id) {
    db::Connection conn(server.database().conninfo());
    return conn.exec("SELECT count(*) AS n FROM webhook_events WHERE tenant_id = $1::uuid", {tenant_id})
        .integer(0, "n");
}

/// Loopback receiver allowed; retries after about a second; given up after four.
struct WebhookDelivery : ::testing::Test {
    TestServer server{{{"WEBHOOK_ALLOW_PRIVATE", "1"},
                       {"WEBHOOK_ALLOW_HTTP", "1"},
                       {"WEBHOOK_RETRY_BASE_SECONDS", "1"},
                       {"WEBHOOK_RETRY_MAX_AGE_SECONDS", "4"}}};
    PlatformSession platform{server};
    TenantSession acme = platform.create_tenant("acme");
    TenantSession globex = platform.create_tenant("globex");
    WebhookReceiver receiver;
};

TEST_F(WebhookDelivery, ADispatchSendsOneSignedEventPerRecipientAndOneCompletion) {
    auto hook = register_hook(acme, receiver.url(), {"delivery.sent", "dispatch.completed"});
    auto list = import_vendors(acme, 5);
    auto created = acme.http.post("/api/v1/dispatches", dispatch_body(list));
    ASSERT_EQ(created.status, 201) << created.body;
    auto dispatch_id = created.json()["id"].get<std::string>();
    ASSERT_EQ(wait_for_status(acme, dispatch_id, "completed")["status"], "completed");
    // globex sends too, without an endpoint: it writes no event at all.
    auto other = globex.http.post("/api/v1/dispatches", dispatch_body(import_vendors(globex, 2)));
    ASSERT_EQ(wait_for_status(globex, other.json()["id"], "completed")["status"], "completed");

    ASSERT_TRUE(receiver.wait_for([](auto& got) { return got.size() >= 6; })) << receiver.received().size();
    wait_until_settled(server, acme, hook.id);  // nothing more may come
    auto got = receiver.received();
    ASSERT_EQ(got.size(), 6u);
    std::set<std::string> event_ids, delivery_ids;
    for (auto& h : got) {
        EXPECT_TRUE(h.signed_with(hook.secret)) << h.body;
        EXPECT_FALSE(h.signed_with(hook.secret + "x"));
        auto body = h.json();
        EXPECT_EQ(h.header("dispatchhub-event-id"), body["id"]);
        EXPECT_EQ(h.header("dispatchhub-event-type"), body["type"]);
        EXPECT_EQ(h.header("content-type"), "application/json");
        EXPECT_EQ(body["tenant_id"], acme.id);
        EXPECT_EQ(body["data"]["dispatch_id"], dispatch_id);
        event_ids.insert(body["id"].get<std::string>());
        if (body["type"] == "delivery.sent") delivery_ids.insert(body["data"]["delivery_id"].get<std::string>());
    }
    EXPECT_EQ(event_ids.size(), 6u);
    EXPECT_EQ(of_type(got, "delivery.sent").size(), 5u);
    EXPECT_EQ(delivery_ids.size(), 5u);
    auto completed = of_type(got, "dispatch.completed");
    ASSERT_EQ(completed.size(), 1u);
    EXPECT_EQ(completed[0].json()["data"]["counts"]["sent"], 5);
    EXPECT_EQ(events_of_tenant(server, globex.id), 0);

    auto deliveries = wait_for_deliveries(acme, hook.id, [](auto& items) { return items.size() == 6; });
    for (auto& d : deliveries) EXPECT_EQ(d["status"], "delivered") << d.dump();
    EXPECT_FALSE(acme.http.get("/api/v1/webhooks/" + hook.id).json()["last_success_at"].is_null());
}

TEST_F(WebhookDelivery, AnEndpointAnswering500GetsTheEventAgain) {
    receiver.answer_with({500});
    auto hook = register_hook(acme, receiver.url(), {"dispatch.completed"});
    auto created = acme.http.post("/api/v1/dispatches", dispatch_body(import_vendors(acme, 1)));
    ASSERT_EQ(wait_for_status(acme, created.json()["id"], "completed")["status"], "completed");

    ASSERT_TRUE(receiver.wait_for([](auto& got) { return got.size() >= 2; }, 30)) << receiver.received().size();
    auto got = receiver.received();
    EXPECT_EQ(got[0].json()["id"], got[1].json()["id"]) << "the same event, retried";
    EXPECT_TRUE(got[1].signed_with(hook.secret));
    auto items = wait_for_deliveries(acme, hook.id,
                                     [](auto& items) { return !items.empty() && items[0]["status"] == "delivered"; });
    ASSERT_EQ(items.size(), 1u);
    EXPECT_EQ(items[0]["status"], "delivered");
    EXPECT_EQ(items[0]["attempts"], 2);
    EXPECT_EQ(items[0]["response_status"], 200);
    auto endpoint = acme.http.get("/api/v1/webhooks/" + hook.id).json();
    EXPECT_NE(endpoint["last_error"].get<std::string>().find("HTTP 500"), std::string::npos) << endpoint.dump();
}

/// An endpoint for dispatch.completed that answers 503 to everything; a one-recipient dispatch; the
/// endpoint's deliveries once its one event was given up (or the last answer after a minute).
nlohmann::json given_up_event(TenantSession& t, WebhookReceiver& receiver, Registered& hook) {
    receiver.always_answer(503);
    hook = register_hook(t, receiver.url(), {"dispatch.completed"});
    auto created = t.http.post("/api/v1/dispatches", dispatch_body(import_vendors(t, 1)));
    if (wait_for_status(t, created.json()["id"], "completed")["status"] != "completed")
        throw std::runtime_error("dispatch not completed: " + created.body);
    return wait_for_deliveries(t, hook.id,
                               [](auto& items) { return !items.empty() && items[0]["status"] == "failed"; });
}

TEST_F(WebhookDelivery, AnEndpointThatKeepsFailingIsGivenUpAndShowsWhy) {
    Registered hook;
    auto items = given_up_event(acme, receiver, hook);
    ASSERT_EQ(items.size(), 1u);
    EXPECT_EQ(items[0]["status"], "failed") << items.dump();
    EXPECT_GE(items[0]["attempts"].get<int>(), 2);
    EXPECT_EQ(items[0]["response_status"], 503);
    auto error = items[0]["last_error"].get<std::string>();
    EXPECT_NE(error.find("gave up"), std::string::npos) << error;
    EXPECT_NE(error.find("HTTP 503"), std::string::npos) << error;
    EXPECT_EQ(receiver.received().size(), static_cast<std::size_t>(items[0]["attempts"].get<int>()));
    auto failed = acme.http.get("/api/v1/webhooks/" + hook.id + "/deliveries?status=failed").json()["items"];
    EXPECT_EQ(failed.size(), 1u);
    EXPECT_FALSE(acme.http.get("/api/v1/webhooks/" + hook.id).json()["last_failure_at"].is_null());
}

// A given-up event is sent again on request, with a new series of attempts; one that is still
// queued is refused, and the request of another tenant finds nothing.
TEST_F(WebhookDelivery, AFailedEventIsRedeliveredOnRequest) {
    Registered hook;
    auto items = given_up_event(acme, receiver, hook);
    ASSERT_EQ(items.size(), 1u);
    ASSERT_EQ(items[0]["status"], "failed") << items.dump();
    auto delivery_id = items[0]["id"].get<std::string>();
    auto tries_before = receiver.received().size();
    auto path = "/api/v1/webhooks/" + hook.id + "/deliveries/" + delivery_id + "/redeliver";

    EXPECT_EQ(globex.http.post(path, nlohmann::json::object()).status, 404);
    receiver.always_answer(200);
    auto again = acme.http.post(path, nlohmann::json::object());
    ASSERT_EQ(again.status, 202) << again.body;
    EXPECT_EQ(again.json()["id"], delivery_id);
    EXPECT_EQ(again.json()["attempts"], 0);
    EXPECT_EQ(again.json()["status"], "pending") << "read back in the transaction that queued it again";

    items = wait_for_deliveries(acme, hook.id,
                                [](auto& items) { return !items.empty() && items[0]["status"] == "delivered"; });
    ASSERT_EQ(items[0]["status"], "delivered") << items.dump();
    EXPECT_EQ(items[0]["attempts"], 1);
    EXPECT_EQ(items[0]["response_status"], 200);
    auto got = receiver.received();
    ASSERT_EQ(got.size(), tries_before + 1);
    EXPECT_EQ(got.back().json()["id"], got.front().json()["id"]) << "the same event";
    EXPECT_TRUE(got.back().signed_with(hook.secret));

    auto unknown = "/api/v1/webhooks/" + hook.id + "/deliveries/" + hook.id + "/redeliver";
    EXPECT_EQ(acme.http.post(unknown, nlohmann::json::object()).status, 404);
    // Still queued (the receiver fails again): asking for it a second time is a conflict.
    receiver.always_answer(503);
    ASSERT_EQ(acme.http.post(path, nlohmann::json::object()).status, 202);
    auto busy = acme.http.post(path, nlohmann::json::object());
    EXPECT_EQ(busy.status, 409) << busy.body;
    EXPECT_EQ(busy.json()["code"], "webhook_delivery_in_progress");
    auto audit = acme.http.get("/api/v1/audit?action=webhook.redelivered").body;
    EXPECT_NE(audit.find(delivery_id), std::string::npos) << audit;
}

// After a rotation, events are signed with the new secret only, and the old one is not shown again.
TEST_F(WebhookDelivery, ARotatedSecretSignsTheNextEvents) {
    auto hook = register_hook(acme, receiver.url(), {"dispatch.completed"});
    auto rotated = acme.http.post("/api/v1/webhooks/" + hook.id + "/rotate-secret", nlohmann::json::object());
    ASSERT_EQ(rotated.status, 200) << rotated.body;
    auto secret = rotated.json()["secret"].get<std::string>();
    EXPECT_NE(secret, hook.secret);
    EXPECT_EQ(rotated.json()["id"], hook.id);
    EXPECT_FALSE(acme.http.get("/api/v1/webhooks/" + hook.id).json().contains("secret"));

    auto created = acme.http.post("/api/v1/dispatches", dispatch_body(import_vendors(acme, 1)));
    ASSERT_EQ(wait_for_status(acme, created.json()["id"], "completed")["status"], "completed");
    ASSERT_TRUE(receiver.wait_for([](auto& got) { return !got.empty(); }, 30));
    auto got = receiver.received();
    EXPECT_TRUE(got[0].signed_with(secret));
    EXPECT_FALSE(got[0].signed_with(hook.secret));
    auto audit = acme.http.get("/api/v1/audit?action=webhook.secret_rotated").body;
    EXPECT_NE(audit.find(hook.id), std::string::npos) << audit;
    EXPECT_EQ(audit.find(secret), std::string::npos) << "the secret is never audited";
    EXPECT_EQ(server.log().find(secret), std::string::npos) << "nor logged";
}

TEST_F(WebhookDelivery, ADispatchCompletedAtCreationIsReportedToo) {
    auto hook = register_hook(acme, receiver.url(), {"dispatch.completed", "delivery.sent"});
    auto list = import_vendors(acme, 1);
    ASSERT_EQ(acme.http.post("/api/v1/suppressions", {{"address", "ap0@vendor0.example"}, {"reason", "manual"}}).status,
              201);
    auto created = acme.http.post("/api/v1/dispatches", dispatch_body(list));
    ASSERT_EQ(created.status, 201) << created.body;
    EXPECT_EQ(created.json()["status"], "completed") << "every recipient suppressed";

    ASSERT_TRUE(receiver.wait_for([](auto& got) { return !got.empty(); }, 30));
    wait_until_settled(server, acme, hook.id);
    auto got = receiver.received();
    ASSERT_EQ(got.size(), 1u);
    auto event = got[0].json();
    EXPECT_EQ(event["type"], "dispatch.completed");
    EXPECT_EQ(event["data"]["dispatch_id"], created.json()["id"]);
    EXPECT_EQ(event["data"]["counts"]["suppressed"], 1);
    EXPECT_TRUE(got[0].signed_with(hook.secret));
}

TEST_F(WebhookDelivery, BouncesAndRepliesReachTheEndpoint) {
    auto hook = register_hook(acme, receiver.url(), {"delivery.bounced", "inbox.received"});
    auto sent = send_dispatch(acme, import_vendors(acme, 2));
    auto first = sent.delivery(0);
    auto message = captured(server, first["id"]);
    auto x = smtp_send(server.smtp_port(), "", bounce_address_of(server, first["id"]),
                       dsn(bounce_address_of(server, first["id"]), first["email"], "5.1.1", message.message_id));
    ASSERT_EQ(x.data.rfind("250", 0), 0u) << x.data;

    ASSERT_TRUE(receiver.wait_for([](auto& got) { return got.size() >= 2; }, 30)) << receiver.received().size();
    auto got = receiver.received();
    auto bounced = of_type(got, "delivery.bounced");
    ASSERT_EQ(bounced.size(), 1u);
    EXPECT_EQ(bounced[0].json()["data"]["delivery_id"], first["id"]);
    EXPECT_EQ(bounced[0].json()["data"]["status"], "bounced");
    auto received = of_type(got, "inbox.received");
    ASSERT_EQ(received.size(), 1u);
    EXPECT_EQ(received[0].json()["data"]["kind"], "bounce");
    EXPECT_EQ(received[0].json()["data"]["delivery_id"], first["id"]);
    for (auto& h : got) EXPECT_TRUE(h.signed_with(hook.secret));
}

/// Production target rules (plain http allowed, to reach the receiver at all): an endpoint whose
/// name resolves to loopback by the time of sending is refused then too, not only at registration.
struct WebhookSendTimeCheck : ::testing::Test {
    TestServer server{{{"WEBHOOK_ALLOW_HTTP", "1"}}};
    PlatformSession platform{server};
    TenantSession acme = platform.create_tenant("acme");
    WebhookReceiver receiver;
};

TEST_F(WebhookSendTimeCheck, ATargetThatNowResolvesToLoopbackIsNotContacted) {
    auto url = receiver.url("localhost");
    EXPECT_EQ(acme.http.post("/api/v1/webhooks", {{"url", url}, {"events", {"dispatch.completed"}}}).status, 422);
    // As if the name had resolved to a public address at registration and was rebound since.
    db::Connection conn(server.database().conninfo());
    auto id = conn.exec(
                      "INSERT INTO webhook_endpoints (tenant_id, url, events, secret_sealed) "
                      "VALUES ($1::uuid, $2, ARRAY['dispatch.completed'], $3) RETURNING id",
                      {acme.id, url, webhooks::SecretSeal(server.jwt_secret()).seal("whsec_rebound")})
                  .text(0, "id");
    auto created = acme.http.post("/api/v1/dispatches", dispatch_body(import_vendors(acme, 1)));
    ASSERT_EQ(wait_for_status(acme, created.json()["id"], "completed")["status"], "completed");

    auto items = wait_for_deliveries(acme, id, [](auto& items) {
        return !items.empty() && items[0]["attempts"] == 1 && items[0]["status"] != "sending";
    });
    ASSERT_EQ(items.size(), 1u);
    EXPECT_EQ(items[0]["status"], "pending") << "retried later, like any failure";
    auto error = items[0]["last_error"].get<std::string>();
    EXPECT_NE(error.find("refused"), std::string::npos) << error;
    EXPECT_NE(error.find("loopback"), std::string::npos) << error;
    EXPECT_TRUE(receiver.received().empty());
}

}  // namespace
}  // namespace dh::test
