// Authentication keeps the user (or API key) it read for a few seconds, so that a request needs no
// transaction of its own to authenticate. These tests run the server with a cache that would keep
// rows for five minutes: a session ended by a change made elsewhere (here by SQL on another
// connection, as another server or an operator would) must still end within moments, which only
// the database's notification can do. Changes made through this server's own API are covered by
// the identity tests, which run with the default cache.
#include <gtest/gtest.h>

#include "db/connection.hpp"
#include "harness/tenants.hpp"
#include "harness/wait.hpp"

namespace dh::test {
namespace {

using namespace std::chrono_literals;

struct PrincipalCache : ::testing::Test {
    TestServer server{{{"AUTH_CACHE_SECONDS", "300"}}};
    PlatformSession platform{server};
    TenantSession acme = platform.create_tenant("acme");

    void owner_sql(const std::string& sql, const db::Params& params) {
        db::Connection(server.database().conninfo()).exec(sql, params);
    }
    /// Waits until `client` gets `status` on /api/v1/me; true when it did.
    bool answers(const HttpClient& client, int status) {
        return wait_until([&] { return client.get("/api/v1/me").status == status; }, 15s);
    }
};

TEST_F(PrincipalCache, RepeatedRequestsOfASessionDoNotReadTheUserAgain) {
    ASSERT_EQ(acme.http.get("/api/v1/me").status, 200);
    const long hits = metric(server, "dispatchhub_auth_cache_hits_total");
    const long misses = metric(server, "dispatchhub_auth_cache_misses_total");
    ASSERT_GE(hits, 0);
    for (int i = 0; i < 10; ++i) ASSERT_EQ(acme.http.get("/api/v1/vendors").status, 200);
    EXPECT_EQ(metric(server, "dispatchhub_auth_cache_hits_total") - hits, 10);
    EXPECT_EQ(metric(server, "dispatchhub_auth_cache_misses_total"), misses);
}

TEST_F(PrincipalCache, AUserDisabledByAnotherProcessIsRefusedWithinMoments) {
    ASSERT_EQ(acme.http.get("/api/v1/me").status, 200);  // kept
    owner_sql("UPDATE users SET status = 'disabled' WHERE email = $1", {acme.admin_email});
    EXPECT_TRUE(answers(acme.http, 401)) << "the session outlived its user's disabling";
}

TEST_F(PrincipalCache, ATenantSuspendedAndAKeyRevokedByAnotherProcessAreRefusedWithinMoments) {
    auto created = acme.http.post("/api/v1/api-keys", {{"name", "erp"}, {"role", "tenant_member"}});
    ASSERT_EQ(created.status, 201) << created.body;
    HttpClient erp(server.base());
    erp.set_token(created.json()["key"].get<std::string>());
    ASSERT_EQ(erp.get("/api/v1/me").status, 200);  // kept

    owner_sql("UPDATE api_keys SET revoked_at = now() WHERE id = $1::uuid", {created.json()["id"].get<std::string>()});
    EXPECT_TRUE(answers(erp, 401)) << "a revoked key still worked";

    auto second = acme.http.post("/api/v1/api-keys", {{"name", "erp2"}, {"role", "tenant_member"}});
    ASSERT_EQ(second.status, 201) << second.body;
    HttpClient erp2(server.base());
    erp2.set_token(second.json()["key"].get<std::string>());
    ASSERT_EQ(erp2.get("/api/v1/me").status, 200);  // kept
    owner_sql("UPDATE tenants SET status = 'suspended' WHERE id = $1::uuid", {acme.id});
    EXPECT_TRUE(answers(erp2, 403)) << "a key of a suspended tenant still worked";
    EXPECT_TRUE(answers(acme.http, 403)) << "a user of a suspended tenant still worked";
}

}  // namespace
}  // namespace dh::test
