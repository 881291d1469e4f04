// Billing: period close (idempotent, gap-free numbers under concurrency), overage lines,
// immutability after issue, payments, the tenant's view and isolation.
#include <gtest/gtest.h>

#include <future>
#include <set>

#include "admin/admin_fixture.hpp"
#include "db/connection.hpp"

namespace dh::test {
namespace {

struct Billing : ::testing::Test {
    TestServer server;
    PlatformSession platform{server};
    TenantSession acme = platform.create_tenant("acme");
    TenantSession globex = platform.create_tenant("globex");
    HttpClient& root = platform.root();
    std::string last_month = sql("SELECT to_char(date_trunc('month', now()) - interval '1 month', 'YYYY-MM') AS v");

    std::string sql(const std::string& statement) {
        db::Connection conn(server.database().conninfo());
        auto r = conn.exec(statement);
        return r.rows() > 0 ? r.text(0, "v") : "";
    }
    void exec(const std::string& statement) { db::Connection(server.database().conninfo()).exec(statement); }
    /// Moves every tenant's creation and plan changes three months back: each has been on its plan
    /// since before last month.
    void backdate_history() {
        exec("UPDATE tenants SET created_at = now() - interval '3 months'");
        exec("UPDATE tenant_plan_changes SET effective_at = effective_at - interval '3 months'");
    }
    /// Makes every tenant older than last month and gives `tenant` `sent` emails in it.
    void backdate(const std::string& tenant, long long sent) {
        backdate_history();
        exec("INSERT INTO usage_periods (tenant_id, period_start, period_end, sent) VALUES ('" + tenant + "', '" +
             last_month + "-01', ('" + last_month + "-01'::date + interval '1 month')::date, " + std::to_string(sent) +
             ")");
    }
    CommandResult close(const std::string& period) {
        return run_binary({"admin", "close-period", "--period", period}, server.env());
    }
    nlohmann::json invoices(const std::string& query = "") {
        return root.get("/api/v1/admin/invoices?limit=200" + query).json();
    }
};

TEST_F(Billing, ClosingIsIdempotentAndChargesOverage) {
    assign_new_plan(platform, acme, plan_body("Metered", 1000, 200, 4900));
    backdate(acme.id, 2001);
    auto first = close(last_month);
    ASSERT_EQ(first.exit_code, 0) << first.output;
    EXPECT_NE(first.output.find("2 invoice(s) created"), std::string::npos) << first.output;
    auto again = close(last_month);
    ASSERT_EQ(again.exit_code, 0) << again.output;
    EXPECT_NE(again.output.find("0 invoice(s) created, 2 already invoiced"), std::string::npos) << again.output;

    auto all = invoices();
    ASSERT_EQ(all["items"].size(), 2u);
    auto mine = invoices("&tenant_id=" + acme.id)["items"];
    ASSERT_EQ(mine.size(), 1u);
    auto inv = root.get("/api/v1/admin/invoices/" + mine[0]["id"].get<std::string>()).json();
    EXPECT_EQ(inv["status"], "draft");
    EXPECT_EQ(inv["emails_sent"], 2001);
    ASSERT_EQ(inv["lines"].size(), 2u);
    EXPECT_EQ(inv["lines"][1]["kind"], "overage");
    EXPECT_EQ(inv["lines"][1]["quantity"], 2);
    EXPECT_EQ(inv["total_cents"], 4900 + 400);
    std::set<std::string> numbers;
    for (auto& i : all["items"]) numbers.insert(i["number"].get<std::string>());
    EXPECT_EQ(numbers, (std::set<std::string>{"INV-000001", "INV-000002"}));
    EXPECT_NE(close("2026-13").exit_code, 0);
    auto help = run_binary({"admin", "close-period", "--help"}, server.env());
    EXPECT_EQ(help.exit_code, 0);
    EXPECT_NE(help.output.find("close-period"), std::string::npos);
}

TEST_F(Billing, ConcurrentClosesNumberWithoutGaps) {
    for (auto slug : {"t1", "t2", "t3", "t4"}) platform.create_tenant(slug);
    backdate(acme.id, 10);
    auto before = sql("SELECT to_char(date_trunc('month', now()) - interval '2 months', 'YYYY-MM') AS v");
    std::vector<std::future<CommandResult>> runs;
    for (int i = 0; i < 6; ++i)
        runs.push_back(std::async(std::launch::async, [&, i] { return close(i % 2 ? last_month : before); }));
    for (auto& r : runs) {
        auto res = r.get();
        EXPECT_EQ(res.exit_code, 0) << res.output;
    }
    auto all = invoices();
    ASSERT_EQ(all["items"].size(), 12u) << "6 tenants, 2 periods, once each";
    std::set<long long> seq;
    for (auto& i : all["items"]) seq.insert(i["sequence"].get<long long>());
    EXPECT_EQ(seq.size(), 12u);
    EXPECT_EQ(*seq.begin(), 1);
    EXPECT_EQ(*seq.rbegin(), 12);
}

TEST_F(Billing, IssuedInvoicesAreImmutableAndPaidManually) {
    backdate(acme.id, 10);
    ASSERT_EQ(close(last_month).exit_code, 0);
    auto id = invoices("&tenant_id=" + acme.id)["items"][0]["id"].get<std::string>();
    auto other = invoices("&tenant_id=" + globex.id)["items"][0]["id"].get<std::string>();

    EXPECT_EQ(acme.http.get("/api/v1/billing/invoices").json()["items"].size(), 0u) << "drafts are internal";
    EXPECT_EQ(acme.http.get("/api/v1/billing/invoices/" + id).status, 404);
    EXPECT_EQ(
        root.post("/api/v1/admin/invoices/" + id + "/payments", {{"amount_cents", 100}, {"paid_on", "2026-01-02"}})
            .status,
        409);
    auto issued = root.post("/api/v1/admin/invoices/" + id + "/issue", nlohmann::json::object());
    ASSERT_EQ(issued.status, 200) << issued.body;
    EXPECT_EQ(issued.json()["status"], "issued");
    EXPECT_EQ(root.post("/api/v1/admin/invoices/" + id + "/issue", nlohmann::json::object()).status, 409);
    EXPECT_THROW(exec("UPDATE invoices SET total_cents = 1 WHERE id = '" + id + "'"), std::exception);
    EXPECT_THROW(
        exec("INSERT INTO invoice_lines (tenant_id, invoice_id, position, kind, description, quantity, unit_cents, "
             "amount_cents) VALUES ('" +
             acme.id + "', '" + id + "', 9, 'plan', 'x', 1, 1, 1)"),
        std::exception);

    EXPECT_EQ(acme.http.get("/api/v1/billing/invoices").json()["items"].size(), 1u);
    EXPECT_EQ(acme.http.get("/api/v1/billing/invoices/" + id).status, 200);
    EXPECT_EQ(globex.http.get("/api/v1/billing/invoices/" + id).status, 404);
    EXPECT_EQ(acme.http.get("/api/v1/billing/invoices/" + other).status, 404);

    auto part = root.post("/api/v1/admin/invoices/" + id + "/payments",
                          {{"amount_cents", 900}, {"paid_on", "2026-01-02"}, {"reference", "bank 1"}});
    ASSERT_EQ(part.status, 201) << part.body;
    EXPECT_EQ(part.json()["status"], "issued");
    EXPECT_EQ(part.json()["balance_cents"], 4000);
    auto rest =
        root.post("/api/v1/admin/invoices/" + id + "/payments", {{"amount_cents", 4000}, {"paid_on", "2026-01-03"}});
    EXPECT_EQ(rest.json()["status"], "paid");
    EXPECT_EQ(rest.json()["payments"].size(), 2u);
    EXPECT_EQ(root.post("/api/v1/admin/invoices/" + id + "/void", {{"reason", "late"}}).status, 409);

    auto voided = root.post("/api/v1/admin/invoices/" + other + "/void", {{"reason", "wrong plan"}});
    ASSERT_EQ(voided.status, 200) << voided.body;
    EXPECT_EQ(voided.json()["status"], "void");
    auto replaced = close(last_month);
    EXPECT_NE(replaced.output.find("1 invoice(s) created"), std::string::npos) << "void + new: " << replaced.output;
    auto html = root.get("/api/v1/admin/invoices/" + id + "?format=html");
    EXPECT_EQ(html.status, 200);
    EXPECT_NE(html.body.find("INV-00000"), std::string::npos);
    auto actions = audit_actions(platform, "&action=invoice.");
    EXPECT_GE(actions.size(), 6u);
}

TEST_F(Billing, PreviewShowsTheRunningPeriod) {
    assign_new_plan(platform, acme, plan_body("Preview", 1000, 150, 2500));
    backdate_history();  // on Preview for the whole period: its whole price
    auto preview = root.get("/api/v1/admin/tenants/" + acme.id + "/invoice-preview");
    ASSERT_EQ(preview.status, 200) << preview.body;
    EXPECT_EQ(preview.json()["total_cents"], 2500);
    EXPECT_EQ(preview.json()["lines"][0]["kind"], "plan");
    EXPECT_EQ(root.get("/api/v1/admin/tenants/00000000-0000-0000-0000-000000000000/invoice-preview").status, 404);
}

/// The period's plan lines with the cumulative rounding of invoice_lines: {amounts..., total}.
std::vector<long long> pro_rata(const std::vector<std::pair<long long, long long>>& price_and_seconds) {
    long long period = 0;
    for (auto& [price, seconds] : price_and_seconds) period += seconds;
    std::vector<long long> out;
    long long exact = 0, billed = 0;
    for (auto& [price, seconds] : price_and_seconds) {
        exact += price * seconds;
        long long running = (2 * exact + period) / (2 * period);
        out.push_back(running - billed);
        billed = running;
    }
    out.push_back(billed);
    return out;
}

TEST_F(Billing, AMidPeriodPlanChangeIsChargedProRata) {
    assign_new_plan(platform, acme, plan_body("Tiny", 1000, 200, 3100));
    backdate(acme.id, 2500);
    // Standard (4900) for the first ten days of last month, Tiny (3100) for the rest.
    exec("UPDATE tenant_plan_changes SET effective_at = '" + last_month + "-11 00:00:00+00' WHERE tenant_id = '" +
         acme.id + "'");
    auto days = std::stoll(sql("SELECT extract(day FROM ('" + last_month +
                               "-01'::date + interval '1 month' - interval '1 day'))::text AS v"));
    auto first = close(last_month);
    ASSERT_EQ(first.exit_code, 0) << first.output;
    auto again = close(last_month);
    EXPECT_NE(again.output.find("0 invoice(s) created, 2 already invoiced"), std::string::npos) << again.output;
    ASSERT_EQ(invoices("&tenant_id=" + acme.id)["items"].size(), 1u) << "closing twice creates no second invoice";

    auto inv =
        root.get("/api/v1/admin/invoices/" + invoices("&tenant_id=" + acme.id)["items"][0]["id"].get<std::string>())
            .json();
    auto expected = pro_rata({{4900, 10 * 86400}, {3100, (days - 10) * 86400}});
    ASSERT_EQ(inv["lines"].size(), 3u) << inv.dump();
    EXPECT_EQ(inv["lines"][0]["description"], "Plan Standard, " + last_month + "-01 00:00 to " + last_month +
                                                  "-11 00:00 UTC (10.00 of " + std::to_string(days) + ".00 days)");
    EXPECT_EQ(inv["lines"][0]["amount_cents"], expected[0]);
    EXPECT_NE(inv["lines"][1]["description"].get<std::string>().find("Plan Tiny, " + last_month + "-11 00:00 to "),
              std::string::npos);
    EXPECT_EQ(inv["lines"][1]["amount_cents"], expected[1]);
    EXPECT_EQ(inv["lines"][2]["kind"], "overage") << "against the plan at the period's end: 1,500 above Tiny's 1,000";
    EXPECT_EQ(inv["lines"][2]["amount_cents"], 400);
    EXPECT_EQ(inv["total_cents"], expected[2] + 400);
    EXPECT_EQ(inv["plan_name"], "Tiny");

    // A period without a change is charged as before.
    auto other =
        root.get("/api/v1/admin/invoices/" + invoices("&tenant_id=" + globex.id)["items"][0]["id"].get<std::string>())
            .json();
    ASSERT_EQ(other["lines"].size(), 1u);
    EXPECT_EQ(other["lines"][0]["description"], "Plan Standard, " + last_month);
    EXPECT_EQ(other["total_cents"], 4900);
}

TEST_F(Billing, ThePreviewHasTheLinesTheInvoiceWillHave) {
    assign_new_plan(platform, acme, plan_body("Mid", 1000, 150, 2000));
    backdate_history();
    // Standard since before this month, Mid from halfway to now, Late from now on.
    exec(
        "UPDATE tenant_plan_changes SET effective_at = (SELECT m + (now() - m) / 2 FROM (SELECT date_trunc('month', "
        "now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' AS m) x) WHERE tenant_id = '" +
        acme.id + "'");
    assign_new_plan(platform, acme, plan_body("Late", 1000, 150, 7000));
    auto preview = root.get("/api/v1/admin/tenants/" + acme.id + "/invoice-preview");
    ASSERT_EQ(preview.status, 200) << preview.body;
    ASSERT_EQ(preview.json()["lines"].size(), 3u) << preview.body;

    auto this_month = sql("SELECT to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM') AS v");
    ASSERT_EQ(close(this_month).exit_code, 0);
    auto inv =
        root.get("/api/v1/admin/invoices/" + invoices("&tenant_id=" + acme.id)["items"][0]["id"].get<std::string>())
            .json();
    EXPECT_EQ(inv["lines"], preview.json()["lines"]);
    EXPECT_EQ(inv["total_cents"], preview.json()["total_cents"]);
    EXPECT_EQ(inv["plan_name"], "Late");
}

TEST_F(Billing, APlanChangeKeepsTheCurrency) {
    auto body = plan_body("Dollars", 1000, 150, 2000);
    body["currency"] = "USD";
    auto plan = root.post("/api/v1/admin/plans", body).json()["id"].get<std::string>();
    auto r = root.patch("/api/v1/admin/tenants/" + acme.id, {{"plan_id", plan}});
    EXPECT_EQ(r.status, 409) << r.body;
    EXPECT_EQ(r.json()["code"], "currency_mismatch");
    EXPECT_EQ(sql("SELECT count(*)::text AS v FROM tenant_plan_changes"), "0");
}

}  // namespace
}  // namespace dh::test
