// The database goes away while work is in flight. An outcome: the relay accepts a message, the
// worker cannot record that, and keeps the outcome (saying so in its log and on /metrics) until the
// database is back, instead of dropping it and sending the message again once the lease expires.
// Requests: after a restart, the pool's dead idle connections never reach a client as a 503.
#include <gtest/gtest.h>

#include <atomic>
#include <fstream>
#include <map>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

#include "delivery/lease_renewal.hpp"
#include "dispatch/dispatch_fixture.hpp"
#include "harness/server.hpp"
#include "harness/wait.hpp"
#include "smtp/smtp_peers.hpp"

namespace dh::test {
namespace {

int messages_at(const smtp::TempDir& dir) {
    int n = 0;
    for (auto& e : smtp::read_jsonl(dir.file("events.jsonl")))
        if (e["event"] == "message") ++n;
    return n;
}

TEST(OutcomeOutage, AnOutcomeWaitsForTheDatabaseAndIsRecordedOnce) {
    PrivateCluster pg;
    smtp::TempDir dir;
    smtp::Peer peer({"/usr/bin/python3", smtp::tools_dir() + "/scripted_smtp.py", "--log", dir.path(), "--release",
                     dir.file("release")},
                    "READY ");
    TestServer server(
        {{"DATABASE_URL", pg.url()}, {"SMTP_URL", "smtp://127.0.0.1:" + std::to_string(peer.port()) + "?tls=none"}});
    PlatformSession platform(server);
    auto acme = platform.create_tenant("acme");
    auto vendor = acme.http.post(
        "/api/v1/vendors",
        {{"name", "Held vendor"}, {"contacts", {{{"name", "Hal"}, {"email", "held-dot@vendor.example"}}}}});
    ASSERT_EQ(vendor.status, 201) << vendor.body;
    auto created = acme.http.post(
        "/api/v1/dispatches",
        {{"subject", "Held"}, {"body_markdown", "Hello"}, {"recipients", {{"vendor_ids", {vendor.json()["id"]}}}}});
    ASSERT_EQ(created.status, 201) << created.body;

    // The whole message is at the relay, whose reply is held back; then the database crashes.
    ASSERT_TRUE(wait_until([&] { return messages_at(dir) == 1; }, std::chrono::seconds(60)));
    pg.crash_stop();
    std::ofstream(dir.file("release")) << "go";
    ASSERT_TRUE(wait_until([&] { return server.log().find("outcomes waiting") != std::string::npos; },
                           std::chrono::seconds(60)))
        << server.log();
    auto metrics = server.client().get("/metrics");
    EXPECT_NE(metrics.body.find("dispatchhub_delivery_outcomes_waiting 1"), std::string::npos) << metrics.body;

    pg.start();
    auto d = wait_for_status(acme, created.json()["id"], "completed", 120);
    ASSERT_EQ(d["status"], "completed") << d.dump() << server.log();
    EXPECT_EQ(d["counts"]["sent"], 1);
    EXPECT_NE(server.log().find("waiting outcomes recorded"), std::string::npos);
    EXPECT_EQ(server.client().get("/metrics").body.find("dispatchhub_delivery_outcomes_waiting 1"), std::string::npos);
    // Sent once, and recorded within the lease: a dropped outcome would have left the delivery
    // 'sending' until its lease (60 s) expired, and then sent it a second time.
    EXPECT_EQ(messages_at(dir), 1);
    EXPECT_EQ(run_binary({"admin", "verify-usage"}, server.env()).exit_code, 0);
}

// After a quiet database restart every idle pooled connection is dead. The first requests must not
// find that out for the client: the pool drops an idle connection whose socket the database closed,
// and a connection that breaks before the transaction's first statement is dropped and the
// transaction begun on a fresh one.
TEST(PoolHealing, RequestsAfterADatabaseRestartAnswerAtOnce) {
    PrivateCluster pg;
    TestServer server({{"DATABASE_URL", pg.url()}, {"WORKER_EMBEDDED", "0"}});
    PlatformSession platform(server);
    auto acme = platform.create_tenant("acme");
    // Several requests at once, so that the pool holds several idle connections afterwards.
    std::vector<std::thread> readers;
    std::atomic<int> ok{0};
    for (int i = 0; i < 8; ++i)
        readers.emplace_back([&, client = acme.http] {
            for (int j = 0; j < 5; ++j)
                if (client.get("/api/v1/vendors").status == 200) ++ok;
        });
    for (auto& t : readers) t.join();
    ASSERT_EQ(ok.load(), 40);

    pg.crash_restart();
    for (int i = 0; i < 20; ++i) {
        auto r = acme.http.get("/api/v1/vendors");
        ASSERT_EQ(r.status, 200) << "request " << i << " after the restart: " << r.body << server.log();
    }
    const auto log = server.log();
    EXPECT_TRUE(log.find("dropped pooled connections the database closed while idle") != std::string::npos ||
                log.find("dropped a broken pooled connection before use") != std::string::npos)
        << "the dead connections were found by the pool, not by a client";
}

// Every batch a worker has on the wire is renewed by one long-lived thread, each at its own pace,
// and a batch that is let go is not renewed again.
TEST(LeaseKeeper, OneThreadRenewsEveryHeldBatchUntilItIsLetGo) {
    TestDatabase database("lease", Schema::migrated);  // the roles a platform transaction takes
    db::Pool pool({database.conninfo(), 2});
    std::mutex mutex;
    std::set<std::thread::id> threads;
    std::map<std::string, int> renewals;
    auto renew = [&](const std::string& batch) {
        return [&, batch](db::Tx& tx) {
            tx.exec("SELECT 1 AS n");
            std::lock_guard lock(mutex);
            ++renewals[batch];
            threads.insert(std::this_thread::get_id());
        };
    };
    auto count = [&](const std::string& batch) {
        std::lock_guard lock(mutex);
        return renewals[batch];
    };
    delivery::LeaseKeeper keeper(pool, 1);  // every third of a second
    auto first = keeper.hold("worker-a", renew("first"));
    auto second = keeper.hold("worker-a", renew("second"));
    ASSERT_TRUE(wait_until([&] { return count("first") >= 2 && count("second") >= 2; }, std::chrono::seconds(30)));
    first.reset();
    const int first_at_release = count("first");
    const int second_at_release = count("second");
    ASSERT_TRUE(wait_until([&] { return count("second") >= second_at_release + 3; }, std::chrono::seconds(30)));
    EXPECT_EQ(count("first"), first_at_release) << "a batch let go is not renewed";
    std::lock_guard lock(mutex);
    EXPECT_EQ(threads.size(), 1u) << "one thread renews every batch";
}

}  // namespace
}  // namespace dh::test
