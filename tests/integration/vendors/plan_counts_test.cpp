// Plan limits on vendors and users are checked against per-tenant counters (migrations 0021, 0025)
// kept by triggers, not by counting the tenant's rows: concurrent creators take exactly the room
// left, and the counter follows every way rows come and go (create, delete, import, undo).
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "common/error.hpp"
#include "db/connection.hpp"
#include "harness/server.hpp"
#include "harness/tenants.hpp"
#include "harness/wait.hpp"
#include "vendors/vendors_test_util.hpp"

namespace dh::test {
namespace {

using namespace std::chrono_literals;

struct PlanCounts : ::testing::Test {
    TestServer server;
    PlatformSession platform{server};
    TenantSession acme = platform.create_tenant("acme");

    long owner_count(const std::string& sql) {
        return db::Connection(server.database().conninfo()).exec(sql, {acme.id}).integer(0, "n");
    }
    long counted_vendors() { return owner_count("SELECT tenant_vendor_count($1) AS n"); }
    long live_vendors() {
        return owner_count("SELECT count(*) AS n FROM vendors WHERE tenant_id = $1 AND deleted_at IS NULL");
    }
    long counted_users() { return owner_count("SELECT users AS n FROM tenant_user_counts WHERE tenant_id = $1"); }
    long users() { return owner_count("SELECT count(*) AS n FROM users WHERE tenant_id = $1"); }
    void set_limits(const nlohmann::json& overrides) {
        auto r = platform.root().patch("/api/v1/admin/tenants/" + acme.id, {{"limit_overrides", overrides}});
        ASSERT_EQ(r.status, 200) << r.body;
    }
    /// Runs `n` requests at once, each on its own connection; answers their statuses.
    std::vector<int> at_once(int n, const std::function<int(int)>& request) {
        std::vector<int> statuses(static_cast<std::size_t>(n));
        std::atomic<int> ready{0};
        std::vector<std::thread> threads;
        for (int i = 0; i < n; ++i)
            threads.emplace_back([&, i] {
                ++ready;
                while (ready.load() < n) std::this_thread::yield();
                statuses[static_cast<std::size_t>(i)] = request(i);
            });
        for (auto& t : threads) t.join();
        return statuses;
    }
};

TEST_F(PlanCounts, ConcurrentVendorCreatesTakeExactlyTheRoomLeft) {
    set_limits({{"vendors", 5}});
    for (int i = 0; i < 2; ++i)
        ASSERT_EQ(acme.http.post("/api/v1/vendors", {{"name", "Early " + std::to_string(i)}}).status, 201);
    auto statuses = at_once(8, [&](int i) {
        HttpClient client = acme.http;
        auto r = client.post("/api/v1/vendors", {{"name", "Racer " + std::to_string(i)},
                                                 {"contacts", {{{"email", "ap" + std::to_string(i) + "@r.example"}}}}});
        if (r.status == 409) {
            EXPECT_EQ(r.json().value("code", ""), "vendor_limit_reached") << r.body;
            EXPECT_EQ(r.json().value("limit", 0), 5) << r.body;
            EXPECT_EQ(r.json().value("detail", ""), "The plan allows 5 vendors; this tenant has reached it.") << r.body;
        }
        return r.status;
    });
    EXPECT_EQ(std::count(statuses.begin(), statuses.end(), 201), 3);
    EXPECT_EQ(std::count(statuses.begin(), statuses.end(), 409), 5);
    EXPECT_EQ(live_vendors(), 5);
    EXPECT_EQ(counted_vendors(), 5);
}

// The count is spread over shards (migration 0025), each with a part of the room: creators on many
// connections at once, sharing the room out again as parts run out, still stop exactly at the limit,
// and a lowered limit holds at once whatever parts the shards were given under the old one.
TEST_F(PlanCounts, CreatorsOnManyConnectionsStopExactlyAtTheLimitAsTheRoomIsSharedOut) {
    set_limits({{"vendors", 37}});
    constexpr int kConnections = 12, kEach = 6;  // 72 attempts for 37 places
    std::atomic<int> created{0}, refused{0};
    std::vector<std::thread> threads;
    for (int c = 0; c < kConnections; ++c)
        threads.emplace_back([&, c] {
            db::Connection conn(server.database().conninfo());
            for (int i = 0; i < kEach; ++i) {
                conn.exec("BEGIN");
                try {
                    conn.exec("INSERT INTO vendors (tenant_id, name) VALUES ($1, $2)",
                              {acme.id, "Conn " + std::to_string(c) + "." + std::to_string(i)});
                    conn.exec("SELECT dh_require_vendor_room($1)", {acme.id});
                    conn.exec("COMMIT");
                    ++created;
                } catch (const Error& e) {
                    EXPECT_EQ(e.code(), "vendor_limit_reached") << e.what() << ": " << e.detail();
                    conn.exec("ROLLBACK");
                    ++refused;
                }
            }
        });
    for (auto& t : threads) t.join();
    EXPECT_EQ(created.load(), 37);
    EXPECT_EQ(refused.load(), kConnections * kEach - 37);
    EXPECT_EQ(live_vendors(), 37);
    EXPECT_EQ(counted_vendors(), 37);
    EXPECT_GT(owner_count("SELECT count(*) AS n FROM tenant_vendor_counts WHERE tenant_id = $1 AND vendors <> 0"), 1)
        << "the creators counted on more than one shard";

    set_limits({{"vendors", 60}});
    ASSERT_EQ(acme.http.post("/api/v1/vendors", {{"name", "Under the raised limit"}}).status, 201);
    set_limits({{"vendors", 30}});
    auto refused_now = acme.http.post("/api/v1/vendors", {{"name", "Over the lowered limit"}});
    EXPECT_EQ(refused_now.status, 409) << refused_now.body;
    EXPECT_EQ(live_vendors(), 38);
    EXPECT_EQ(counted_vendors(), 38);
}

// During a rolling upgrade the previous release still reads and locks tenant_counts (migration 0025
// keeps it as a view); its statements must answer the counts, under row-level security.
TEST_F(PlanCounts, ThePreviousReleasesCounterStatementsStillAnswer) {
    set_limits({{"vendors", 9}});
    ASSERT_EQ(acme.http.post("/api/v1/vendors", {{"name", "One"}}).status, 201);
    ASSERT_EQ(acme.http.post("/api/v1/vendors", {{"name", "Two"}}).status, 201);
    db::Connection conn(server.database().conninfo());
    conn.exec("BEGIN");
    conn.exec("SET LOCAL ROLE dispatchhub_app");
    conn.exec("SELECT set_config('app.tenant_id', $1, true)", {acme.id});
    // vendor_store::lock_vendor_count and user_store::lock_user_count as the previous release has them.
    auto lock_count = [&](const std::string& what) {
        return conn.exec("SELECT c." + what + " AS n, l." + what +
                             " AS lim FROM tenant_counts c CROSS JOIN effective_limits($1::uuid) l "
                             "WHERE c.tenant_id = $1::uuid FOR UPDATE OF c",
                         {acme.id});
    };
    auto vendors = lock_count("vendors");
    ASSERT_EQ(vendors.rows(), 1);
    EXPECT_EQ(vendors.integer(0, "n"), 2);
    EXPECT_EQ(vendors.integer(0, "lim"), 9);
    auto users = lock_count("users");
    ASSERT_EQ(users.rows(), 1);
    EXPECT_EQ(users.integer(0, "n"), 1);
    EXPECT_EQ(conn.exec("SELECT count(*) AS n FROM tenant_counts").integer(0, "n"), 1) << "only its own tenant";
    conn.exec("COMMIT");
}

TEST_F(PlanCounts, TheVendorCountFollowsCreatesDeletesImportsAndUndo) {
    set_limits({{"vendors", 6}});
    auto created = acme.http.post(
        "/api/v1/vendors",
        {{"name", "Kept"},
         {"code", "K1"},
         {"contacts",
          {{{"email", "b@kept.example"}, {"primary", false}}, {{"email", "a@kept.example"}, {"primary", true}}}}});
    ASSERT_EQ(created.status, 201) << created.body;
    auto vendor = created.json();
    EXPECT_EQ(vendor["contact_count"], 2);
    ASSERT_EQ(vendor["contacts"].size(), 2u);
    EXPECT_EQ(vendor["contacts"][0]["email"], "a@kept.example") << "the primary contact first, as a read answers";
    EXPECT_EQ(acme.http.get("/api/v1/vendors/" + vendor["id"].get<std::string>()).json()["contacts"],
              vendor["contacts"]);
    auto gone = acme.http.post("/api/v1/vendors", {{"name", "Gone"}}).json()["id"].get<std::string>();
    EXPECT_EQ(counted_vendors(), 2);

    EXPECT_EQ(acme.http.del("/api/v1/vendors/" + gone).status, 204);
    EXPECT_EQ(counted_vendors(), 1);

    auto report = import_csv(acme.http, "code,name\nI1,One\nI2,Two\nI3,Three\nK1,Kept renamed\n").json();
    ASSERT_EQ(report["vendors_created"], 3) << report.dump();
    EXPECT_EQ(counted_vendors(), 4);
    EXPECT_EQ(counted_vendors(), live_vendors());

    auto undo = acme.http.del("/api/v1/imports/" + report["id"].get<std::string>());
    ASSERT_EQ(undo.status, 202) << undo.body;
    wait_until([&] { return counted_vendors() == 1; }, 30s);
    EXPECT_EQ(counted_vendors(), 1);
    EXPECT_EQ(counted_vendors(), live_vendors());

    // The room the undo freed is there again.
    for (int i = 0; i < 5; ++i)
        EXPECT_EQ(acme.http.post("/api/v1/vendors", {{"name", "Refill " + std::to_string(i)}}).status, 201);
    EXPECT_EQ(acme.http.post("/api/v1/vendors", {{"name", "One too many"}}).status, 409);
    EXPECT_EQ(counted_vendors(), 6);
    auto tenant = platform.root().get("/api/v1/admin/tenants/" + acme.id).json();
    EXPECT_EQ(tenant["vendors_count"], 6) << tenant.dump();
}

TEST_F(PlanCounts, ConcurrentUserCreatesStopAtTheLimit) {
    set_limits({{"users", 4}});
    ASSERT_EQ(users(), 1);
    auto statuses = at_once(6, [&](int i) {
        HttpClient client = acme.http;
        auto r = client.post("/api/v1/users", {{"email", "clerk" + std::to_string(i) + "@acme.test"},
                                               {"name", "Clerk"},
                                               {"role", "tenant_member"},
                                               {"password", "Clerk-Passw0rd-123"}});
        if (r.status != 201) {
            EXPECT_EQ(r.json().value("code", ""), "user_limit_reached") << r.body;
        }
        return r.status;
    });
    EXPECT_EQ(std::count(statuses.begin(), statuses.end(), 201), 3);
    EXPECT_EQ(users(), 4);
    EXPECT_EQ(counted_users(), 4);

    auto list = acme.http.get("/api/v1/users").json();
    std::string member;
    for (auto& u : list["items"])
        if (u["role"] == "tenant_member") member = u["id"].get<std::string>();
    ASSERT_FALSE(member.empty()) << list.dump();
    EXPECT_EQ(acme.http.del("/api/v1/users/" + member).status, 204);
    EXPECT_EQ(counted_users(), 3);
    EXPECT_EQ(acme.http
                  .post("/api/v1/users", {{"email", "late@acme.test"},
                                          {"name", "Late"},
                                          {"role", "tenant_member"},
                                          {"password", "Clerk-Passw0rd-123"}})
                  .status,
              201);
    EXPECT_EQ(counted_users(), users());
}

TEST_F(PlanCounts, VerifyUsageReportsACounterThatDrifted) {
    ASSERT_EQ(acme.http.post("/api/v1/vendors", {{"name", "Counted"}}).status, 201);
    auto clean = run_binary({"admin", "verify-usage"}, server.env());
    EXPECT_EQ(clean.exit_code, 0) << clean.output;
    EXPECT_NE(clean.output.find("plan counters verified"), std::string::npos) << clean.output;

    db::Connection(server.database().conninfo())
        .exec("UPDATE tenant_vendor_counts SET vendors = vendors + 2 WHERE tenant_id = $1 AND shard = 3", {acme.id});
    auto drifted = run_binary({"admin", "verify-usage"}, server.env());
    EXPECT_EQ(drifted.exit_code, 1) << drifted.output;
    EXPECT_NE(drifted.output.find("MISMATCH tenant " + acme.id + ": vendors counted 3 vs 1 live"), std::string::npos)
        << drifted.output;
}

}  // namespace
}  // namespace dh::test
