// Support tickets both ways, the queue, assignment, status flow, and tenant isolation.
#include <gtest/gtest.h>

#include "admin/admin_fixture.hpp"

namespace dh::test {
namespace {

struct AdminTickets : ::testing::Test {
    TestServer server;
    PlatformSession platform{server};
    TenantSession acme = platform.create_tenant("acme");
    TenantSession globex = platform.create_tenant("globex");
    HttpClient& root = platform.root();

    std::string open_ticket(TenantSession& t, const std::string& subject) {
        auto r =
            t.http.post("/api/v1/tickets", {{"subject", subject}, {"body", "Why is it 49 EUR?"}, {"priority", "high"}});
        if (r.status != 201) throw std::runtime_error("open ticket -> " + std::to_string(r.status) + " " + r.body);
        return r.json()["id"].get<std::string>();
    }
};

TEST_F(AdminTickets, FlowBothDirections) {
    auto id = open_ticket(acme, "Invoice question");
    open_ticket(globex, "Other tenant");
    auto queue = root.get("/api/v1/admin/tickets").json();
    EXPECT_EQ(queue["items"].size(), 2u);
    auto only_acme = root.get("/api/v1/admin/tickets?tenant_id=" + acme.id + "&status=open&priority=high").json();
    ASSERT_EQ(only_acme["items"].size(), 1u);
    EXPECT_EQ(only_acme["items"][0]["id"], id);
    EXPECT_EQ(only_acme["items"][0]["tenant"]["id"], acme.id);

    auto reply = root.post("/api/v1/admin/tickets/" + id + "/messages", {{"body", "It is the Tiny plan."}});
    ASSERT_EQ(reply.status, 201) << reply.body;
    EXPECT_EQ(reply.json()["author_side"], "platform");
    auto mine = acme.http.get("/api/v1/tickets/" + id).json();
    EXPECT_EQ(mine["status"], "pending");
    auto messages = acme.http.get("/api/v1/tickets/" + id + "/messages").json();
    ASSERT_EQ(messages["items"].size(), 2u);
    EXPECT_EQ(messages["items"][1]["body"], "It is the Tiny plan.");

    auto me = root.get("/api/v1/me").json();
    auto root_id = me["user"]["id"].get<std::string>();
    auto assigned = root.patch("/api/v1/admin/tickets/" + id, {{"assignee_id", root_id}, {"status", "resolved"}});
    ASSERT_EQ(assigned.status, 200) << assigned.body;
    EXPECT_EQ(assigned.json()["assignee_id"], root_id);
    EXPECT_EQ(root.patch("/api/v1/admin/tickets/" + id, {{"assignee_id", acme.id}}).status, 422) << "not a super admin";
    EXPECT_EQ(root.patch("/api/v1/admin/tickets/" + id, {{"status", "done"}}).status, 422);

    ASSERT_EQ(acme.http.post("/api/v1/tickets/" + id + "/messages", {{"body", "Thanks, one more thing"}}).status, 201);
    EXPECT_EQ(acme.http.get("/api/v1/tickets/" + id).json()["status"], "open") << "a tenant reply reopens";
    EXPECT_EQ(acme.http.post("/api/v1/tickets/" + id + "/close", nlohmann::json::object()).json()["status"], "closed");
    auto late = root.post("/api/v1/admin/tickets/" + id + "/messages", {{"body", "late"}});
    EXPECT_EQ(late.status, 409);
    EXPECT_EQ(late.json()["code"], "ticket_closed");
    EXPECT_EQ(root.get("/api/v1/admin/tickets/" + id).json()["messages"].size(), 3u);
}

TEST_F(AdminTickets, OtherTenantsSeeNothing) {
    auto id = open_ticket(acme, "Private");
    EXPECT_EQ(globex.http.get("/api/v1/tickets/" + id).status, 404);
    EXPECT_EQ(globex.http.get("/api/v1/tickets/" + id + "/messages").status, 404);
    EXPECT_EQ(globex.http.post("/api/v1/tickets/" + id + "/messages", {{"body", "x"}}).status, 404);
    EXPECT_EQ(globex.http.post("/api/v1/tickets/" + id + "/close", nlohmann::json::object()).status, 404);
    EXPECT_EQ(globex.http.get("/api/v1/tickets").json()["items"].size(), 0u);
    EXPECT_EQ(acme.http.get("/api/v1/tickets/" + id).status, 200);
    EXPECT_EQ(acme.http.get("/api/v1/tickets/not-a-uuid").status, 404);
    EXPECT_EQ(acme.http.get("/api/v1/tickets").json()["items"].size(), 1u);
}

TEST_F(AdminTickets, BadInputIsRefused) {
    EXPECT_EQ(acme.http.post("/api/v1/tickets", {{"subject", "a\r\nBcc: x"}, {"body", "b"}}).status, 422);
    EXPECT_EQ(acme.http.post("/api/v1/tickets", {{"subject", "a"}}).status, 422);
    EXPECT_EQ(acme.http.post("/api/v1/tickets", {{"subject", "a"}, {"body", "b"}, {"tenant_id", globex.id}}).status,
              422);
    EXPECT_EQ(acme.http.get("/api/v1/tickets").json()["items"].size(), 0u);
}

TEST_F(AdminTickets, TenantAdminsSeeTheirOwnAuditLogOnly) {
    auto id = open_ticket(acme, "Audited");
    open_ticket(globex, "Elsewhere");
    ASSERT_EQ(root.post("/api/v1/admin/tickets/" + id + "/messages", {{"body", "Answer"}}).status, 201);
    auto own = acme.http.get("/api/v1/audit?action=ticket").json();
    ASSERT_EQ(own["items"].size(), 2u) << own.dump();  // opened by acme, replied by the platform
    for (auto& e : own["items"]) EXPECT_EQ(e["tenant_id"], acme.id);
    auto all = root.get("/api/v1/admin/audit?action=ticket.opened").json();
    EXPECT_EQ(all["items"].size(), 2u);
    auto page1 = root.get("/api/v1/admin/audit?limit=1").json();
    ASSERT_TRUE(page1["next_cursor"].is_string());
    auto page2 = root.get("/api/v1/admin/audit?limit=1&cursor=" + page1["next_cursor"].get<std::string>()).json();
    ASSERT_EQ(page2["items"].size(), 1u);
    EXPECT_LT(std::stoll(page2["items"][0]["id"].get<std::string>()),
              std::stoll(page1["items"][0]["id"].get<std::string>()));
    auto csv = root.get("/api/v1/admin/audit?format=csv&action=ticket");
    EXPECT_EQ(csv.status, 200);
    EXPECT_EQ(csv.body.rfind("id,created_at,tenant,", 0), 0u) << csv.body.substr(0, 100);
}

}  // namespace
}  // namespace dh::test
