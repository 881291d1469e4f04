// What the super admin's console does through the API: tenants created on a chosen plan with a
// named admin, plans edited and retired, per-tenant limit overrides set and cleared, and a billing
// period closed on demand; tenant users get 403 on all of it and one tenant's override never
// reaches another.
#include <gtest/gtest.h>

#include <algorithm>

#include "admin/admin_fixture.hpp"
#include "db/connection.hpp"

namespace dh::test {
namespace {

struct AdminConsole : ::testing::Test {
    TestServer server;
    PlatformSession platform{server};
    TenantSession acme = platform.create_tenant("acme");
    TenantSession globex = platform.create_tenant("globex");
    HttpClient& root = platform.root();

    std::string new_plan(const std::string& name, long long emails) {
        auto r = root.post("/api/v1/admin/plans", plan_body(name, emails));
        if (r.status != 201) throw std::runtime_error("create plan -> " + r.body);
        return r.json()["id"].get<std::string>();
    }
    nlohmann::json tenant_body(const std::string& slug, const nlohmann::json& plan_id) {
        nlohmann::json body = {{"name", "Tenant " + slug},
                               {"slug", slug},
                               {"admin_email", "admin@" + slug + ".test"},
                               {"admin_password", "Admin-" + slug + "-Passw0rd!"},
                               {"admin_name", "Ada Admin"}};
        if (!plan_id.is_null()) body["plan_id"] = plan_id;
        return body;
    }
    nlohmann::json overrides(const std::string& tenant) {
        return root.get("/api/v1/admin/tenants/" + tenant).json()["limit_overrides"];
    }
    long long email_limit(TenantSession& t) { return t.http.get("/api/v1/usage").json()["limit"].get<long long>(); }
};

TEST_F(AdminConsole, ATenantStartsOnTheChosenOfferedPlanWithANamedAdmin) {
    auto gold = new_plan("Gold", 5000);
    auto created = root.post("/api/v1/admin/tenants", tenant_body("initech", gold));
    ASSERT_EQ(created.status, 201) << created.body;
    EXPECT_EQ(created.json()["plan_id"], gold);
    EXPECT_EQ(created.json()["plan_name"], "Gold");
    EXPECT_EQ(created.json()["admin"]["name"], "Ada Admin");
    HttpClient initech(server.base());
    initech.set_token(platform.login("admin@initech.test", "Admin-initech-Passw0rd!", "initech"));
    EXPECT_EQ(initech.get("/api/v1/usage").json()["limit"], 5000) << "the plan's limits apply from the start";
    auto users = initech.get("/api/v1/users").json()["items"];
    ASSERT_EQ(users.size(), 1u);
    EXPECT_EQ(users[0]["name"], "Ada Admin");

    auto without = root.post("/api/v1/admin/tenants", tenant_body("hooli", nullptr));
    ASSERT_EQ(without.status, 201) << without.body;
    EXPECT_EQ(without.json()["plan_id"], root.get("/api/v1/admin/tenants/" + acme.id).json()["plan_id"])
        << "the default plan";

    ASSERT_EQ(root.patch("/api/v1/admin/plans/" + gold, {{"retired", true}}).status, 200);
    auto retired = root.post("/api/v1/admin/tenants", tenant_body("umbrella", gold));
    EXPECT_EQ(retired.status, 422) << retired.body;
    EXPECT_EQ(retired.json()["field"], "plan_id");
    for (auto bad :
         {nlohmann::json("00000000-0000-0000-0000-000000000000"), nlohmann::json("gold"), nlohmann::json(7)}) {
        auto r = root.post("/api/v1/admin/tenants", tenant_body("umbrella", bad));
        EXPECT_EQ(r.status, 422) << bad << " " << r.body;
        EXPECT_EQ(r.json()["field"], "plan_id") << bad;
    }
    EXPECT_EQ(root.get("/api/v1/admin/tenants?limit=100").json()["items"].size(), 4u)
        << "refused creations left nothing behind";
    auto entries = root.get("/api/v1/admin/audit?limit=50&action=tenant.created").json()["items"];
    ASSERT_FALSE(entries.empty());
    EXPECT_TRUE(std::any_of(entries.begin(), entries.end(), [&](auto& e) { return e["details"]["plan_id"] == gold; }));
}

TEST_F(AdminConsole, EditingAndRetiringAPlanKeepsItsTenants) {
    auto silver = new_plan("Silver", 300);
    assign_new_plan(platform, acme, plan_body("Bronze", 100));
    ASSERT_EQ(root.patch("/api/v1/admin/tenants/" + globex.id, {{"plan_id", silver}}).status, 200);

    auto edited =
        root.patch("/api/v1/admin/plans/" + silver, {{"name", "Silver 2"}, {"limits", {{"emails_per_period", 350}}}});
    ASSERT_EQ(edited.status, 200) << edited.body;
    EXPECT_EQ(edited.json()["name"], "Silver 2");
    EXPECT_EQ(edited.json()["tenants_count"], 1);
    EXPECT_EQ(email_limit(globex), 350) << "an edited limit applies at once";
    auto currency = root.patch("/api/v1/admin/plans/" + silver, {{"currency", "USD"}});
    EXPECT_EQ(currency.status, 409) << currency.body;
    EXPECT_EQ(currency.json()["code"], "plan_in_use");
    EXPECT_EQ(root.patch("/api/v1/admin/plans/" + silver, {{"limits", {{"users", -1}}}}).status, 422);

    auto retired = root.patch("/api/v1/admin/plans/" + silver, {{"retired", true}});
    ASSERT_EQ(retired.status, 200) << retired.body;
    EXPECT_EQ(retired.json()["retired"], true);
    EXPECT_EQ(root.get("/api/v1/admin/tenants/" + globex.id).json()["plan_id"], silver);
    EXPECT_EQ(email_limit(globex), 350) << "tenants on a retired plan keep it and its limits";
    auto offered = root.get("/api/v1/admin/plans?include_retired=false").json()["items"];
    EXPECT_TRUE(std::none_of(offered.begin(), offered.end(), [&](auto& p) { return p["id"] == silver; }));
    auto move = root.patch("/api/v1/admin/tenants/" + acme.id, {{"plan_id", silver}});
    EXPECT_EQ(move.status, 422) << move.body;
    EXPECT_EQ(move.json()["field"], "plan_id");

    ASSERT_EQ(root.patch("/api/v1/admin/plans/" + silver, {{"retired", false}}).status, 200) << "offered again";
    EXPECT_EQ(root.patch("/api/v1/admin/tenants/" + acme.id, {{"plan_id", silver}}).status, 200);
    auto actions = audit_actions(platform, "&action=plan.");
    EXPECT_TRUE(std::count(actions.begin(), actions.end(), "plan.retired") == 1);
    EXPECT_GE(std::count(actions.begin(), actions.end(), "plan.updated"), 2);
}

TEST_F(AdminConsole, OverridesAreSetAndClearedOneLimitAtATimeForOneTenantOnly) {
    auto plan_limit = email_limit(acme);
    auto set = root.patch("/api/v1/admin/tenants/" + acme.id, {{"limit_overrides", {{"emails_per_period", 77}}}});
    ASSERT_EQ(set.status, 200) << set.body;
    EXPECT_EQ(set.json()["limit_overrides"], nlohmann::json({{"emails_per_period", 77}}));
    ASSERT_EQ(root.patch("/api/v1/admin/tenants/" + acme.id,
                         {{"limit_overrides", {{"vendors", 2}, {"send_rate_per_second", 0.5}}}})
                  .status,
              200);
    EXPECT_EQ(overrides(acme.id),
              nlohmann::json({{"emails_per_period", 77}, {"vendors", 2}, {"send_rate_per_second", 0.5}}))
        << "a patch keeps the overrides it does not name";
    EXPECT_EQ(email_limit(acme), 77);
    EXPECT_EQ(email_limit(globex), plan_limit) << "another tenant on the same plan is untouched";
    EXPECT_EQ(overrides(globex.id), nlohmann::json::object());
    ASSERT_EQ(acme.http.post("/api/v1/vendors", {{"name", "One"}}).status, 201);
    ASSERT_EQ(acme.http.post("/api/v1/vendors", {{"name", "Two"}}).status, 201);
    EXPECT_EQ(acme.http.post("/api/v1/vendors", {{"name", "Three"}}).json()["code"], "vendor_limit_reached");
    EXPECT_EQ(globex.http.post("/api/v1/vendors", {{"name", "Three"}}).status, 201);

    auto cleared = root.patch("/api/v1/admin/tenants/" + acme.id,
                              {{"limit_overrides", {{"emails_per_period", nullptr}, {"vendors", nullptr}}}});
    ASSERT_EQ(cleared.status, 200) << cleared.body;
    EXPECT_EQ(cleared.json()["limit_overrides"], nlohmann::json({{"send_rate_per_second", 0.5}}));
    EXPECT_EQ(email_limit(acme), plan_limit) << "cleared: the plan's limit again";
    EXPECT_EQ(acme.http.post("/api/v1/vendors", {{"name", "Three"}}).status, 201);
}

TEST_F(AdminConsole, OverridesAreValidatedBeforeAnythingChanges) {
    ASSERT_EQ(root.patch("/api/v1/admin/tenants/" + acme.id, {{"limit_overrides", {{"users", 9}}}}).status, 200);
    auto one = [](const char* key, nlohmann::json value) { return nlohmann::json::object({{key, std::move(value)}}); };
    const std::vector<std::pair<nlohmann::json, std::string>> bad = {
        {one("vendors", 1.5), "limit_overrides.vendors"},
        {one("vendors", -1), "limit_overrides.vendors"},
        {one("vendors", "10"), "limit_overrides.vendors"},
        {one("emails_per_period", 1e16), "limit_overrides.emails_per_period"},
        {one("attachment_bytes", 10000000000000000LL), "limit_overrides.attachment_bytes"},
        {one("send_rate_per_second", -0.1), "limit_overrides.send_rate_per_second"},
        {one("seats", 3), "limit_overrides.seats"},
        {nlohmann::json::array({1}), "limit_overrides"},
        {nlohmann::json::object({{"users", 3}, {"vendors", 2.5}}), "limit_overrides.vendors"},
    };
    for (auto& [value, field] : bad) {
        auto r = root.patch("/api/v1/admin/tenants/" + acme.id, {{"limit_overrides", value}});
        EXPECT_EQ(r.status, 422) << value << " " << r.body;
        EXPECT_EQ(r.json()["field"], field) << value;
    }
    EXPECT_EQ(overrides(acme.id), nlohmann::json({{"users", 9}}))
        << "a refused patch changes nothing, not even its good keys";
    EXPECT_EQ(acme.http.post("/api/v1/vendors", {{"name", "Still works"}}).status, 201)
        << "no stored value breaks the limit queries";
}

TEST_F(AdminConsole, ClosingAPeriodNowInvoicesEveryTenantOnce) {
    db::Connection conn(server.database().conninfo());
    conn.exec("UPDATE tenants SET created_at = now() - interval '3 months'");
    auto last_month =
        conn.exec("SELECT to_char(date_trunc('month', now()) - interval '1 month', 'YYYY-MM') AS v").text(0, "v");
    auto next_month =
        conn.exec("SELECT to_char(date_trunc('month', now()) + interval '1 month', 'YYYY-MM') AS v").text(0, "v");

    auto first = root.request("POST", "/api/v1/admin/billing/close-period");
    ASSERT_EQ(first.status, 200) << first.body;
    auto r = first.json();
    EXPECT_EQ(r["period"], last_month) << "no body: the last finished month";
    EXPECT_EQ(r["created"], 2);
    EXPECT_EQ(r["existing"], 0);
    EXPECT_EQ(r["summary"], "period " + last_month + " closed: 2 invoice(s) created, 0 already invoiced");
    auto again = root.post("/api/v1/admin/billing/close-period", {{"period", last_month}});
    ASSERT_EQ(again.status, 200) << again.body;
    EXPECT_EQ(again.json()["created"], 0);
    EXPECT_EQ(again.json()["existing"], 2);
    auto cli = run_binary({"admin", "close-period", "--period", last_month}, server.env());
    EXPECT_NE(cli.output.find(again.json()["summary"].get<std::string>()), std::string::npos)
        << "the CLI prints the same line: " << cli.output;
    EXPECT_EQ(root.get("/api/v1/admin/invoices?limit=50").json()["items"].size(), 2u);

    for (auto [period, field] : {std::pair{next_month, "period"}, {"2026-13", "period"}, {"last month", "period"}}) {
        auto refused = root.post("/api/v1/admin/billing/close-period", {{"period", period}});
        EXPECT_EQ(refused.status, 422) << period << " " << refused.body;
        EXPECT_EQ(refused.json()["field"], field) << period;
    }
    EXPECT_EQ(root.post("/api/v1/admin/billing/close-period", {{"month", last_month}}).status, 422);
    EXPECT_EQ(root.request("POST", "/api/v1/admin/billing/close-period", "{\"period\":").status, 400);
    auto cli_future = run_binary({"admin", "close-period", "--period", next_month}, server.env());
    EXPECT_NE(cli_future.exit_code, 0) << "the CLI refuses a month to come too: " << cli_future.output;
    EXPECT_EQ(root.get("/api/v1/admin/invoices?limit=50").json()["items"].size(), 2u);

    auto audit = root.get("/api/v1/admin/audit?limit=10&action=billing.period_closed").json()["items"];
    ASSERT_EQ(audit.size(), 2u) << "each close through the API is recorded";
    EXPECT_EQ(audit[0]["details"]["existing"], 2);
}

TEST_F(AdminConsole, TenantUsersGet403OnEveryConsoleAction) {
    auto plan = new_plan("Mine", 100);
    for (auto* t : {&acme, &globex}) {
        auto& http = t->http;
        EXPECT_EQ(http.request("POST", "/api/v1/admin/billing/close-period").status, 403);
        EXPECT_EQ(http.post("/api/v1/admin/tenants", tenant_body("sneaky", plan)).status, 403);
        EXPECT_EQ(http.patch("/api/v1/admin/plans/" + plan, {{"retired", true}}).status, 403);
        EXPECT_EQ(http.patch("/api/v1/admin/plans/" + plan, {{"limits", {{"emails_per_period", 1000000}}}}).status,
                  403);
        for (auto* target : {&acme, &globex}) {
            EXPECT_EQ(http.patch("/api/v1/admin/tenants/" + target->id,
                                 {{"limit_overrides", {{"emails_per_period", 1000000}}}})
                          .status,
                      403);
            EXPECT_EQ(http.patch("/api/v1/admin/tenants/" + target->id, {{"plan_id", plan}}).status, 403);
        }
    }
    HttpClient member(server.base());
    ASSERT_EQ(
        acme.http
            .post("/api/v1/users",
                  {{"email", "member@acme.test"}, {"role", "tenant_member"}, {"password", "Member-acme-Passw0rd!"}})
            .status,
        201);
    member.set_token(platform.login("member@acme.test", "Member-acme-Passw0rd!", acme.slug));
    EXPECT_EQ(member.request("POST", "/api/v1/admin/billing/close-period").status, 403);
    EXPECT_EQ(member.patch("/api/v1/admin/tenants/" + acme.id, {{"limit_overrides", {{"vendors", 1}}}}).status, 403);
    EXPECT_EQ(HttpClient(server.base()).request("POST", "/api/v1/admin/billing/close-period").status, 401);

    EXPECT_EQ(overrides(acme.id), nlohmann::json::object());
    EXPECT_EQ(root.get("/api/v1/admin/plans/" + plan).json()["retired"], false);
    EXPECT_EQ(root.get("/api/v1/admin/tenants?limit=100").json()["items"].size(), 2u);
    EXPECT_EQ(root.get("/api/v1/admin/invoices?limit=50").json()["items"].size(), 0u);
}

}  // namespace
}  // namespace dh::test
