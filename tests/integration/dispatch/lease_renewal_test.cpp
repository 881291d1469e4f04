// A relay slower than the worker's lease: the worker renews the lease of the batch on the wire, so
// the delivery is not reclaimed and sent a second time while its first attempt is still pending
// (I6: only a crash may resend). Found by the SMTP fault chaos scenario ("reclaimed expired
// leases" with no process killed).
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>

#include <chrono>
#include <thread>

#include "dispatch/dispatch_fixture.hpp"
#include "harness/server.hpp"
#include "harness/wait.hpp"
#include "smtp/smtp_peers.hpp"

namespace dh::test {
namespace {

TEST(DispatchLease, SlowRelayKeepsTheLeaseAndSendsOnce) {
    smtp::TempDir dir;
    // 250 after the final dot only after 9 s: longer than the 5 s lease plus a reclaim cycle.
    smtp::Peer peer(
        {"/usr/bin/python3", smtp::tools_dir() + "/scripted_smtp.py", "--log", dir.path(), "--slow-seconds", "9"},
        "READY ");
    TestServer server({{"WORKER_EMBEDDED", "0"}, {"WORKER_LEASE_SECONDS", "5"}});
    PlatformSession platform(server);
    auto acme = platform.create_tenant("acme");
    auto vendor = acme.http.post(
        "/api/v1/vendors",
        {{"name", "Slow relay vendor"}, {"contacts", {{{"name", "Sam"}, {"email", "slow-dot@vendor.example"}}}}});
    ASSERT_EQ(vendor.status, 201) << vendor.body;
    auto created = acme.http.post(
        "/api/v1/dispatches",
        {{"subject", "Slow"}, {"body_markdown", "Hello"}, {"recipients", {{"vendor_ids", {vendor.json()["id"]}}}}});
    ASSERT_EQ(created.status, 201) << created.body;
    auto env = server.env();
    env["SMTP_URL"] = "smtp://127.0.0.1:" + std::to_string(peer.port()) + "?tls=none";
    pid_t worker = spawn({DH_BINARY, "worker"}, env, server.data_dir() + "/worker.log");
    auto d = wait_for_status(acme, created.json()["id"], "completed", 60);
    // Reclaiming expired leases is part of every housekeeping cycle: had the lease expired, a second
    // attempt would have reached the peer by now.
    EXPECT_TRUE(wait_for_worker_cycles(server, 3));
    kill(worker, SIGTERM);
    waitpid(worker, nullptr, 0);
    ASSERT_EQ(d["status"], "completed") << d.dump();
    EXPECT_EQ(d["counts"]["sent"], 1);
    int messages = 0;
    for (auto& e : smtp::read_jsonl(dir.file("events.jsonl")))
        if (e["event"] == "message") ++messages;
    EXPECT_EQ(messages, 1) << "the delivery was sent again while its first attempt was on the wire";
}

}  // namespace
}  // namespace dh::test
