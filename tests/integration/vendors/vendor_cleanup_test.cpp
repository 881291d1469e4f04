// Clean-up over the real API: soft-deleted vendors (history kept, code reusable, out of lists and
// new dispatches), deleted lists, and undo of a CSV import.
#include <gtest/gtest.h>

#include "db/connection.hpp"
#include "dispatch/dispatch_fixture.hpp"
#include "harness/server.hpp"
#include "harness/tenants.hpp"
#include "vendors/vendors_test_util.hpp"

namespace dh::test {
namespace {

struct VendorCleanup : ::testing::Test {
    TestServer server;
    PlatformSession platform{server};
    TenantSession acme = platform.create_tenant("acme");

    std::string create_vendor(const std::string& code, const std::string& email) {
        auto r = acme.http.post(
            "/api/v1/vendors",
            {{"name", "Vendor " + code}, {"code", code}, {"contacts", {{{"name", "AP " + code}, {"email", email}}}}});
        EXPECT_EQ(r.status, 201) << r.body;
        return r.json()["id"];
    }
    long long count(const std::string& sql, const db::Params& params = {}) {
        db::Connection conn(server.database().conninfo());
        return conn.exec(sql, params).integer(0, "n");
    }
};

TEST_F(VendorCleanup, DeletedVendorLeavesListsAndNewDispatchesButKeepsItsHistory) {
    auto gone = create_vendor("K1", "ap@k1.example");
    auto kept = create_vendor("K2", "ap@k2.example");
    auto list = acme.http.post("/api/v1/lists", {{"name", "carriers"}}).json()["id"].get<std::string>();
    ASSERT_EQ(acme.http.post("/api/v1/lists/" + list + "/members", {{"vendor_ids", {gone, kept}}}).status, 200);

    auto before = acme.http.post("/api/v1/dispatches", dispatch_body(list, "Before {{vendor.name}}"));
    ASSERT_EQ(before.status, 201) << before.body;
    std::string before_id = before.json()["id"];
    ASSERT_EQ(wait_for_status(acme, before_id, "completed")["status"], "completed");

    ASSERT_EQ(acme.http.del("/api/v1/vendors/" + gone).status, 204);
    EXPECT_EQ(acme.http.get("/api/v1/vendors/" + gone).status, 404);
    EXPECT_EQ(acme.http.del("/api/v1/vendors/" + gone).status, 404);
    auto listed = acme.http.get("/api/v1/vendors").json();
    ASSERT_EQ(listed["items"].size(), 1u);
    EXPECT_EQ(listed["items"][0]["id"], kept);
    EXPECT_EQ(acme.http.get("/api/v1/vendors?q=k1.example").json()["items"].size(), 0u);
    auto members = acme.http.get("/api/v1/vendors?list_id=" + list).json();
    ASSERT_EQ(members["items"].size(), 1u) << members.dump();
    EXPECT_EQ(members["items"][0]["id"], kept);

    // Earlier deliveries still name the deleted vendor and its address.
    auto history = acme.http.get("/api/v1/dispatches/" + before_id + "/deliveries").json();
    ASSERT_EQ(history["items"].size(), 2u) << history.dump();
    bool found = false;
    for (auto& d : history["items"])
        if (d["email"] == "ap@k1.example") found = d["vendor_name"] == "Vendor K1";
    EXPECT_TRUE(found) << history.dump();

    // New dispatches: not through the list, and not by id either.
    auto after = acme.http.post("/api/v1/dispatches", dispatch_body(list, "After {{vendor.name}}"));
    ASSERT_EQ(after.status, 201) << after.body;
    EXPECT_EQ(after.json()["recipients_total"], 1);
    auto by_id = acme.http.post("/api/v1/dispatches",
                                {{"subject", "x"}, {"body_markdown", "x"}, {"recipients", {{"vendor_ids", {gone}}}}});
    EXPECT_EQ(by_id.status, 422);
    EXPECT_EQ(by_id.json().value("field", ""), "recipients.vendor_ids");
    EXPECT_EQ(acme.http.post("/api/v1/lists/" + list + "/members", {{"vendor_ids", {gone}}}).status, 422);

    // The code is free again, and the deleted vendor no longer counts toward the plan's limit.
    auto again = acme.http.post("/api/v1/vendors", {{"name", "New K1"}, {"code", "K1"}});
    EXPECT_EQ(again.status, 201) << again.body;
    EXPECT_EQ(count("SELECT count(*) AS n FROM audit_log WHERE action = 'vendor.deleted' AND target_id = $1", {gone}),
              1);
    EXPECT_EQ(
        count(
            "SELECT count(*) AS n FROM vendors WHERE id = $1::uuid AND deleted_at IS NOT NULL AND deleted_code = 'K1'",
            {gone}),
        1);
}

TEST_F(VendorCleanup, ListDeleteAnswers204AndKeepsTheVendors) {
    auto v = create_vendor("L1", "ap@l1.example");
    auto list = acme.http.post("/api/v1/lists", {{"name", "temp"}}).json()["id"].get<std::string>();
    ASSERT_EQ(acme.http.post("/api/v1/lists/" + list + "/members", {{"vendor_ids", {v}}}).status, 200);
    EXPECT_EQ(acme.http.del("/api/v1/lists/" + list).status, 204);
    EXPECT_EQ(acme.http.get("/api/v1/lists/" + list).status, 404);
    EXPECT_EQ(acme.http.get("/api/v1/vendors/" + v).status, 200);
}

TEST_F(VendorCleanup, UndoRemovesWhatTheImportCreatedAndRevertsWhatItUpdated) {
    auto existing = acme.http.post("/api/v1/vendors",
                                   {{"name", "Old Name"},
                                    {"code", "U1"},
                                    {"category", "metals"},
                                    {"contacts", {{{"name", "Ann"}, {"email", "ann@u1.example"}, {"role", "ap"}}}}});
    ASSERT_EQ(existing.status, 201);
    std::string existing_id = existing.json()["id"];
    std::string csv =
        "code,name,email,contact_name,role,category,list\r\n"
        "U1,New Name,new@u1.example,Neo,ops,plastics,imported\r\n"
        "U2,Fresh One,ap@u2.example,Fay,ap,,imported\r\n"
        "U3,Fresh Two,ap@u3.example,Finn,ap,,imported\r\n";
    auto imported = import_csv(acme.http, csv);
    ASSERT_EQ(imported.status, 200) << imported.body;
    EXPECT_EQ(imported.json()["vendors_created"], 2);
    EXPECT_EQ(imported.json()["vendors_updated"], 1);
    std::string import_id = imported.json()["id"];
    ASSERT_EQ(acme.http.get("/api/v1/vendors/" + existing_id).json()["name"], "New Name");

    auto undone = acme.http.del("/api/v1/imports/" + import_id);
    ASSERT_EQ(undone.status, 202) << undone.body;
    EXPECT_EQ(acme.http.get("/api/v1/imports/" + import_id).json()["status"], "undone");

    EXPECT_EQ(acme.http.get("/api/v1/vendors?q=Fresh").json()["items"].size(), 0u);
    auto v = acme.http.get("/api/v1/vendors/" + existing_id).json();
    EXPECT_EQ(v["name"], "Old Name");
    EXPECT_EQ(v["category"], "metals");
    ASSERT_EQ(v["contacts"].size(), 1u) << v.dump();
    EXPECT_EQ(v["contacts"][0]["email"], "ann@u1.example");
    EXPECT_EQ(v["contacts"][0]["role"], "ap");
    EXPECT_EQ(v["contacts"][0]["primary"], true);
    EXPECT_EQ(v["lists"].size(), 0u) << v.dump();
    // The codes of the removed vendors can be imported again; a second undo changes nothing.
    EXPECT_EQ(acme.http.del("/api/v1/imports/" + import_id).status, 202);
    EXPECT_EQ(acme.http.post("/api/v1/vendors", {{"name", "Fresh One again"}, {"code", "U2"}}).status, 201);
    EXPECT_EQ(count("SELECT count(*) AS n FROM audit_log WHERE action = 'vendor.import_undone' AND target_id = $1",
                    {import_id}),
              1);
}

TEST_F(VendorCleanup, UndoIsRefusedWhileTheImportRunsAndAfterTheWindow) {
    auto imported = import_csv(acme.http, "code,name,email\r\nR1,Run One,ap@r1.example\r\n");
    ASSERT_EQ(imported.status, 200) << imported.body;
    std::string import_id = imported.json()["id"];
    db::Connection conn(server.database().conninfo());
    conn.exec("UPDATE import_jobs SET status = 'running', heartbeat_at = now() WHERE id = $1::uuid", {import_id});
    auto running = acme.http.del("/api/v1/imports/" + import_id);
    EXPECT_EQ(running.status, 409);
    EXPECT_EQ(running.json().value("code", ""), "import_running");
    conn.exec(
        "UPDATE import_jobs SET status = 'completed', finished_at = now() - interval '8 days' WHERE id = $1::uuid",
        {import_id});
    auto late = acme.http.del("/api/v1/imports/" + import_id);
    EXPECT_EQ(late.status, 409);
    EXPECT_EQ(late.json().value("code", ""), "undo_window_passed");
    EXPECT_EQ(acme.http.get("/api/v1/vendors?q=r1.example").json()["items"].size(), 1u);
    auto other = platform.create_tenant("globex");
    EXPECT_EQ(other.http.del("/api/v1/imports/" + import_id).status, 404);
}

}  // namespace
}  // namespace dh::test
