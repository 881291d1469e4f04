// A relay that refuses us (here: no STARTTLS where it is required) pauses the queue: the dispatch
// says why, no delivery fails or burns its attempts, and nothing goes out in clear text.
#include <gtest/gtest.h>

#include "dispatch/dispatch_fixture.hpp"
#include "harness/net.hpp"
#include "harness/wait.hpp"
#include "smtp/smtp_peers.hpp"

namespace dh::test::smtp {
namespace {

nlohmann::json wait_for_relay_problem(TenantSession& t, const std::string& id) {
    nlohmann::json d;
    wait_until(
        [&] {
            d = t.http.get("/api/v1/dispatches/" + id).json();
            return !d["relay_problem"].is_null();
        },
        std::chrono::seconds(60));
    return d;
}

TEST(RelayProblem, PausesTheQueueAndTheDispatchSaysWhy) {
    TempDir dir;
    Peer peer(aiosmtpd(dir, {}), "READY ");  // no certificate: no STARTTLS in EHLO
    TestServer server({{"SMTP_URL", "smtp://localhost:" + std::to_string(peer.port())}});
    PlatformSession platform{server};
    TenantSession acme = platform.create_tenant("acme");
    auto list = import_vendors(acme, 30);
    auto created = acme.http.post("/api/v1/dispatches", dispatch_body(list));
    ASSERT_EQ(created.status, 201) << created.body;
    auto id = created.json()["id"].get<std::string>();

    auto d = wait_for_relay_problem(acme, id);
    EXPECT_EQ(d["relay_problem"], "the relay does not offer STARTTLS") << d.dump();
    auto ready = server.client().get("/readyz");
    EXPECT_EQ(ready.status, 503);
    EXPECT_NE(ready.body.find("the relay does not offer STARTTLS"), std::string::npos) << ready.body;

    // Some worker cycles later: still nothing failed or sent, and no delivery has an attempt counted.
    ASSERT_TRUE(wait_for_worker_cycles(server, 2));
    d = acme.http.get("/api/v1/dispatches/" + id).json();
    EXPECT_EQ(d["counts"].value("failed", 0), 0) << d.dump();
    EXPECT_EQ(d["counts"].value("sent", 0), 0);
    EXPECT_EQ(d["status"], "sending");
    auto page = acme.http.get("/api/v1/dispatches/" + id + "/deliveries?limit=100").json();
    ASSERT_EQ(page["items"].size(), 30u);
    for (auto& item : page["items"]) {
        EXPECT_EQ(item["attempts"], 0) << item.dump();
        if (item["status"] == "deferred") {
            EXPECT_EQ(item["reason"], "the relay does not offer STARTTLS");
        }
    }
    EXPECT_TRUE(read_jsonl(dir.file("mail.jsonl")).empty());  // nothing went out in clear text

    // A cancelled dispatch no longer waits on the relay.
    ASSERT_EQ(acme.http.post("/api/v1/dispatches/" + id + "/cancel", nlohmann::json::object()).status, 200);
    EXPECT_TRUE(acme.http.get("/api/v1/dispatches/" + id).json()["relay_problem"].is_null());
}

}  // namespace
}  // namespace dh::test::smtp
