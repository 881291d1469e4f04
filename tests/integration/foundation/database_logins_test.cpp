// Two database logins (issue 18, finding 7): the API's tenant-scoped connections log in as a login
// that can become only dispatchhub_app, platform-scope work as one that can become only
// dispatchhub_platform. An injected RESET ROLE / SET ROLE on a tenant connection must not read
// another tenant, and the platform login must not become the schema owner.
#include <gtest/gtest.h>

#include <set>

#include "app/database.hpp"
#include "common/error.hpp"
#include "db/connection.hpp"
#include "db/logins.hpp"
#include "db/tx.hpp"
#include "harness/tenants.hpp"

namespace dh::test {
namespace {

class DatabaseLogins : public ::testing::Test {
protected:
    TestServer server;
    PlatformSession platform{server};
    TenantSession acme = platform.create_tenant("acme");
    TenantSession globex = platform.create_tenant("globex");

    /// The database as `serve` opens it for this server (its DATABASE_URL, no overrides).
    app::Database database(std::optional<std::string> app_url = {}) const {
        Config config;
        config.database_url = server.database().url();
        config.database_app_url = std::move(app_url);
        return app::open_database(config, false);
    }

    long count_owner(const std::string& sql, const std::string& param) const {
        return db::Connection(server.database().conninfo()).exec(sql, {param}).integer(0, "n");
    }
};

/// Runs `escape` as an injected statement would run, inside a transaction of `scope`, then reads
/// `query`. nullopt: the escape or the read was refused.
std::optional<long> read_after(db::Pool& pool, const db::Scope& scope, const std::string& escape,
                               const std::string& query, const std::string& param) {
    db::Tx tx(pool, scope);
    try {
        tx.connection().exec_script(escape);
        return tx.exec(query, {param}).integer(0, "n");
    } catch (const dh::Error&) {
        return std::nullopt;
    }
}

TEST_F(DatabaseLogins, ATenantConnectionCannotLeaveTheApplicationRole) {
    const std::string other_users = "SELECT count(*) AS n FROM users WHERE tenant_id = $1::uuid";
    ASSERT_GE(count_owner(other_users, globex.id), 1) << "globex has users to hide";
    auto db = database();
    db::Pool pool(db.pool_options(2));
    for (std::string escape : {"RESET ROLE", "SET ROLE dispatchhub_owner", "SET ROLE dispatchhub_platform",
                               "RESET ROLE; SET ROLE dispatchhub_platform", "SET ROLE postgres"}) {
        auto seen = read_after(pool, db::Scope::tenant(acme.id), escape, other_users, globex.id);
        EXPECT_TRUE(!seen || *seen == 0) << escape << " let acme's connection read " << *seen << " globex users";
    }
    // The connection still works for its own tenant afterwards (a refused escape is only that).
    db::Tx tx(pool, db::Scope::tenant(acme.id));
    EXPECT_GE(tx.exec(other_users, {acme.id}).integer(0, "n"), 1);
}

TEST_F(DatabaseLogins, ThePlatformLoginCannotBecomeTheOwner) {
    auto db = database();
    db::Pool pool(db.pool_options(2));
    const std::string users = "SELECT count(*) AS n FROM users WHERE tenant_id = $1::uuid";
    EXPECT_GE(read_after(pool, db::Scope::platform(), "SELECT 1", users, globex.id).value_or(0), 1)
        << "the platform role reads across tenants (that is its job)";
    for (std::string escape :
         {"SET ROLE dispatchhub_owner", "RESET ROLE; SET ROLE dispatchhub_owner", "SET ROLE postgres"}) {
        db::Tx tx(pool, db::Scope::platform());
        EXPECT_THROW(tx.connection().exec_script(escape), dh::Error) << escape;
    }
    for (std::string escape : {"SET ROLE dispatchhub_app", "RESET ROLE"}) {
        // Without its role the login has no privileges of its own: not even the tables it may read.
        db::Tx tx(pool, db::Scope::platform());
        EXPECT_THROW(tx.connection().exec_script(escape + "; CREATE TABLE escaped (id int)"), dh::Error) << escape;
    }
    EXPECT_FALSE(read_after(pool, db::Scope::platform(), "RESET ROLE", users, globex.id).has_value());
}

TEST_F(DatabaseLogins, TheLoginsAreMembersOfTheirRoleOnlyAndCannotReadThePasswords) {
    auto db = database();
    db::Pool pool(db.pool_options(2));
    const std::string passwords = "SELECT count(*) AS n FROM database_logins WHERE purpose <> $1";
    EXPECT_FALSE(read_after(pool, db::Scope::tenant(acme.id), "SELECT 1", passwords, "").has_value());
    EXPECT_FALSE(read_after(pool, db::Scope::platform(), "SELECT 1", passwords, "").has_value());
    db::Connection owner(server.database().conninfo());
    for (auto [purpose, role] : {std::pair{"app", "dispatchhub_app"}, std::pair{"platform", "dispatchhub_platform"}}) {
        auto login = owner.exec(R"SQL(
SELECT r.rolname, r.rolsuper, r.rolinherit, r.rolcreaterole, r.rolcreatedb, r.rolbypassrls,
       (SELECT string_agg(g.rolname, ',') FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid
         WHERE m.member = r.oid) AS member_of
FROM database_logins l JOIN pg_roles r ON r.rolname = l.login WHERE l.purpose = $1)SQL",
                                {purpose});
        ASSERT_EQ(login.rows(), 1) << purpose;
        EXPECT_FALSE(login.boolean(0, "rolsuper") || login.boolean(0, "rolinherit") ||
                     login.boolean(0, "rolcreaterole") || login.boolean(0, "rolcreatedb") ||
                     login.boolean(0, "rolbypassrls"))
            << purpose;
        EXPECT_EQ(login.text(0, "member_of"), role) << purpose;
    }
}

TEST_F(DatabaseLogins, TheServerConnectsOnlyWithTheLogins) {
    ASSERT_EQ(acme.http.get("/api/v1/me").status, 200);
    ASSERT_EQ(acme.http.get("/api/v1/vendors").status, 200);
    db::Connection owner(server.database().conninfo());
    auto logins = owner.exec("SELECT string_agg(login, ',' ORDER BY purpose) AS l FROM database_logins").text(0, "l");
    auto users = owner.exec(
        "SELECT DISTINCT usename FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()");
    std::set<std::string> seen;
    for (int i = 0; i < users.rows(); ++i) seen.insert(users.text(i, "usename"));
    ASSERT_FALSE(seen.empty());
    for (auto& user : seen) EXPECT_NE(("," + logins + ",").find("," + user + ","), std::string::npos) << user;
}

TEST_F(DatabaseLogins, DatabaseAppUrlOverridesTheRecordedLogin) {
    auto db = database(db::with_credentials(server.database().url(), "no_such_login", "x"));
    db::Pool pool(db.pool_options(2));
    EXPECT_THROW({ db::Tx tx(pool, db::Scope::tenant(acme.id)); }, dh::Error) << "the given login is the one used";
    EXPECT_NO_THROW({ db::Tx tx(pool, db::Scope::platform()); }) << "the platform login is still the recorded one";
}

}  // namespace
}  // namespace dh::test
