// Plans: CRUD, retire instead of delete, limits that apply at once (also under concurrency), audit;
// tenant activity and the overview; send approval (a tenant-set limit on unreviewed dispatches).
#include <gtest/gtest.h>

#include <algorithm>
#include <future>

#include "admin/admin_fixture.hpp"
#include "dispatch/dispatch_fixture.hpp"
#include "harness/wait.hpp"

namespace dh::test {
namespace {

struct AdminPlans : ::testing::Test {
    TestServer server;
    PlatformSession platform{server};
    TenantSession acme = platform.create_tenant("acme");
    HttpClient& root = platform.root();
};

bool has(const std::vector<std::string>& v, const std::string& s) {
    return std::find(v.begin(), v.end(), s) != v.end();
}

TEST_F(AdminPlans, CreateChangeRetireAndDeleteOnlyWhenUnused) {
    auto created = root.post("/api/v1/admin/plans", plan_body("Tiny", 50));
    ASSERT_EQ(created.status, 201) << created.body;
    auto plan = created.json();
    EXPECT_EQ(plan["limits"]["emails_per_period"], 50);
    EXPECT_TRUE(plan["overage_cents_per_1000"].is_null());
    EXPECT_EQ(plan["retired"], false);
    auto id = plan["id"].get<std::string>();
    EXPECT_EQ(root.post("/api/v1/admin/plans", plan_body("Tiny", 10)).json()["code"], "plan_name_taken");
    EXPECT_EQ(root.post("/api/v1/admin/plans", {{"name", "No limits"}, {"price_cents", 1}}).status, 422);

    auto changed = root.patch("/api/v1/admin/plans/" + id, {{"price_cents", 5900}, {"limits", {{"users", 9}}}});
    ASSERT_EQ(changed.status, 200) << changed.body;
    EXPECT_EQ(changed.json()["price_cents"], 5900);
    EXPECT_EQ(changed.json()["limits"]["users"], 9);
    EXPECT_EQ(changed.json()["limits"]["emails_per_period"], 50);

    ASSERT_EQ(root.patch("/api/v1/admin/tenants/" + acme.id, {{"plan_id", id}}).status, 200);
    auto in_use = root.del("/api/v1/admin/plans/" + id);
    EXPECT_EQ(in_use.status, 409);
    EXPECT_EQ(in_use.json()["code"], "plan_in_use");
    ASSERT_EQ(root.patch("/api/v1/admin/plans/" + id, {{"retired", true}}).json()["retired"], true);
    EXPECT_EQ(root.get("/api/v1/admin/tenants/" + acme.id).json()["plan_id"], id) << "retiring keeps current tenants";
    auto other = platform.create_tenant("globex");
    EXPECT_EQ(root.patch("/api/v1/admin/tenants/" + other.id, {{"plan_id", id}}).status, 422)
        << "retired plans take no one new";
    auto active = root.get("/api/v1/admin/plans?include_retired=false").json();
    for (auto& p : active["items"]) EXPECT_NE(p["id"], id);

    auto unused = root.post("/api/v1/admin/plans", plan_body("Unused", 10)).json()["id"].get<std::string>();
    EXPECT_EQ(root.del("/api/v1/admin/plans/" + unused).status, 204);
    EXPECT_EQ(root.get("/api/v1/admin/plans/" + unused).status, 404);

    auto actions = audit_actions(platform);
    for (auto a : {"plan.created", "plan.updated", "plan.retired", "plan.deleted", "tenant.plan_changed"})
        EXPECT_TRUE(has(actions, a)) << a;
    auto only_plans = audit_actions(platform, "&action=plan.");
    EXPECT_FALSE(has(only_plans, "tenant.plan_changed"));
    EXPECT_TRUE(has(only_plans, "plan.created"));
}

TEST_F(AdminPlans, ANewPlanLimitAppliesAtOnceAlsoUnderConcurrency) {
    auto list = import_vendors(acme, 60);
    assign_new_plan(platform, acme, plan_body("Tiny", 50));
    auto too_many = acme.http.post("/api/v1/dispatches", dispatch_body(list));
    EXPECT_EQ(too_many.status, 422) << too_many.body;
    EXPECT_EQ(too_many.json()["code"], "quota_exceeded");
    EXPECT_EQ(too_many.json()["remaining"], 50);

    auto vendors = acme.http.get("/api/v1/vendors?limit=10").json();
    nlohmann::json ids = nlohmann::json::array();
    for (auto& v : vendors["items"]) ids.push_back(v["id"]);
    nlohmann::json body = {{"subject", "c"}, {"body_markdown", "x"}, {"recipients", {{"vendor_ids", ids}}}};
    std::vector<std::future<long>> calls;
    for (int i = 0; i < 8; ++i)
        calls.push_back(
            std::async(std::launch::async, [&] { return acme.http.post("/api/v1/dispatches", body).status; }));
    int ok = 0;
    for (auto& c : calls) ok += c.get() == 201;
    EXPECT_EQ(ok, 5);
    auto u = acme.http.get("/api/v1/usage").json();
    EXPECT_LE(u["sent"].get<long>() + u["reserved"].get<long>(), 50);

    // A per-tenant override raises the cap for this tenant only, at once.
    ASSERT_EQ(root.patch("/api/v1/admin/tenants/" + acme.id, {{"limit_overrides", {{"emails_per_period", 60}}}}).status,
              200);
    EXPECT_EQ(acme.http.post("/api/v1/dispatches", body).status, 201);
    EXPECT_EQ(acme.http.post("/api/v1/dispatches", body).status, 422);
    EXPECT_EQ(run_binary({"admin", "verify-usage"}, server.env()).exit_code, 0);
}

TEST_F(AdminPlans, TenantListShowsActivityAndTheOverviewCounts) {
    auto list = import_vendors(acme, 3);
    ASSERT_EQ(acme.http.post("/api/v1/dispatches", dispatch_body(list)).status, 201);
    auto tenants = root.get("/api/v1/admin/tenants").json();
    ASSERT_EQ(tenants["items"].size(), 1u);
    auto t = tenants["items"][0];
    EXPECT_EQ(t["users_count"], 1);
    EXPECT_EQ(t["vendors_count"], 3);
    EXPECT_EQ(t["usage"]["period_sent"].get<long>() + t["usage"]["period_reserved"].get<long>(), 3);
    EXPECT_TRUE(t["last_activity_at"].is_string());
    auto detail = root.get("/api/v1/admin/tenants/" + acme.id).json();
    ASSERT_EQ(detail["usage_history"].size(), 1u);
    auto overview = root.get("/api/v1/admin/overview");
    ASSERT_EQ(overview.status, 200) << overview.body;
    EXPECT_EQ(overview.json()["tenants"]["active"], 1);
    // The embedded worker reports its heartbeat every few seconds.
    nlohmann::json workers;
    wait_until(
        [&] {
            workers = root.get("/api/v1/admin/overview").json()["workers"];
            return !workers.empty();
        },
        std::chrono::seconds(60));
    ASSERT_EQ(workers.size(), 1u) << workers.dump();
    EXPECT_TRUE(workers[0]["relay_problem"].is_null());
    EXPECT_GT(workers[0]["pid"].get<int>(), 0);
    EXPECT_EQ(acme.http.get("/api/v1/admin/overview").status, 403);
}

TEST_F(AdminPlans, SendApprovalHoldsLargeDispatchesUntilAnotherAdminApproves) {
    auto list = import_vendors(acme, 10);
    ASSERT_EQ(acme.http.request("PUT", "/api/v1/settings/approval", R"({"approval_threshold":5})").status, 200);
    EXPECT_EQ(acme.http.get("/api/v1/settings/approval").json()["approval_threshold"], 5);
    ASSERT_EQ(
        acme.http
            .post("/api/v1/users",
                  {{"email", "second@acme.test"}, {"role", "tenant_admin"}, {"password", "Second-admin-Passw0rd!"}})
            .status,
        201);
    HttpClient second(server.base());
    second.set_token(platform.login("second@acme.test", "Second-admin-Passw0rd!", acme.slug));

    auto big = acme.http.post("/api/v1/dispatches", dispatch_body(list));
    ASSERT_EQ(big.status, 201) << big.body;
    auto id = big.json()["id"].get<std::string>();
    EXPECT_EQ(big.json()["status"], "pending_approval");
    EXPECT_EQ(acme.http.get("/api/v1/usage").json()["reserved"], 10) << "quota is reserved while it waits";
    EXPECT_EQ(acme.http.post("/api/v1/dispatches/" + id + "/approve", nlohmann::json::object()).status, 403)
        << "not by its creator";
    ASSERT_TRUE(wait_for_worker_cycles(server, 2));
    EXPECT_EQ(acme.http.get("/api/v1/dispatches/" + id).json()["status"], "pending_approval")
        << "nothing is sent meanwhile";

    auto approved = second.post("/api/v1/dispatches/" + id + "/approve", nlohmann::json::object());
    ASSERT_EQ(approved.status, 200) << approved.body;
    EXPECT_EQ(wait_for_status(acme, id, "completed")["status"], "completed");
    EXPECT_EQ(second.post("/api/v1/dispatches/" + id + "/approve", nlohmann::json::object()).status, 409);

    auto vendors = acme.http.get("/api/v1/vendors?limit=3").json();
    nlohmann::json ids = nlohmann::json::array();
    for (auto& v : vendors["items"]) ids.push_back(v["id"]);
    auto small = acme.http.post("/api/v1/dispatches",
                                {{"subject", "s"}, {"body_markdown", "x"}, {"recipients", {{"vendor_ids", ids}}}});
    EXPECT_EQ(small.json()["status"], "queued") << "at or below the threshold no approval is needed";
    auto held = acme.http.post("/api/v1/dispatches", dispatch_body(list)).json()["id"].get<std::string>();
    EXPECT_EQ(acme.http.post("/api/v1/dispatches/" + held + "/cancel", nlohmann::json::object()).json()["status"],
              "cancelled")
        << "rejecting is cancelling";
    EXPECT_TRUE(has(audit_actions(platform, "&action=dispatch.approved"), "dispatch.approved"));
}

TEST_F(AdminPlans, TenantUsersAreForbiddenOnEveryAdminRoute) {
    const std::string any = "00000000-0000-0000-0000-000000000000";
    for (auto path : {"/api/v1/admin/plans", "/api/v1/admin/tickets", "/api/v1/admin/invoices", "/api/v1/admin/audit",
                      "/api/v1/admin/tenants"})
        EXPECT_EQ(acme.http.get(path).status, 403) << path;
    EXPECT_EQ(acme.http.post("/api/v1/admin/plans", plan_body("Mine", 1000000)).status, 403);
    EXPECT_EQ(
        acme.http.patch("/api/v1/admin/tenants/" + acme.id, {{"limit_overrides", {{"emails_per_period", 1000000}}}})
            .status,
        403);
    EXPECT_EQ(acme.http.get("/api/v1/admin/tenants/" + acme.id + "/invoice-preview").status, 403);
    EXPECT_EQ(acme.http.post("/api/v1/admin/invoices/" + any + "/issue", nlohmann::json::object()).status, 403);
    EXPECT_EQ(acme.http.post("/api/v1/admin/tickets/" + any + "/messages", {{"body", "x"}}).status, 403);
}

}  // namespace
}  // namespace dh::test
