// Identity and isolation against the real server and database.
#include <gtest/gtest.h>

#include <future>
#include <set>

#include "common/error.hpp"
#include "db/connection.hpp"
#include "harness/tenants.hpp"
#include "harness/wait.hpp"

namespace dh::test {
namespace {

struct Identity : ::testing::Test {
    TestServer server;
    PlatformSession platform{server};
    TenantSession acme = platform.create_tenant("acme");
    TenantSession globex = platform.create_tenant("globex");

    std::string create_member(TenantSession& t, const std::string& email) {
        auto r = t.http.post(
            "/api/v1/users",
            {{"email", email}, {"name", "Clerk"}, {"role", "tenant_member"}, {"password", "Clerk-Passw0rd-123"}});
        EXPECT_EQ(r.status, 201) << r.body;
        return r.json()["id"].get<std::string>();
    }
};

long password_verifications(const TestServer& server) {
    return metric(server, "dispatchhub_password_verifications_total");
}

HttpResponse login_from(const HttpClient& http, const std::string& forwarded_for, const std::string& email,
                        const std::string& password) {
    return http.request("POST", "/api/v1/auth/login", nlohmann::json{{"email", email}, {"password", password}}.dump(),
                        {{"X-Forwarded-For", forwarded_for}});
}

/// The client address the audit log recorded for the latest sign-in of `email`.
std::string last_login_address(const TestServer& server, const std::string& email) {
    auto r =
        db::Connection(server.database().conninfo())
            .exec(
                "SELECT coalesce(client_ip, '') AS ip FROM audit_log WHERE action = 'auth.login' AND actor_label = $1 "
                "ORDER BY created_at DESC LIMIT 1",
                {email});
    return r.empty() ? std::string() : r.text(0, "ip");
}

TEST_F(Identity, MeShowsTenantAndPlan) {
    auto me = acme.http.get("/api/v1/me");
    ASSERT_EQ(me.status, 200) << me.body;
    EXPECT_EQ(me.json()["tenant"]["slug"], "acme");
    EXPECT_EQ(me.json()["role"], "tenant_admin");
    EXPECT_FALSE(me.json()["plan"]["name"].get<std::string>().empty());
    EXPECT_FALSE(me.json()["user"].contains("password_hash"));
}

TEST_F(Identity, TenantUsersAreInvisibleAndUnchangeableAcrossTenants) {
    auto uid = create_member(acme, "clerk@acme.test");
    auto list = globex.http.get("/api/v1/users").json();  // keep the JSON alive for the loop
    for (auto& u : list["items"]) EXPECT_NE(u["id"], uid);
    EXPECT_EQ(globex.http.patch("/api/v1/users/" + uid, {{"name", "pwned"}}).status, 404);
    EXPECT_EQ(globex.http.del("/api/v1/users/" + uid).status, 404);
    bool unchanged = false;
    auto mine = acme.http.get("/api/v1/users");
    auto mine_json = mine.json();
    for (auto& u : mine_json["items"])
        if (u["id"] == uid) unchanged = u["name"] == "Clerk";
    EXPECT_TRUE(unchanged) << mine.body;
}

TEST_F(Identity, ApiKeysAuthenticateAreTenantScopedAndRevocable) {
    auto created = acme.http.post("/api/v1/api-keys", {{"name", "erp"}, {"role", "tenant_member"}});
    ASSERT_EQ(created.status, 201) << created.body;
    auto key = created.json()["key"].get<std::string>();
    auto id = created.json()["id"].get<std::string>();
    EXPECT_EQ(key.rfind("dh_", 0), 0u);
    HttpClient erp(server.base());
    erp.set_token(key);
    auto me = erp.get("/api/v1/me");
    EXPECT_EQ(me.status, 200);
    EXPECT_EQ(me.json()["tenant"]["slug"], "acme");
    EXPECT_EQ(erp.get("/api/v1/api-keys").status, 403) << "a member key cannot manage keys";
    auto keys = acme.http.get("/api/v1/api-keys").json();
    for (auto& k : keys["items"]) EXPECT_FALSE(k.contains("key")) << "shown once";
    EXPECT_EQ(globex.http.del("/api/v1/api-keys/" + id).status, 404);
    EXPECT_EQ(erp.get("/api/v1/me").status, 200);
    EXPECT_EQ(acme.http.del("/api/v1/api-keys/" + id).status, 204);
    EXPECT_EQ(erp.get("/api/v1/me").status, 401);
}

// The request only notes the use; the server's own thread writes last_used_at a moment later.
TEST_F(Identity, AnApiKeysLastUseIsRecordedAfterItsRequest) {
    auto created = acme.http.post("/api/v1/api-keys", {{"name", "ledger"}, {"role", "tenant_member"}});
    ASSERT_EQ(created.status, 201) << created.body;
    auto id = created.json()["id"].get<std::string>();
    auto last_used = [&] {
        auto keys = acme.http.get("/api/v1/api-keys").json();
        for (auto& k : keys["items"])
            if (k["id"] == id) return k["last_used_at"];
        return nlohmann::json("missing");
    };
    EXPECT_TRUE(last_used().is_null()) << "not used yet: " << last_used().dump();
    HttpClient ledger(server.base());
    ledger.set_token(created.json()["key"].get<std::string>());
    ASSERT_EQ(ledger.get("/api/v1/me").status, 200);
    EXPECT_TRUE(wait_until([&] { return last_used().is_string(); }, std::chrono::seconds(30)))
        << "last_used_at: " << last_used().dump();
}

TEST_F(Identity, EveryProtectedRouteRefusesAnonymousAndEveryAdminRouteRefusesTenants) {
    auto doc = HttpClient(server.base()).get("/api/v1/openapi.json").json();
    HttpClient anon(server.base());
    int admin_routes = 0;
    for (auto& [path, item] : doc["paths"].items()) {
        std::string concrete = path;
        for (auto pos = concrete.find('{'); pos != std::string::npos; pos = concrete.find('{'))
            concrete.replace(pos, concrete.find('}', pos) - pos + 1, "00000000-0000-4000-8000-000000000000");
        for (auto& [method, op] : item.items()) {
            std::string m = method;
            for (auto& c : m) c = static_cast<char>(std::toupper(c));
            bool is_public = op.contains("security") && op["security"].empty();
            if (!is_public) {
                EXPECT_EQ(anon.request(m, concrete, "{}").status, 401) << m << " " << path;
            }
            if (path.rfind("/api/v1/admin/", 0) == 0) {
                ++admin_routes;
                EXPECT_EQ(acme.http.request(m, concrete, "{}").status, 403) << m << " " << path;
            }
        }
    }
    EXPECT_GE(admin_routes, 4);
}

TEST_F(Identity, MassAssignmentAndLastAdminRules) {
    auto clerk_id = create_member(acme, "clerk@acme.test");
    HttpClient clerk(server.base());
    clerk.set_token(platform.login("clerk@acme.test", "Clerk-Passw0rd-123", "acme"));
    EXPECT_EQ(clerk.patch("/api/v1/users/" + clerk_id, {{"role", "tenant_admin"}}).status, 403);
    EXPECT_EQ(clerk.patch("/api/v1/users/" + clerk_id, {{"status", "active"}}).status, 403);
    EXPECT_EQ(clerk.patch("/api/v1/users/" + clerk_id, {{"tenant_id", globex.id}}).status, 403);
    EXPECT_EQ(clerk.patch("/api/v1/users/" + clerk_id, {{"name", "Me"}}).status, 200);
    EXPECT_EQ(clerk.post("/api/v1/users", {{"email", "x@acme.test"}, {"password", "Another-Passw0rd-1"}}).status, 403);
    EXPECT_EQ(acme.http
                  .post("/api/v1/users",
                        {{"email", "boss@acme.test"}, {"role", "super_admin"}, {"password", "Another-Passw0rd-1"}})
                  .status,
              422);
    auto me = acme.http.get("/api/v1/me").json()["user"]["id"].get<std::string>();
    auto demote = acme.http.patch("/api/v1/users/" + me, {{"role", "tenant_member"}});
    EXPECT_EQ(demote.status, 409);
    EXPECT_EQ(demote.json()["code"], "last_admin");
    EXPECT_EQ(acme.http.del("/api/v1/users/" + me).status, 409);
    EXPECT_EQ(acme.http.post("/api/v1/users", {{"email", "weak@acme.test"}, {"password", "password1234"}}).status, 422);
}

TEST_F(Identity, RefreshRotatesAndReuseRevokesTheFamily) {
    HttpClient anon(server.base());
    auto login = anon.post("/api/v1/auth/login",
                           {{"email", acme.admin_email}, {"password", acme.admin_password}, {"tenant", "acme"}});
    ASSERT_EQ(login.status, 200);
    EXPECT_NE(login.header("set-cookie").find("HttpOnly"), std::string::npos);
    EXPECT_NE(login.header("set-cookie").find("SameSite=Strict"), std::string::npos);
    EXPECT_NE(login.header("set-cookie").find("Secure"), std::string::npos);
    auto first = login.json()["refresh_token"].get<std::string>();
    auto rotated = anon.post("/api/v1/auth/refresh", {{"refresh_token", first}});
    ASSERT_EQ(rotated.status, 200);
    auto second = rotated.json()["refresh_token"].get<std::string>();
    EXPECT_NE(first, second);
    // The cookie works too (web UI).
    auto by_cookie = anon.request("POST", "/api/v1/auth/refresh", "", {{"Cookie", "dh_refresh=" + second}});
    ASSERT_EQ(by_cookie.status, 200);
    auto third = by_cookie.json()["refresh_token"].get<std::string>();
    EXPECT_EQ(anon.post("/api/v1/auth/refresh", {{"refresh_token", first}}).status, 401) << "reuse";
    EXPECT_EQ(anon.post("/api/v1/auth/refresh", {{"refresh_token", third}}).status, 401) << "family revoked";
}

TEST_F(Identity, ConcurrentRefreshOfOneTokenHasAtMostOneWinner) {
    HttpClient anon(server.base());
    auto token = anon.post("/api/v1/auth/login", {{"email", acme.admin_email}, {"password", acme.admin_password}})
                     .json()["refresh_token"]
                     .get<std::string>();
    std::vector<std::future<long>> calls;
    for (int i = 0; i < 8; ++i)
        calls.push_back(std::async(std::launch::async, [&] {
            return HttpClient(server.base()).post("/api/v1/auth/refresh", {{"refresh_token", token}}).status;
        }));
    int ok = 0;
    for (auto& c : calls) ok += c.get() == 200;
    EXPECT_LE(ok, 1);
}

TEST_F(Identity, LogoutEndsTheSession) {
    HttpClient anon(server.base());
    auto token = anon.post("/api/v1/auth/login", {{"email", acme.admin_email}, {"password", acme.admin_password}})
                     .json()["refresh_token"]
                     .get<std::string>();
    EXPECT_EQ(anon.post("/api/v1/auth/logout", {{"refresh_token", token}}).status, 204);
    EXPECT_EQ(anon.post("/api/v1/auth/refresh", {{"refresh_token", token}}).status, 401);
}

TEST_F(Identity, SuspensionLocksTheTenantOutAndActivationLetsItBackIn) {
    HttpClient anon(server.base());
    auto refresh = anon.post("/api/v1/auth/login", {{"email", acme.admin_email}, {"password", acme.admin_password}})
                       .json()["refresh_token"]
                       .get<std::string>();
    auto r = platform.root().post("/api/v1/admin/tenants/" + acme.id + "/suspend", {{"reason", "unpaid"}});
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.json()["status"], "suspended");
    auto me = acme.http.get("/api/v1/me");
    EXPECT_EQ(me.status, 403);
    EXPECT_EQ(me.json()["code"], "tenant_suspended");
    EXPECT_EQ(anon.post("/api/v1/auth/refresh", {{"refresh_token", refresh}}).status, 403);
    EXPECT_NE(anon.post("/api/v1/auth/login", {{"email", acme.admin_email}, {"password", acme.admin_password}}).status,
              200);
    EXPECT_EQ(globex.http.get("/api/v1/me").status, 200) << "other tenants unaffected";
    ASSERT_EQ(platform.root().post("/api/v1/admin/tenants/" + acme.id + "/activate", nlohmann::json::object()).status,
              200);
    EXPECT_EQ(acme.http.get("/api/v1/me").status, 401) << "an access token from before the suspension stays dead";
    HttpClient again(server.base());
    again.set_token(platform.login(acme.admin_email, acme.admin_password, "acme"));
    EXPECT_EQ(again.get("/api/v1/me").status, 200) << "signing in again works";
    auto audit_rows =
        db::Connection(server.database().conninfo())
            .exec("SELECT count(*) AS n FROM audit_log WHERE action IN ('tenant.suspended','tenant.activated')");
    EXPECT_EQ(audit_rows.integer(0, "n"), 2);
}

TEST_F(Identity, LoginFailuresLookAlikeAndCostTheSameWork) {
    HttpClient anon(server.base());
    auto before = password_verifications(server);
    ASSERT_GE(before, 0) << "the counter is on /metrics";
    auto unknown =
        anon.post("/api/v1/auth/login", {{"email", "nobody@acme.test"}, {"password", "whatever-password-1"}});
    auto after_unknown = password_verifications(server);
    auto wrong = anon.post("/api/v1/auth/login", {{"email", globex.admin_email}, {"password", "wrong-password-x"}});
    auto after_wrong = password_verifications(server);
    EXPECT_EQ(unknown.status, 401);
    EXPECT_EQ(wrong.status, 401);
    EXPECT_EQ(unknown.json()["code"], wrong.json()["code"]);
    EXPECT_EQ(unknown.json()["detail"], wrong.json()["detail"]);
    // Equal work, counted rather than timed: an unknown email costs one password verification, as a
    // wrong password for a known one does.
    EXPECT_EQ(after_unknown - before, 1) << "unknown email";
    EXPECT_EQ(after_wrong - after_unknown, 1) << "wrong password";
}

TEST_F(Identity, AThrottledAccountDoesNotLockOutItsNeighboursAtTheSameAddress) {
    HttpClient anon(server.base());
    HttpResponse throttled;
    for (int i = 0; i < 11; ++i)
        throttled = anon.post("/api/v1/auth/login", {{"email", globex.admin_email}, {"password", "wrong-password-x"}});
    EXPECT_EQ(throttled.status, 429) << "ten failures lock the account";
    EXPECT_FALSE(throttled.header("retry-after").empty());
    auto before = password_verifications(server);
    EXPECT_EQ(
        anon.post("/api/v1/auth/login", {{"email", globex.admin_email}, {"password", globex.admin_password}}).status,
        429)
        << "the right password does not bypass the account's throttle";
    EXPECT_EQ(password_verifications(server), before) << "a throttled attempt verifies nothing";
    // Another account at the same address (everybody behind one NAT or proxy) signs in normally. The
    // X-Forwarded-For it sends is not believed: no proxy is trusted on this server.
    auto neighbour = login_from(anon, "203.0.113.9", acme.admin_email, acme.admin_password);
    EXPECT_EQ(neighbour.status, 200) << neighbour.body;
    EXPECT_EQ(last_login_address(server, acme.admin_email), "127.0.0.1");
}

TEST(ClientAddress, ForwardedForFromATrustedProxyNamesTheClientForThrottlingAndAudit) {
    TestServer server(Env{{"TRUSTED_PROXIES", "127.0.0.0/8, ::1"}});
    PlatformSession platform(server);
    auto acme = platform.create_tenant("acme");
    HttpClient proxy(server.base());  // the test plays the load balancer: it connects from 127.0.0.1
    // A password sprayer at 203.0.113.7 that also writes its own X-Forwarded-For entry to the left:
    // the right-most address the proxy appended is the one that counts.
    int failures_before_refusal = -1;
    for (int i = 0; i < 130 && failures_before_refusal < 0; ++i) {
        auto r = login_from(proxy, "198.51.100.1, 203.0.113.7", "sprayed" + std::to_string(i) + "@acme.test",
                            "Wrong-Passw0rd-123");
        if (r.status == 429) failures_before_refusal = i;
    }
    EXPECT_EQ(failures_before_refusal, 100) << "the per-address limit is far above the per-account one";
    EXPECT_EQ(login_from(proxy, "203.0.113.7", acme.admin_email, acme.admin_password).status, 429)
        << "the spraying address is refused";
    auto other = login_from(proxy, "198.51.100.1, 203.0.113.8", acme.admin_email, acme.admin_password);
    EXPECT_EQ(other.status, 200) << "another client behind the same proxy is not: " << other.body;
    EXPECT_EQ(last_login_address(server, acme.admin_email), "203.0.113.8");
}

TEST_F(Identity, ReusingARefreshTokenEndsTheAccessTokensAtOnce) {
    HttpClient anon(server.base());
    auto login = anon.post("/api/v1/auth/login", {{"email", acme.admin_email}, {"password", acme.admin_password}});
    ASSERT_EQ(login.status, 200);
    auto first = login.json()["refresh_token"].get<std::string>();
    auto rotated = anon.post("/api/v1/auth/refresh", {{"refresh_token", first}});
    ASSERT_EQ(rotated.status, 200);
    HttpClient old_access(server.base()), new_access(server.base());
    old_access.set_token(login.json()["access_token"].get<std::string>());
    new_access.set_token(rotated.json()["access_token"].get<std::string>());
    ASSERT_EQ(new_access.get("/api/v1/me").status, 200);
    EXPECT_EQ(anon.post("/api/v1/auth/refresh", {{"refresh_token", first}}).status, 401) << "reuse";
    EXPECT_EQ(old_access.get("/api/v1/me").status, 401) << "access token issued at sign-in";
    EXPECT_EQ(new_access.get("/api/v1/me").status, 401) << "access token issued by the rotation";
}

TEST_F(Identity, ChangingPasswordRoleOrStatusEndsTheUsersAccessTokensAtOnce) {
    auto clerk_id = create_member(acme, "clerk@acme.test");
    std::string password = "Clerk-Passw0rd-123";
    auto signed_in = [&] {
        HttpClient clerk(server.base());
        clerk.set_token(platform.login("clerk@acme.test", password, "acme"));
        EXPECT_EQ(clerk.get("/api/v1/me").status, 200);
        return clerk;
    };
    auto clerk = signed_in();
    password = "Changed-Passw0rd-456";
    ASSERT_EQ(acme.http.patch("/api/v1/users/" + clerk_id, {{"password", password}}).status, 200);
    EXPECT_EQ(clerk.get("/api/v1/me").status, 401) << "password changed";

    clerk = signed_in();
    ASSERT_EQ(acme.http.patch("/api/v1/users/" + clerk_id, {{"role", "tenant_admin"}}).status, 200);
    EXPECT_EQ(clerk.get("/api/v1/me").status, 401) << "role changed";

    clerk = signed_in();
    ASSERT_EQ(acme.http.patch("/api/v1/users/" + clerk_id, {{"status", "disabled"}}).status, 200);
    EXPECT_EQ(clerk.get("/api/v1/me").status, 401) << "disabled";
    ASSERT_EQ(acme.http.patch("/api/v1/users/" + clerk_id, {{"status", "active"}}).status, 200);
    EXPECT_EQ(clerk.get("/api/v1/me").status, 401) << "enabled again: the old token stays dead";
    EXPECT_EQ(signed_in().get("/api/v1/me").status, 200);
    EXPECT_EQ(acme.http.patch("/api/v1/users/" + clerk_id, {{"name", "Renamed"}}).status, 200);
    EXPECT_EQ(acme.http.get("/api/v1/me").status, 200) << "the admin's own token is untouched";
}

TEST_F(Identity, SameEmailInTwoTenantsNeedsTheSlug) {
    create_member(acme, "shared@vendor.test");
    create_member(globex, "shared@vendor.test");
    HttpClient anon(server.base());
    auto ambiguous =
        anon.post("/api/v1/auth/login", {{"email", "shared@vendor.test"}, {"password", "Clerk-Passw0rd-123"}});
    EXPECT_EQ(ambiguous.status, 400);
    EXPECT_EQ(ambiguous.json()["code"], "tenant_required");
    auto chosen =
        anon.post("/api/v1/auth/login",
                  {{"email", "shared@vendor.test"}, {"password", "Clerk-Passw0rd-123"}, {"tenant", "globex"}});
    ASSERT_EQ(chosen.status, 200);
    EXPECT_EQ(chosen.json()["user"]["tenant_id"], globex.id);
}

TEST_F(Identity, RowLevelSecurityHoldsWhenTheApplicationForgetsTheTenant) {
    db::Connection conn(server.database().conninfo());
    conn.exec_script("SET ROLE dispatchhub_app");
    EXPECT_EQ(conn.exec("SELECT count(*) AS n FROM users").integer(0, "n"), 0) << "no tenant set: nothing";
    conn.exec("SELECT set_config('app.tenant_id', $1, false)", {globex.id});
    EXPECT_EQ(conn.exec("SELECT count(*) AS n FROM users WHERE tenant_id = $1::uuid", {acme.id}).integer(0, "n"), 0);
    EXPECT_GE(conn.exec("SELECT count(*) AS n FROM users").integer(0, "n"), 1);
    EXPECT_THROW(conn.exec("INSERT INTO users (tenant_id, email, role, password_hash) VALUES ($1::uuid, 'x@y.z', "
                           "'tenant_member', 'x')",
                           {acme.id}),
                 dh::Error);
}

TEST_F(Identity, EveryTenantTableIsUnderForcedRowLevelSecurity) {
    db::Connection conn(server.database().conninfo());
    auto bad = conn.exec(R"SQL(
SELECT c.relname FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = 'tenant_id'
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema')
  AND (NOT c.relrowsecurity OR NOT c.relforcerowsecurity
       OR NOT EXISTS (SELECT 1 FROM pg_policy p WHERE p.polrelid = c.oid)))SQL");
    std::string names;
    for (int i = 0; i < bad.rows(); ++i) names += bad.text(i, 0) + " ";
    EXPECT_EQ(bad.rows(), 0) << "tables with tenant_id without forced RLS and a policy: " << names;
}

TEST_F(Identity, SuperAdminBootstrapAndTenantCreationRules) {
    auto dup = platform.root().post(
        "/api/v1/admin/tenants",
        {{"name", "again"}, {"slug", "acme"}, {"admin_email", "a@b.test"}, {"admin_password", "Long-enough-Passw0rd"}});
    EXPECT_EQ(dup.status, 409);
    auto bad_slug = platform.root().post("/api/v1/admin/tenants", {{"name", "x"},
                                                                   {"slug", "Not A Slug"},
                                                                   {"admin_email", "a@b.test"},
                                                                   {"admin_password", "Long-enough-Passw0rd"}});
    EXPECT_EQ(bad_slug.status, 422);
    EXPECT_EQ(bad_slug.json()["field"], "slug");
    auto listed = platform.root().get("/api/v1/admin/tenants?limit=1");
    EXPECT_EQ(listed.json()["items"].size(), 1u);
    ASSERT_TRUE(listed.json()["next_cursor"].is_string());
    auto next =
        platform.root().get("/api/v1/admin/tenants?limit=1&cursor=" + listed.json()["next_cursor"].get<std::string>());
    EXPECT_EQ(next.json()["items"].size(), 1u);
    EXPECT_NE(next.json()["items"][0]["id"], listed.json()["items"][0]["id"]);
    auto again = run_binary({"admin", "create-superadmin", "--email", "root@platform.test", "--password-file",
                             server.data_dir() + "/root.pw"},
                            server.env());
    EXPECT_NE(again.exit_code, 0);
    EXPECT_EQ(again.output.find("Root-platform-Passw0rd!"), std::string::npos);
}

}  // namespace
}  // namespace dh::test
