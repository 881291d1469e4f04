// A dispatch's per-status counts are summed from the delta rows the triggers on deliveries write
// (migration 0026), not counted over its deliveries: they must equal those deliveries after every
// kind of change, the worker's housekeeping folds them, and admin verify-usage finds a drift.
#include <gtest/gtest.h>

#include "db/connection.hpp"
#include "dispatch/dispatch_fixture.hpp"
#include "harness/wait.hpp"

namespace dh::test {
namespace {

using namespace std::chrono_literals;

struct DispatchCounts : ::testing::Test {
    TestServer server;
    PlatformSession platform{server};
    TenantSession acme = platform.create_tenant("acme");

    db::Connection owner() const { return db::Connection(server.database().conninfo()); }
    /// The dispatch's statuses counted over its deliveries, as the API spells its counts.
    nlohmann::json counted_over_deliveries(const std::string& id) const {
        auto r = owner().exec(
            "SELECT coalesce(jsonb_object_agg(status, n), '{}')::text AS j FROM "
            "(SELECT status, count(*) AS n FROM deliveries WHERE dispatch_id = $1::uuid GROUP BY status) s",
            {id});
        return nlohmann::json::parse(r.text(0, "j"));
    }
    long long delta_rows(const std::string& id) const {
        return owner()
            .exec("SELECT count(*) AS n FROM dispatch_status_counts WHERE dispatch_id = $1::uuid", {id})
            .integer(0, "n");
    }
    /// The API's counts, without the statuses it answers as 0.
    nlohmann::json api_counts(const std::string& id) {
        auto all = acme.http.get("/api/v1/dispatches/" + id).json()["counts"];
        nlohmann::json some = nlohmann::json::object();
        for (auto& [status, n] : all.items())
            if (n != 0) some[status] = n;
        return some;
    }
    /// A dispatch to `vendors` new vendors; `scheduled`: for a time that never comes in a test, so
    /// that no worker touches it. Returns its id.
    std::string create_dispatch(int vendors, bool scheduled) {
        auto body = dispatch_body(import_vendors(acme, vendors));
        if (scheduled) body["send_at"] = "2999-01-01T09:00:00Z";
        auto created = acme.http.post("/api/v1/dispatches", body);
        if (created.status != 201) throw std::runtime_error("dispatch creation -> " + created.body);
        return created.json()["id"];
    }
    CommandResult verify_usage() { return run_binary({"admin", "verify-usage"}, server.env()); }
};

TEST_F(DispatchCounts, CountsEqualTheDeliveriesThroughSendingCancellingAndRetrying) {
    auto list = import_vendors(acme, 120);
    auto created = acme.http.post("/api/v1/dispatches", dispatch_body(list));
    ASSERT_EQ(created.status, 201) << created.body;
    std::string id = created.json()["id"];
    auto done = wait_for_status(acme, id, "completed");
    ASSERT_EQ(done["status"], "completed") << done.dump();
    EXPECT_EQ(api_counts(id), nlohmann::json({{"sent", 120}}));
    EXPECT_EQ(api_counts(id), counted_over_deliveries(id));

    // Failed recipients retried: seven sent rows become what a hard refusal leaves (failed, not
    // counted in usage), then the retry puts them back in the queue and the worker sends them again.
    auto conn = owner();
    conn.exec("BEGIN");
    conn.exec(
        "UPDATE deliveries SET status = 'failed', counted = false WHERE id IN (SELECT id FROM deliveries "
        "WHERE dispatch_id = $1::uuid ORDER BY email LIMIT 7)",
        {id});
    conn.exec("UPDATE usage_periods SET sent = sent - 7 WHERE tenant_id = $1::uuid", {acme.id});
    conn.exec("COMMIT");
    EXPECT_EQ(api_counts(id), nlohmann::json({{"failed", 7}, {"sent", 113}}));
    auto retried = acme.http.post("/api/v1/dispatches/" + id + "/retry-failed", nlohmann::json::object());
    ASSERT_EQ(retried.status, 200) << retried.body;
    ASSERT_TRUE(wait_until(
        [&] {
            return api_counts(id) == nlohmann::json({{"sent", 120}});
        },
        60s))
        << api_counts(id).dump();
    EXPECT_EQ(api_counts(id), counted_over_deliveries(id));

    // A scheduled dispatch cancelled before its time: every recipient moves to cancelled.
    auto later = dispatch_body(list);
    later["send_at"] = "2999-01-01T09:00:00Z";
    auto scheduled = acme.http.post("/api/v1/dispatches", later);
    ASSERT_EQ(scheduled.status, 201) << scheduled.body;
    std::string sid = scheduled.json()["id"];
    EXPECT_EQ(api_counts(sid), nlohmann::json({{"queued", 120}}));
    ASSERT_EQ(acme.http.post("/api/v1/dispatches/" + sid + "/cancel", nlohmann::json::object()).status, 200);
    EXPECT_EQ(api_counts(sid), nlohmann::json({{"cancelled", 120}}));
    EXPECT_EQ(api_counts(sid), counted_over_deliveries(sid));

    auto verified = verify_usage();
    EXPECT_EQ(verified.exit_code, 0) << verified.output;
    EXPECT_NE(verified.output.find("dispatch counts verified"), std::string::npos) << verified.output;
}

TEST_F(DispatchCounts, HousekeepingFoldsPiledUpRowsWithoutChangingTheCounts) {
    auto id = create_dispatch(30, true);
    // 40 statements that each move one delivery away from queued and back: 80 delta rows.
    auto conn = owner();
    for (int i = 0; i < 40; ++i) {
        conn.exec(
            "UPDATE deliveries SET status = 'deferred' WHERE id = (SELECT id FROM deliveries "
            "WHERE dispatch_id = $1::uuid ORDER BY email LIMIT 1)",
            {id});
        conn.exec("UPDATE deliveries SET status = 'queued' WHERE dispatch_id = $1::uuid AND status = 'deferred'", {id});
    }
    ASSERT_GT(delta_rows(id), 80);
    ASSERT_TRUE(wait_until([&] { return delta_rows(id) <= 1; }, 60s)) << delta_rows(id);
    EXPECT_EQ(api_counts(id), nlohmann::json({{"queued", 30}}));
    EXPECT_EQ(api_counts(id), counted_over_deliveries(id));
}

TEST_F(DispatchCounts, DeletedDeliveriesAndDispatchesTakeTheirCountsWithThem) {
    auto id = create_dispatch(10, true);
    owner().exec(
        "DELETE FROM deliveries WHERE id IN (SELECT id FROM deliveries WHERE dispatch_id = $1::uuid "
        "ORDER BY email LIMIT 4)",
        {id});
    EXPECT_EQ(api_counts(id), nlohmann::json({{"queued", 6}}));
    // The dispatch's deliveries go with it (ON DELETE CASCADE): their rows are not counted down
    // against a dispatch that is gone, and its counts go too.
    owner().exec("DELETE FROM dispatches WHERE id = $1::uuid", {id});
    EXPECT_EQ(delta_rows(id), 0);
    // (The tenant's usage still reserves the deleted recipients: only the counts are checked here.)
    auto verified = verify_usage();
    EXPECT_NE(verified.output.find("dispatch counts verified"), std::string::npos) << verified.output;
}

TEST_F(DispatchCounts, VerifyUsageNamesADispatchWhoseCountsDrifted) {
    auto id = create_dispatch(3, true);
    owner().exec(
        "INSERT INTO dispatch_status_counts (tenant_id, dispatch_id, status, n) "
        "SELECT tenant_id, id, 'sent', 2 FROM dispatches WHERE id = $1::uuid",
        {id});
    auto drifted = verify_usage();
    EXPECT_EQ(drifted.exit_code, 1) << drifted.output;
    EXPECT_NE(drifted.output.find("MISMATCH dispatch " + id + " status sent: counted 2 vs 0 deliveries"),
              std::string::npos)
        << drifted.output;
}

// Another tenant's member reads no counts of this tenant's dispatch, and cannot write any.
TEST_F(DispatchCounts, RowLevelSecurityKeepsEachTenantsCountsToItself) {
    auto id = create_dispatch(2, false);
    auto globex = platform.create_tenant("globex");
    auto conn = owner();
    conn.exec("BEGIN");
    conn.exec("SET LOCAL ROLE dispatchhub_app");
    conn.exec("SELECT set_config('app.tenant_id', $1, true)", {globex.id});
    EXPECT_EQ(conn.exec("SELECT count(*) AS n FROM dispatch_status_counts WHERE dispatch_id = $1::uuid", {id})
                  .integer(0, "n"),
              0);
    EXPECT_THROW(conn.exec("INSERT INTO dispatch_status_counts (tenant_id, dispatch_id, status, n) "
                           "VALUES ($1::uuid, $2::uuid, 'sent', 1)",
                           {acme.id, id}),
                 std::exception);
    conn.exec("ROLLBACK");
}

}  // namespace
}  // namespace dh::test
