// A user's own password over the real API: change with the current one, reset by mail through the
// platform sender (capture transport), one-use expiring tokens, sessions ended, no account oracle.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include "db/connection.hpp"
#include "harness/tenants.hpp"
#include "harness/wait.hpp"

namespace dh::test {
namespace {

using namespace std::chrono_literals;

struct Account : ::testing::Test {
    TestServer server;
    PlatformSession platform{server};
    TenantSession acme = platform.create_tenant("acme");

    int login_status(const std::string& email, const std::string& password, const std::string& tenant = "acme") {
        return HttpClient(server.base())
            .post("/api/v1/auth/login", {{"email", email}, {"password", password}, {"tenant", tenant}})
            .status;
    }
    long long count(const std::string& sql, const db::Params& params = {}) {
        db::Connection conn(server.database().conninfo());
        return conn.exec(sql, params).integer(0, "n");
    }
    /// Reset codes in the captured mail to `to`, oldest first by file time.
    std::vector<std::string> reset_codes(const std::string& to) {
        std::vector<std::pair<std::filesystem::file_time_type, std::string>> found;
        std::error_code ec;
        for (auto& e : std::filesystem::directory_iterator(server.data_dir() + "/outbox", ec)) {
            // A message being written is a hidden .tmp that is renamed away under the iterator.
            if (e.path().extension() != ".eml") continue;
            std::stringstream text;
            text << std::ifstream(e.path()).rdbuf();
            auto mail = text.str();
            if (mail.find("Reset your DispatchHub password") == std::string::npos || mail.find(to) == std::string::npos)
                continue;
            std::smatch m;
            auto at = mail.find("usable once");
            std::string tail = at == std::string::npos ? "" : mail.substr(at);
            if (std::regex_search(tail, m, std::regex(R"(\s([A-Za-z0-9_-]{40,})\s)")))
                found.push_back({e.last_write_time(ec), m[1]});
        }
        std::sort(found.begin(), found.end());
        std::vector<std::string> out;
        for (auto& f : found) out.push_back(f.second);
        return out;
    }
    std::string wait_for_code(const std::string& to, std::size_t n = 1) {
        std::vector<std::string> codes;
        wait_until([&] { return (codes = reset_codes(to)).size() >= n; }, 30s);
        return codes.size() >= n ? codes[n - 1] : "";
    }
};

TEST_F(Account, ChangePasswordNeedsTheCurrentOneAndEndsEverySession) {
    HttpClient other(server.base());
    other.set_token(platform.login(acme.admin_email, acme.admin_password, "acme"));
    ASSERT_EQ(other.get("/api/v1/me").status, 200);

    auto wrong = acme.http.post("/api/v1/me/password", {{"current_password", "Not-the-Passw0rd!"},
                                                        {"new_password", "Changed-acme-Passw0rd-2"}});
    EXPECT_EQ(wrong.status, 422);
    EXPECT_EQ(wrong.json().value("field", ""), "current_password");
    auto weak =
        acme.http.post("/api/v1/me/password", {{"current_password", acme.admin_password}, {"new_password", "short"}});
    EXPECT_EQ(weak.status, 422);
    EXPECT_EQ(weak.json().value("field", ""), "new_password");
    EXPECT_EQ(other.get("/api/v1/me").status, 200) << "a refused change ends nothing";

    auto changed = acme.http.post("/api/v1/me/password", {{"current_password", acme.admin_password},
                                                          {"new_password", "Changed-acme-Passw0rd-2"}});
    ASSERT_EQ(changed.status, 204) << changed.body;
    EXPECT_EQ(other.get("/api/v1/me").status, 401);
    EXPECT_EQ(login_status(acme.admin_email, acme.admin_password), 401);
    EXPECT_EQ(login_status(acme.admin_email, "Changed-acme-Passw0rd-2"), 200);
    EXPECT_EQ(count("SELECT count(*) AS n FROM refresh_tokens r JOIN users u ON u.id = r.user_id "
                    "WHERE u.email = $1 AND r.revoked_at IS NULL",
                    {acme.admin_email}),
              1)
        << "only the session signed in after the change is open";
    EXPECT_EQ(count("SELECT count(*) AS n FROM audit_log WHERE action = 'auth.password_changed'"), 1);
}

TEST_F(Account, ResetByMailIsOneUseAndAnswersAlikeForUnknownAccounts) {
    HttpClient anon(server.base());
    auto known = anon.post("/api/v1/auth/password-reset", {{"email", "ADMIN@acme.test"}, {"tenant", "acme"}});
    EXPECT_EQ(known.status, 202) << known.body;
    auto unknown = anon.post("/api/v1/auth/password-reset", {{"email", "nobody@acme.test"}, {"tenant", "acme"}});
    EXPECT_EQ(unknown.status, 202);
    EXPECT_EQ(unknown.body, known.body);
    EXPECT_EQ(anon.post("/api/v1/auth/password-reset", {{"email", "admin@acme.test"}, {"tenant", "nope"}}).status, 202);

    auto code = wait_for_code(acme.admin_email);
    ASSERT_FALSE(code.empty()) << "no reset mail reached the transport";
    EXPECT_EQ(count("SELECT count(*) AS n FROM password_resets WHERE token_hash = $1", {code}), 0) << "stored hashed";
    EXPECT_EQ(count("SELECT count(*) AS n FROM platform_notifications WHERE event = 'password_reset' AND body LIKE '%' "
                    "|| $1 || '%'",
                    {code}),
              0)
        << "the sent mail's text is not kept";
    EXPECT_EQ(count("SELECT count(*) AS n FROM platform_notifications WHERE event = 'password_reset'"), 1)
        << "unknown accounts and workspaces get no mail";

    auto weak = anon.post("/api/v1/auth/password-reset/confirm", {{"token", code}, {"new_password", "short"}});
    EXPECT_EQ(weak.status, 422);
    EXPECT_EQ(weak.json().value("field", ""), "new_password");
    auto ok =
        anon.post("/api/v1/auth/password-reset/confirm", {{"token", code}, {"new_password", "Reset-acme-Passw0rd-3"}});
    ASSERT_EQ(ok.status, 204) << ok.body;
    EXPECT_EQ(acme.http.get("/api/v1/me").status, 401) << "the reset ends the sessions";
    EXPECT_EQ(login_status(acme.admin_email, acme.admin_password), 401);
    EXPECT_EQ(login_status(acme.admin_email, "Reset-acme-Passw0rd-3"), 200);
    auto reused =
        anon.post("/api/v1/auth/password-reset/confirm", {{"token", code}, {"new_password", "Again-acme-Passw0rd-4"}});
    EXPECT_EQ(reused.status, 400);
    EXPECT_EQ(reused.json().value("code", ""), "invalid_reset_token");
    EXPECT_EQ(
        anon.post("/api/v1/auth/password-reset/confirm", {{"token", "x"}, {"new_password", "Again-acme-Passw0rd-4"}})
            .status,
        400);
}

TEST_F(Account, ExpiredResetCodesAreRefusedAndRequestsAreThrottledPerAccount) {
    HttpClient anon(server.base());
    ASSERT_EQ(anon.post("/api/v1/auth/password-reset", {{"email", acme.admin_email}, {"tenant", "acme"}}).status, 202);
    auto code = wait_for_code(acme.admin_email);
    ASSERT_FALSE(code.empty());
    db::Connection conn(server.database().conninfo());
    conn.exec("UPDATE password_resets SET expires_at = now() - interval '1 second'");
    EXPECT_EQ(
        anon.post("/api/v1/auth/password-reset/confirm", {{"token", code}, {"new_password", "Reset-acme-Passw0rd-3"}})
            .status,
        400);
    EXPECT_EQ(login_status(acme.admin_email, acme.admin_password), 200);

    for (int i = 0; i < 5; ++i)
        EXPECT_EQ(anon.post("/api/v1/auth/password-reset", {{"email", acme.admin_email}, {"tenant", "acme"}}).status,
                  202);
    EXPECT_EQ(count("SELECT count(*) AS n FROM password_resets"), 3)
        << "at most 3 reset mails per account in the window";
}

}  // namespace
}  // namespace dh::test
