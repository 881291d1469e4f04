// Dispatches end to end on the capture transport, against the real server and database.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>

#include <fstream>
#include <future>
#include <set>

#include "db/connection.hpp"
#include "dispatch/dispatch_fixture.hpp"
#include "harness/wait.hpp"

namespace dh::test {
namespace {

using namespace std::chrono_literals;

struct Dispatches : ::testing::Test {
    TestServer server;
    PlatformSession platform{server};
    TenantSession acme = platform.create_tenant("acme");
    TenantSession globex = platform.create_tenant("globex");
    std::string outbox() const { return server.data_dir() + "/outbox"; }
    int verify_usage() { return run_binary({"admin", "verify-usage"}, server.env()).exit_code; }
    /// Deliveries of the dispatch claimed by a worker and not yet recorded (read as the platform,
    /// so that it also works for a suspended tenant whose users get 403).
    long long in_flight(const std::string& dispatch_id) const {
        db::Connection conn(server.database().conninfo());
        return conn
            .exec("SELECT count(*) AS n FROM deliveries WHERE dispatch_id = $1::uuid AND status = 'sending'",
                  {dispatch_id})
            .integer(0, "n");
    }
    /// After a pause or cancel: a batch claimed just before it still goes out, and a claim that read
    /// the dispatch just before it may commit just after it. Returns once the worker has had two
    /// more cycles and nothing of the dispatch is in flight.
    void wait_until_settled(const std::string& dispatch_id) {
        ASSERT_TRUE(wait_for_worker_cycles(server, 2));
        ASSERT_TRUE(wait_until([&] { return in_flight(dispatch_id) == 0; }, 60s));
    }
};

TEST_F(Dispatches, EveryRecipientCapturedOnceMimeCleanAndCounted) {
    auto list = import_vendors(acme, 300);
    auto created = acme.http.post("/api/v1/dispatches", dispatch_body(list));
    ASSERT_EQ(created.status, 201) << created.body;
    EXPECT_EQ(created.json()["recipients_total"], 300);
    auto d = wait_for_status(acme, created.json()["id"], "completed");
    ASSERT_EQ(d["status"], "completed") << d.dump();
    EXPECT_EQ(d["counts"]["sent"], 300);
    EXPECT_EQ(d["progress"], 1.0);
    auto check = std::string("/usr/bin/python3 ") + DH_SOURCE_DIR + "/tests/tools/check_outbox.py " + outbox() +
                 " 300 'Payment run for ' > " + server.data_dir() + "/check.txt 2>&1";
    EXPECT_EQ(std::system(check.c_str()), 0) << std::ifstream(server.data_dir() + "/check.txt").rdbuf();
    auto usage = acme.http.get("/api/v1/usage").json();
    EXPECT_EQ(usage["sent"], 300);
    EXPECT_EQ(usage["reserved"], 0);
    EXPECT_EQ(verify_usage(), 0);
    auto page =
        acme.http.get("/api/v1/dispatches/" + d["id"].get<std::string>() + "/deliveries?limit=100&status=sent").json();
    EXPECT_EQ(page["items"].size(), 100u);
    EXPECT_TRUE(page["next_cursor"].is_string());
}

TEST_F(Dispatches, ConcurrentRequestsWithOneIdempotencyKeyCreateOneDispatch) {
    auto list = import_vendors(acme, 5);
    auto body = dispatch_body(list).dump();
    std::vector<std::future<HttpResponse>> calls;
    for (int i = 0; i < 30; ++i)
        calls.push_back(std::async(std::launch::async, [&] {
            return acme.http.request("POST", "/api/v1/dispatches", body, {{"Idempotency-Key", "same-key-1"}});
        }));
    std::set<std::string> ids;
    for (auto& c : calls) {
        auto r = c.get();
        ASSERT_TRUE(r.status == 200 || r.status == 201) << r.status << " " << r.body;
        ids.insert(r.json()["id"].get<std::string>());
    }
    EXPECT_EQ(ids.size(), 1u);
    auto other = dispatch_body(list, "Another subject");
    EXPECT_EQ(acme.http.request("POST", "/api/v1/dispatches", other.dump(), {{"Idempotency-Key", "same-key-1"}}).status,
              409);
    auto usage = acme.http.get("/api/v1/usage").json();  // one read: the worker moves reserved to sent meanwhile
    EXPECT_EQ(usage["sent"].get<long>() + usage["reserved"].get<long>(), 5) << usage.dump();
}

TEST_F(Dispatches, QuotaHoldsUnderConcurrentCreation) {
    ASSERT_EQ(platform.root()
                  .patch("/api/v1/admin/tenants/" + acme.id, {{"limit_overrides", {{"emails_per_period", 50}}}})
                  .status,
              200);
    import_vendors(acme, 10);
    auto vendors = acme.http.get("/api/v1/vendors?limit=10").json();
    nlohmann::json ids = nlohmann::json::array();
    for (auto& v : vendors["items"]) ids.push_back(v["id"]);
    nlohmann::json body = {{"subject", "c"}, {"body_markdown", "x"}, {"recipients", {{"vendor_ids", ids}}}};
    std::vector<std::future<long>> calls;
    for (int i = 0; i < 12; ++i)
        calls.push_back(
            std::async(std::launch::async, [&] { return acme.http.post("/api/v1/dispatches", body).status; }));
    int ok = 0, refused = 0;
    for (auto& c : calls) {
        auto s = c.get();
        ok += s == 201;
        refused += s == 422;
    }
    EXPECT_EQ(ok, 5);
    EXPECT_EQ(refused, 7);
    auto over = acme.http.post("/api/v1/dispatches", body);
    EXPECT_EQ(over.json()["code"], "quota_exceeded");
    EXPECT_EQ(over.json()["remaining"], 0);
    auto u = acme.http.get("/api/v1/usage").json();
    EXPECT_LE(u["sent"].get<long>() + u["reserved"].get<long>(), 50);
    wait_until([&] { return acme.http.get("/api/v1/usage").json()["reserved"] == 0; }, 60s);
    EXPECT_EQ(acme.http.get("/api/v1/usage").json()["sent"], 50);
    EXPECT_EQ(verify_usage(), 0);
}

TEST_F(Dispatches, BadInputIsRefusedAndChangesNothing) {
    auto list = import_vendors(acme, 3);
    auto injected = acme.http.post("/api/v1/dispatches", dispatch_body(list, "Bad\r\nBcc: evil@x.example"));
    EXPECT_EQ(injected.status, 422);
    auto unknown = acme.http.post("/api/v1/dispatches", dispatch_body(list, "Hi {{vendor.nonexistent}}"));
    EXPECT_EQ(unknown.status, 422);
    EXPECT_EQ(unknown.json()["code"], "unknown_merge_field");
    auto missing = acme.http.post("/api/v1/dispatches", dispatch_body(list, "PO {{vendor.custom.po_number}}"));
    EXPECT_EQ(missing.status, 422);
    EXPECT_EQ(missing.json()["code"], "missing_merge_value");
    EXPECT_NE(missing.json()["detail"].get<std::string>().find("Vendor"), std::string::npos) << "names the recipient";
    auto no_body = acme.http.post("/api/v1/dispatches", {{"subject", "x"}, {"recipients", {{"list_ids", {list}}}}});
    EXPECT_EQ(no_body.status, 422);
    EXPECT_EQ(acme.http.post("/api/v1/dispatches", dispatch_body(globex.id)).status, 422) << "unknown list";
    auto list_page = acme.http.get("/api/v1/dispatches").json();
    EXPECT_EQ(list_page["items"].size(), 0u);
    auto u = acme.http.get("/api/v1/usage").json();
    EXPECT_EQ(u["reserved"], 0);
}

// The fan-out statement checks merge values over the recipients it resolves: the one without a
// value is named, and a suppressed recipient (never mailed) needs none.
TEST_F(Dispatches, MissingMergeValueNamesTheRecipientUnlessSuppressed) {
    std::string csv =
        "code,name,email,contact_name,role,list\r\n"
        "A1,Alpha,ap@alpha.example,Ann,ap,everyone\r\n"
        "B2,Bravo,ap@bravo.example,,ap,everyone\r\n"
        "C3,Charlie,ap@charlie.example,Cid,ap,everyone\r\n";
    auto list = import_csv(acme, csv);

    auto missing = acme.http.post("/api/v1/dispatches", dispatch_body(list, "Hello {{vendor.code}}"));
    ASSERT_EQ(missing.status, 422) << missing.body;
    EXPECT_EQ(missing.json()["code"], "missing_merge_value");
    EXPECT_EQ(missing.json()["field"], "contact.name");
    EXPECT_EQ(missing.json()["recipient"], "Bravo <ap@bravo.example>");
    EXPECT_EQ(acme.http.get("/api/v1/dispatches").json()["items"].size(), 0u) << "nothing was created";

    ASSERT_EQ(acme.http.post("/api/v1/suppressions", {{"address", "ap@bravo.example"}, {"reason", "manual"}}).status,
              201);
    auto created = acme.http.post("/api/v1/dispatches", dispatch_body(list, "Hello {{vendor.code}}"));
    ASSERT_EQ(created.status, 201) << created.body;
    EXPECT_EQ(created.json()["counts"]["queued"], 2);
    EXPECT_EQ(created.json()["counts"]["suppressed"], 1);
}

TEST_F(Dispatches, OtherTenantsSeeNothing) {
    auto list = import_vendors(acme, 2);
    auto id = acme.http.post("/api/v1/dispatches", dispatch_body(list)).json()["id"].get<std::string>();
    EXPECT_EQ(globex.http.get("/api/v1/dispatches/" + id).status, 404);
    EXPECT_EQ(globex.http.get("/api/v1/dispatches/" + id + "/deliveries").status, 404);
    for (auto action : {"pause", "resume", "cancel", "retry-failed"})
        EXPECT_EQ(globex.http.post("/api/v1/dispatches/" + id + "/" + action, nlohmann::json::object()).status, 404)
            << action;
    EXPECT_EQ(globex.http.get("/api/v1/dispatches").json()["items"].size(), 0u);
    EXPECT_EQ(globex.http.post("/api/v1/dispatches", dispatch_body(list)).status, 422)
        << "tenant A's list is unknown to B";
    auto file = acme.http.request("POST", "/api/v1/attachments?filename=po.pdf", "%PDF-1.4 test",
                                  {{"Content-Type", "application/pdf"}});
    ASSERT_EQ(file.status, 201) << file.body;
    EXPECT_EQ(file.json()["content_type"], "application/pdf");
    auto fid = file.json()["id"].get<std::string>();
    EXPECT_EQ(globex.http.get("/api/v1/attachments/" + fid).status, 404);
    auto body = dispatch_body(list);
    body["attachment_ids"] = {fid};
    EXPECT_EQ(globex.http.post("/api/v1/dispatches", body).status, 422);
}

TEST_F(Dispatches, SuppressedAddressesAreNeverMailed) {
    auto list = import_vendors(acme, 4);
    ASSERT_EQ(acme.http.post("/api/v1/suppressions", {{"address", "ap2@vendor2.example"}, {"reason", "manual"}}).status,
              201);
    auto id = acme.http.post("/api/v1/dispatches", dispatch_body(list)).json()["id"].get<std::string>();
    auto d = wait_for_status(acme, id, "completed");
    EXPECT_EQ(d["counts"]["sent"], 3);
    EXPECT_EQ(d["counts"]["suppressed"], 1);
    EXPECT_EQ(count_files(outbox()), 3);
    auto s = acme.http.get("/api/v1/dispatches/" + id + "/deliveries?status=suppressed").json();
    ASSERT_EQ(s["items"].size(), 1u);
    EXPECT_FALSE(s["items"][0]["reason"].get<std::string>().empty());
    EXPECT_EQ(verify_usage(), 0);
}

TEST_F(Dispatches, AttachmentsArriveWithEveryMessage) {
    auto list = import_vendors(acme, 2);
    auto file = acme.http.request("POST", "/api/v1/attachments?filename=terms.txt", "Payment terms: 30 days.\n",
                                  {{"Content-Type", "text/plain"}});
    ASSERT_EQ(file.status, 201);
    auto body = dispatch_body(list);
    body["attachment_ids"] = {file.json()["id"]};
    auto id = acme.http.post("/api/v1/dispatches", body).json()["id"].get<std::string>();
    ASSERT_EQ(wait_for_status(acme, id, "completed")["counts"]["sent"], 2);
    for (auto& e : std::filesystem::directory_iterator(outbox())) {
        if (e.path().extension() != ".eml") continue;  // a message being written is a hidden .tmp
        std::ifstream in(e.path());
        std::stringstream ss;
        ss << in.rdbuf();
        EXPECT_NE(ss.str().find("terms.txt"), std::string::npos);
    }
}

TEST_F(Dispatches, RecipientAttachmentsGoOnlyToTheirVendor) {
    auto list = import_vendors(acme, 3);  // vendor codes V0, V1, V2
    auto upload = [&](TenantSession& t, const std::string& name, const std::string& content) {
        auto r =
            t.http.request("POST", "/api/v1/attachments?filename=" + name, content, {{"Content-Type", "text/plain"}});
        EXPECT_EQ(r.status, 201) << r.body;
        return r.json()["id"].get<std::string>();
    };
    auto terms = upload(acme, "terms.txt", "Payment terms: 30 days.\n");
    auto po0 = upload(acme, "V0_po.txt", "Purchase order for vendor zero\n");
    auto po1 = upload(acme, "order-for-one.txt", "Purchase order for vendor one\n");
    auto body = dispatch_body(list);
    body["attachment_ids"] = {terms};
    body["recipient_attachments"] = {{{"attachment_id", po0}}, {{"attachment_id", po1}, {"vendor_code", "V1"}}};
    auto created = acme.http.post("/api/v1/dispatches", body);
    ASSERT_EQ(created.status, 201) << created.body;
    auto listed = created.json()["recipient_attachments"];
    ASSERT_EQ(listed.size(), 2u) << listed.dump();
    EXPECT_EQ(listed[0]["vendor_code"], "V0");
    EXPECT_EQ(listed[0]["filename"], "V0_po.txt");
    EXPECT_EQ(listed[1]["vendor_code"], "V1");
    auto d = wait_for_status(acme, created.json()["id"], "completed");
    ASSERT_EQ(d["counts"]["sent"], 3) << d.dump();

    int seen = 0;
    for (auto& e : std::filesystem::directory_iterator(outbox())) {
        if (e.path().extension() != ".eml") continue;  // a message being written is a hidden .tmp
        std::ifstream in(e.path());
        std::stringstream ss;
        ss << in.rdbuf();
        auto mail = ss.str();
        EXPECT_NE(mail.find("terms.txt"), std::string::npos) << "the shared file goes to everyone";
        bool to0 = mail.find("ap0@vendor0.example") != std::string::npos;
        bool to1 = mail.find("ap1@vendor1.example") != std::string::npos;
        EXPECT_EQ(mail.find("V0_po.txt") != std::string::npos, to0) << e.path();
        EXPECT_EQ(mail.find("order-for-one.txt") != std::string::npos, to1) << e.path();
        ++seen;
    }
    EXPECT_EQ(seen, 3);

    // Refusals name the item and change nothing.
    auto usage_before = acme.http.get("/api/v1/usage").json();
    auto refused = [&](TenantSession& t, nlohmann::json b, const std::string& expected) {
        auto r = t.http.post("/api/v1/dispatches", b);
        EXPECT_EQ(r.status, 422) << r.body;
        EXPECT_NE(r.body.find(expected), std::string::npos) << r.body;
    };
    body["recipient_attachments"] = {{{"attachment_id", po0}, {"vendor_code", "NOPE"}}};
    refused(acme, body, "no vendor has the code NOPE");
    auto vendors = acme.http.get("/api/v1/vendors?q=Vendor%202").json();
    ASSERT_EQ(vendors["items"].size(), 1u);
    auto only_v2 = dispatch_body(list);
    only_v2["recipients"] = {{"vendor_ids", {vendors["items"][0]["id"]}}};
    only_v2["recipient_attachments"] = {{{"attachment_id", po0}}};
    refused(acme, only_v2, "vendor V0 is not a recipient of this dispatch");
    body["recipient_attachments"] = {{{"attachment_id", "00000000-0000-4000-8000-000000000000"}}};
    refused(acme, body, "recipient_attachments[0].attachment_id");
    auto globex_list = import_vendors(globex, 1);
    auto globex_body = dispatch_body(globex_list);
    globex_body["recipient_attachments"] = {{{"attachment_id", po0}}};  // acme's file
    refused(globex, globex_body, "no such attachment");
    EXPECT_EQ(acme.http.get("/api/v1/usage").json(), usage_before);
    EXPECT_EQ(verify_usage(), 0);
}

TEST_F(Dispatches, CancelReleasesTheReservationAndPauseHolds) {
    ASSERT_EQ(platform.root()
                  .patch("/api/v1/admin/tenants/" + acme.id, {{"limit_overrides", {{"send_rate_per_second", 5}}}})
                  .status,
              200);
    auto list = import_vendors(acme, 60);
    auto id = acme.http.post("/api/v1/dispatches", dispatch_body(list)).json()["id"].get<std::string>();
    ASSERT_EQ(acme.http.post("/api/v1/dispatches/" + id + "/pause", nlohmann::json::object()).status, 200);
    wait_until_settled(id);
    auto paused_at = count_files(outbox());
    ASSERT_TRUE(wait_for_worker_cycles(server, 2));
    EXPECT_EQ(count_files(outbox()), paused_at) << "nothing sent while paused";
    ASSERT_EQ(acme.http.post("/api/v1/dispatches/" + id + "/resume", nlohmann::json::object()).status, 200);
    ASSERT_TRUE(wait_until([&] { return count_files(outbox()) > paused_at; }, 20s)) << "sending again after resume";
    auto c = acme.http.post("/api/v1/dispatches/" + id + "/cancel", nlohmann::json::object());
    ASSERT_EQ(c.status, 200);
    EXPECT_EQ(c.json()["status"], "cancelled");
    wait_until_settled(id);
    auto d = acme.http.get("/api/v1/dispatches/" + id).json();
    EXPECT_GT(d["counts"]["cancelled"].get<long>(), 0);
    EXPECT_EQ(d["counts"]["sent"].get<long>() + d["counts"]["cancelled"].get<long>(), 60);
    auto u = acme.http.get("/api/v1/usage").json();
    EXPECT_EQ(u["reserved"], 0);
    EXPECT_EQ(u["sent"], d["counts"]["sent"]);
    EXPECT_EQ(verify_usage(), 0);
}

TEST_F(Dispatches, APausedDispatchDoesNotHoldBackTheTenantsNextOne) {
    ASSERT_EQ(platform.root()
                  .patch("/api/v1/admin/tenants/" + acme.id, {{"limit_overrides", {{"send_rate_per_second", 10}}}})
                  .status,
              200);
    auto list = import_vendors(acme, 200);
    auto big = acme.http.post("/api/v1/dispatches", dispatch_body(list)).json()["id"].get<std::string>();
    ASSERT_EQ(acme.http.post("/api/v1/dispatches/" + big + "/pause", nlohmann::json::object()).status, 200);
    auto vendors = acme.http.get("/api/v1/vendors?limit=3").json();
    nlohmann::json ids = nlohmann::json::array();
    for (auto& v : vendors["items"]) ids.push_back(v["id"]);
    auto small = acme.http.post("/api/v1/dispatches",
                                {{"subject", "Small"}, {"body_markdown", "x"}, {"recipients", {{"vendor_ids", ids}}}});
    ASSERT_EQ(small.status, 201) << small.body;
    wait_until_settled(big);
    auto paused = acme.http.get("/api/v1/dispatches/" + big).json();
    auto paused_sent = paused["counts"]["sent"].get<long>();
    auto d = wait_for_status(acme, small.json()["id"], "completed", 20);
    EXPECT_EQ(d["status"], "completed") << d.dump();
    EXPECT_EQ(d["counts"]["sent"], 3);
    auto b = acme.http.get("/api/v1/dispatches/" + big).json();
    EXPECT_EQ(b["status"], "paused");
    EXPECT_EQ(b["counts"]["sent"].get<long>(), paused_sent) << "the paused dispatch sent nothing meanwhile";
    EXPECT_EQ(verify_usage(), 0);
}

TEST_F(Dispatches, SuspensionMidDispatchStopsSending) {
    ASSERT_EQ(platform.root()
                  .patch("/api/v1/admin/tenants/" + acme.id, {{"limit_overrides", {{"send_rate_per_second", 20}}}})
                  .status,
              200);
    auto list = import_vendors(acme, 200);
    auto id = acme.http.post("/api/v1/dispatches", dispatch_body(list)).json()["id"].get<std::string>();
    ASSERT_TRUE(wait_until([&] { return count_files(outbox()) > 0; }, 20s)) << "sending has begun";
    ASSERT_EQ(platform.root().post("/api/v1/admin/tenants/" + acme.id + "/suspend", {{"reason", "test"}}).status, 200);
    auto at_suspension = count_files(outbox());
    ASSERT_TRUE(wait_until([&] { return in_flight(id) == 0; }, 20s)) << "the batch on the wire ends";
    auto later = count_files(outbox());
    EXPECT_LE(later - at_suspension, 100) << "at most the batch on the wire";
    ASSERT_TRUE(wait_for_worker_cycles(server, 2));
    EXPECT_EQ(count_files(outbox()), later) << "nothing more after suspension";
    EXPECT_LT(later, 200);
    EXPECT_EQ(verify_usage(), 0);
}

/// Invariant I3/I6: a worker killed with SIGKILL mid-dispatch; its leases are taken over after
/// expiry by the next worker; every delivery ends terminal, usage equals the sent count, and
/// duplicates come only from the batch that was in flight.
TEST(DispatchCrash, KilledWorkerLosesNothingAndCountsOnce) {
    TestServer server({{"WORKER_EMBEDDED", "0"}, {"WORKER_LEASE_SECONDS", "5"}});
    PlatformSession platform(server);
    auto acme = platform.create_tenant("acme");
    ASSERT_EQ(platform.root()
                  .patch("/api/v1/admin/tenants/" + acme.id, {{"limit_overrides", {{"send_rate_per_second", 200}}}})
                  .status,
              200);
    auto list = import_vendors(acme, 1000);
    auto id = acme.http.post("/api/v1/dispatches", dispatch_body(list)).json()["id"].get<std::string>();
    auto env = server.env();
    auto outbox = server.data_dir() + "/outbox";
    pid_t worker = spawn({DH_BINARY, "worker"}, env, server.data_dir() + "/worker1.log");
    // Killed mid-dispatch: once a part is out, however long a loaded machine takes to get there.
    EXPECT_TRUE(wait_until([&] { return count_files(outbox) >= 100; }, 120s)) << "the worker never started sending";
    kill(worker, SIGKILL);
    waitpid(worker, nullptr, 0);
    auto at_kill = count_files(outbox);
    EXPECT_GT(at_kill, 0);
    EXPECT_LT(at_kill, 1000) << "the kill came too late to test anything";
    worker = spawn({DH_BINARY, "worker"}, env, server.data_dir() + "/worker2.log");
    auto d = wait_for_status(acme, id, "completed", 120);
    kill(worker, SIGTERM);
    waitpid(worker, nullptr, 0);
    ASSERT_EQ(d["status"], "completed") << d.dump();
    EXPECT_EQ(d["counts"]["sent"], 1000);
    EXPECT_EQ(count_files(outbox), 1000) << "capture files are keyed by delivery: a resend replaces, never adds";
    EXPECT_EQ(acme.http.get("/api/v1/usage").json()["sent"], 1000);
    EXPECT_EQ(run_binary({"admin", "verify-usage"}, env).exit_code, 0);
}

}  // namespace
}  // namespace dh::test
