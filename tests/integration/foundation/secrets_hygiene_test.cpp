// Secrets hygiene: the server runs with sentinel secrets (JWT key, database password in
// DATABASE_URL, SMTP password in SMTP_URL) and goes through sign-in, a wrong password, token
// refresh and reuse of a rotated refresh token, a forged bearer token, and a dispatch whose relay
// refuses the connection; no log line, error body or metric may contain any of the secrets.
#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "common/random.hpp"
#include "dispatch/dispatch_fixture.hpp"
#include "harness/cluster.hpp"
#include "harness/net.hpp"
#include "harness/server.hpp"
#include "harness/tenants.hpp"
#include "harness/wait.hpp"

namespace dh::test {
namespace {

struct Secret {
    const char* what;
    std::string value;
};

void expect_absent(const std::vector<Secret>& secrets, const std::string& where, const std::string& text) {
    for (auto& s : secrets) EXPECT_EQ(text.find(s.value), std::string::npos) << s.what << " appears in " << where;
}

TEST(SecretsHygiene, NoSecretInLogsErrorBodiesOrMetrics) {
    const std::string jwt_key = "JwtKeySentinel" + random::hex(16);
    const std::string db_password = "DbPasswordSentinel" + random::hex(8);
    const std::string smtp_password = "SmtpPasswordSentinel" + random::hex(8);
    const std::string wrong_password = "UserPasswordSentinel" + random::hex(8);
    TestDatabase db("sec", Schema::migrated);
    std::string url = db.url();
    url.replace(url.find("postgres@"), 9, "postgres:" + db_password + "@");  // trust auth: accepted, unused
    const int closed_port = free_port();  // nothing listens: every delivery attempt fails
    TestServer server(
        {{"JWT_SECRET", jwt_key},
         {"DATABASE_URL", url},
         {"SMTP_URL", "smtp://mailer:" + smtp_password + "@127.0.0.1:" + std::to_string(closed_port) + "?tls=none"},
         {"LOG_LEVEL", "debug"},
         {"RETRY_BASE_SECONDS", "1"}});
    PlatformSession platform(server);
    auto acme = platform.create_tenant("acme");
    auto http = server.client();
    std::vector<HttpResponse> errors;

    // A wrong password, then the right one: the session's tokens are secrets from here on.
    errors.push_back(http.post("/api/v1/auth/login",
                               {{"email", acme.admin_email}, {"password", wrong_password}, {"tenant", "acme"}}));
    EXPECT_EQ(errors.back().status, 401);
    auto login = http.post("/api/v1/auth/login",
                           {{"email", acme.admin_email}, {"password", acme.admin_password}, {"tenant", "acme"}});
    ASSERT_EQ(login.status, 200) << login.body;
    const std::string refresh_token = login.json()["refresh_token"];
    const std::string access_token = login.json()["access_token"];
    auto refreshed = http.post("/api/v1/auth/refresh", {{"refresh_token", refresh_token}});
    ASSERT_EQ(refreshed.status, 200) << refreshed.body;
    errors.push_back(http.post("/api/v1/auth/refresh", {{"refresh_token", refresh_token}}));  // rotated: refused
    EXPECT_EQ(errors.back().status, 401);
    errors.push_back(http.request("GET", "/api/v1/vendors", "", {{"Authorization", "Bearer " + access_token + "x"}}));
    EXPECT_EQ(errors.back().status, 401);
    // Reusing the rotated refresh token ended every access token of the admin: sign in again.
    EXPECT_EQ(acme.http.get("/api/v1/vendors").status, 401);
    acme.http.set_token(platform.login(acme.admin_email, acme.admin_password, "acme"));

    // A dispatch whose relay refuses the connection: the worker logs the failures.
    auto list = import_vendors(acme, 2);
    auto created = acme.http.post("/api/v1/dispatches", dispatch_body(list));
    ASSERT_EQ(created.status, 201) << created.body;
    const std::string id = created.json()["id"];
    wait_until([&] { return acme.http.get("/api/v1/dispatches/" + id).json()["counts"].value("deferred", 0) > 0; },
               std::chrono::seconds(60));
    auto deliveries = acme.http.get("/api/v1/dispatches/" + id + "/deliveries");
    EXPECT_NE(deliveries.body.find("deferred"), std::string::npos)
        << "no delivery attempt failed yet: " << deliveries.body;
    auto metrics = http.get("/metrics");
    ASSERT_EQ(metrics.status, 200);
    server.stop();
    const std::string log = server.log();
    ASSERT_NE(log.find("smtp"), std::string::npos) << "the relay failures were not logged: the test saw nothing";

    const std::vector<Secret> secrets = {
        {"the JWT key", jwt_key},
        {"the database password", db_password},
        {"the SMTP password", smtp_password},
        {"a user's password", acme.admin_password},
        {"a wrong password", wrong_password},
        {"the refresh token", refresh_token},
        {"the rotated refresh token", refreshed.json()["refresh_token"].get<std::string>()}};
    expect_absent(secrets, "the server log", log);
    expect_absent(secrets, "/metrics", metrics.body);
    expect_absent(secrets, "the deliveries (relay errors)", deliveries.body);
    for (auto& e : errors) expect_absent(secrets, "an error body (" + std::to_string(e.status) + ")", e.body);
}

}  // namespace
}  // namespace dh::test
