// The request path. What a transaction costs on the wire: BEGIN and the scope travel with the first
// statement and COMMIT may travel with the last, in libpq pipeline mode; the round trips are counted
// from libpq's own protocol trace, so the tests assert the exchange itself, not a time. The error
// paths of a pipelined round trip leave the connection usable and nothing committed. And what a
// list page costs as the tenant grows: at 100,000 rows each list still reads its page through an
// index (the plan PostgreSQL chose for the server's own statement, from auto_explain).
#include <gtest/gtest.h>
#include <libpq-fe.h>

#include <cstdio>
#include <fstream>
#include <functional>

#include "common/error.hpp"
#include "common/random.hpp"
#include "db/connection.hpp"
#include "db/tx.hpp"
#include "harness/plans.hpp"
#include "harness/tenants.hpp"

namespace dh::test {
namespace {

class RoundTrips : public ::testing::Test {
protected:
    TestServer server;
    PlatformSession platform{server};
    TenantSession acme = platform.create_tenant("acme");
    // One connection, so every transaction below runs on the one that is traced.
    db::Pool pool{{server.database().conninfo(), 1}};

    /// The round trips `work` costs: each run of client messages answered by server messages in
    /// libpq's protocol trace of the pooled connection is one wait for the server.
    int round_trips(const std::function<void()>& work) {
        const std::string path = "/tmp/dh-trace-" + random::hex(6) + ".log";
        FILE* trace = std::fopen(path.c_str(), "w");
        {
            auto conn = pool.acquire();
            PQtrace(conn->raw(), trace);
            PQsetTraceFlags(conn->raw(), PQTRACE_SUPPRESS_TIMESTAMPS);
        }
        work();
        {
            auto conn = pool.acquire();
            PQuntrace(conn->raw());
        }
        std::fclose(trace);
        std::ifstream in(path);
        int trips = 0;
        char last = 'B';
        for (std::string line; std::getline(in, line);) {
            if (line.empty() || (line[0] != 'F' && line[0] != 'B')) continue;
            if (line[0] == 'B' && last == 'F') ++trips;
            last = line[0];
        }
        std::remove(path.c_str());
        return trips;
    }

    long owner_count(const std::string& sql, const db::Params& params = {}) {
        return db::Connection(server.database().conninfo()).exec(sql, params).integer(0, "n");
    }
};

constexpr const char* kReadVendors = "SELECT count(*) AS n FROM vendors";
constexpr const char* kInsertVendor = "INSERT INTO vendors (tenant_id, name, code) VALUES ($1, $2, $3)";

TEST_F(RoundTrips, ATenantTransactionBeginsWithItsFirstStatement) {
    auto read = [&] { db::with_tx(pool, db::Scope::tenant(acme.id), [](db::Tx& tx) { tx.exec(kReadVendors); }); };
    read();  // prepares the statement on the connection
    EXPECT_EQ(round_trips(read), 2) << "BEGIN, role, tenant and the statement; then COMMIT";

    auto two = [&] {
        db::with_tx(pool, db::Scope::tenant(acme.id), [](db::Tx& tx) {
            tx.exec(kReadVendors);
            tx.exec(kReadVendors);
        });
    };
    EXPECT_EQ(round_trips(two), 3);
}

TEST_F(RoundTrips, AOneStatementTransactionIsOneRoundTrip) {
    auto read = [&] {
        return db::with_tx(pool, db::Scope::platform(), [](db::Tx& tx) {
            tx.commit_with_next();
            return tx.exec("SELECT count(*) AS n FROM tenants").integer(0, "n");
        });
    };
    read();
    long tenants = 0;
    EXPECT_EQ(round_trips([&] { tenants = read(); }), 1);
    EXPECT_GE(tenants, 1);

    // A statement the connection has not prepared yet is prepared in the same round trip.
    EXPECT_EQ(round_trips([&] {
                  db::with_tx(pool, db::Scope::platform(), [](db::Tx& tx) {
                      tx.commit_with_next();
                      tx.exec("SELECT count(*) AS n FROM users WHERE status = 'active'");
                  });
              }),
              1);
}

TEST_F(RoundTrips, TheScopeIsInForceForTheFirstStatement) {
    auto who = db::with_tx(pool, db::Scope::tenant(acme.id), [](db::Tx& tx) {
        auto r = tx.exec("SELECT current_user AS u, current_setting('app.tenant_id') AS t");
        return std::make_pair(r.text(0, "u"), r.text(0, "t"));
    });
    EXPECT_EQ(who.first, "dispatchhub_app");
    EXPECT_EQ(who.second, acme.id);
    auto after = db::with_tx(pool, db::Scope::platform(), [](db::Tx& tx) {
        tx.commit_with_next();
        auto r = tx.exec("SELECT current_user AS u, current_setting('app.tenant_id', true) AS t");
        return std::make_pair(r.text(0, "u"), r.text(0, "t"));
    });
    EXPECT_EQ(after.first, "dispatchhub_platform");
    EXPECT_EQ(after.second, "") << "the tenant ended with the transaction that set it";
}

TEST_F(RoundTrips, CommittedWithTheStatementIsVisibleToOthers) {
    db::with_tx(pool, db::Scope::tenant(acme.id), [&](db::Tx& tx) {
        tx.commit_with_next();
        tx.exec(kInsertVendor, {acme.id, "Pipelined", "P1"});
    });
    EXPECT_EQ(owner_count("SELECT count(*) AS n FROM vendors WHERE code = 'P1'"), 1);
}

TEST_F(RoundTrips, AFailedFirstStatementCommitsNothingAndTheConnectionServesTheNext) {
    db::with_tx(pool, db::Scope::tenant(acme.id), [&](db::Tx& tx) { tx.exec(kInsertVendor, {acme.id, "One", "D1"}); });
    // The same code again, with COMMIT in the same round trip: refused, and nothing after it ran.
    try {
        db::with_tx(pool, db::Scope::tenant(acme.id), [&](db::Tx& tx) {
            tx.commit_with_next();
            tx.exec(kInsertVendor, {acme.id, "Two", "D1"});
        });
        ADD_FAILURE() << "a duplicate code was accepted";
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), "already_exists");
    }
    // A failure after earlier statements rolls them back.
    EXPECT_THROW(db::with_tx(pool, db::Scope::tenant(acme.id),
                             [&](db::Tx& tx) {
                                 tx.exec(kInsertVendor, {acme.id, "Three", "D3"});
                                 tx.exec("SELECT 1 / 0 AS n");
                             }),
                 Error);
    EXPECT_EQ(owner_count("SELECT count(*) AS n FROM vendors WHERE code IN ('D1', 'D3')"), 1);

    // A statement that does not parse is not remembered as prepared: it fails the same way again,
    // and the connection goes on serving.
    for (int i = 0; i < 2; ++i) {
        try {
            db::with_tx(pool, db::Scope::platform(), [](db::Tx& tx) { tx.exec("SELEC broken"); });
            ADD_FAILURE() << "a statement that does not parse ran";
        } catch (const Error& e) {
            EXPECT_NE(e.detail().find("syntax error"), std::string::npos) << e.detail();
        }
    }
    EXPECT_EQ(
        db::with_tx(pool, db::Scope::tenant(acme.id), [](db::Tx& tx) { return tx.exec(kReadVendors).integer(0, "n"); }),
        1);
    EXPECT_EQ(pool.stats().size, 1);
}

TEST_F(RoundTrips, ACheckBeforeCommitTravelsWithTheLastStatementAndItsErrorCommitsNothing) {
    auto insert_checked = [&](const std::string& code, const char* check) {
        db::with_tx(pool, db::Scope::tenant(acme.id), [&](db::Tx& tx) {
            tx.commit_with_next();
            tx.check_before_commit({check, {}});
            tx.exec(kInsertVendor, {acme.id, "Checked " + code, code});
        });
    };
    EXPECT_EQ(round_trips([&] { insert_checked("C1", "SELECT 1"); }), 1);
    EXPECT_EQ(owner_count("SELECT count(*) AS n FROM vendors WHERE code = 'C1'"), 1);

    // The check sees the statement's own write, and its error aborts the transaction before COMMIT.
    try {
        insert_checked("C2", "SELECT 1 / (SELECT count(*) FROM vendors WHERE code = 'C2')::int - 1 / 0");
        ADD_FAILURE() << "a failed check committed";
    } catch (const Error& e) {
        EXPECT_NE(e.detail().find("division by zero"), std::string::npos) << e.detail();
    }
    EXPECT_EQ(owner_count("SELECT count(*) AS n FROM vendors WHERE code = 'C2'"), 0);
    EXPECT_EQ(
        db::with_tx(pool, db::Scope::tenant(acme.id), [](db::Tx& tx) { return tx.exec(kReadVendors).integer(0, "n"); }),
        1)
        << "the connection serves the next transaction";
}

TEST_F(RoundTrips, ColumnsAreFoundByNameInAnyOrderAndARepeatedNameAnswersItsFirst) {
    db::Connection conn(server.database().conninfo());
    auto r = conn.exec("SELECT 1 AS a, 2 AS b, 3 AS c FROM generate_series(1, 2)");
    for (int row = 0; row < 2; ++row) {
        EXPECT_EQ(r.integer(row, "a"), 1);
        EXPECT_EQ(r.integer(row, "b"), 2);
        EXPECT_EQ(r.integer(row, "c"), 3);
    }
    EXPECT_EQ(r.integer(0, "c"), 3);
    EXPECT_EQ(r.integer(0, "a"), 1);
    EXPECT_EQ(r.integer(0, "c"), 3);
    EXPECT_EQ(r.integer(0, "b"), 2);
    EXPECT_THROW(r.integer(0, "d"), Error);
    EXPECT_EQ(r.integer(0, "b"), 2) << "a failed lookup leaves the next one right";

    auto repeated = conn.exec("SELECT 1 AS a, 2 AS b, 3 AS a");
    EXPECT_EQ(repeated.integer(0, "a"), 1);
    EXPECT_EQ(repeated.integer(0, "b"), 2);
    EXPECT_EQ(repeated.integer(0, "a"), 1) << "the first of a repeated name, as PQfnumber";
}

TEST_F(RoundTrips, ATransactionWithoutStatementsSendsNothing) {
    EXPECT_EQ(round_trips([&] {
                  db::Tx tx(pool, db::Scope::tenant(acme.id));
                  tx.commit();
              }),
              0);
    EXPECT_EQ(round_trips([&] { db::Tx tx(pool, db::Scope::platform()); }), 0);
}

/// Checks that every logged plan of the statement named by `needle` reads `table` through an index.
void expect_index_scans(const TestServer& server, const std::string& needle, const std::string& table) {
    auto plans = logged_plans(server.log(), needle);
    ASSERT_FALSE(plans.empty()) << "no plan logged for " << needle;
    for (auto& plan : plans) {
        EXPECT_EQ(plan.find("Seq Scan on " + table), std::string::npos) << plan;
        EXPECT_NE(plan.find("Index"), std::string::npos) << plan;
    }
}

/// Reads two pages of `path` (the second through the first page's next_cursor).
void read_two_pages(const HttpClient& http, const std::string& path) {
    auto first = http.get(path + "?limit=50");
    ASSERT_EQ(first.status, 200) << first.body;
    auto body = first.json();
    ASSERT_EQ(body["items"].size(), 50u) << path;
    ASSERT_TRUE(body["next_cursor"].is_string()) << body.dump().substr(0, 300);
    auto second = http.get(path + "?limit=50&cursor=" + body["next_cursor"].get<std::string>());
    ASSERT_EQ(second.status, 200) << second.body;
    EXPECT_EQ(second.json()["items"].size(), 50u) << path;
}

TEST(ListPlans, EveryListPageIsReadThroughAnIndexAt100kRows) {
    auto database = explained_database();
    TestServer server({{"DATABASE_URL", database->url()}, {"WORKER_EMBEDDED", "0"}});
    PlatformSession platform(server);
    auto acme = platform.create_tenant("acme");
    db::Connection owner(database->conninfo());
    owner.exec(
        "INSERT INTO vendors (tenant_id, name, code) SELECT $1, 'Vendor ' || lpad(i::text, 6, '0'), 'V' || i "
        "FROM generate_series(1, 100000) i",
        {acme.id});
    owner.exec(
        "INSERT INTO dispatches (tenant_id, status, subject, from_email, recipients, period_start, created_at) "
        "SELECT $1, 'completed', 'Subject ' || i, 'ap@acme.test', '{}'::jsonb, current_date, "
        "now() - i * interval '1 second' FROM generate_series(1, 100000) i",
        {acme.id});
    owner.exec(
        "INSERT INTO inbox_messages (tenant_id, kind, routed_by, from_address, subject, raw_path, received_at) "
        "SELECT $1, 'reply', 'sender', 'v' || i || '@vendor.example', 'Re: ' || i, 'x/' || i || '.eml', "
        "now() - i * interval '1 second' FROM generate_series(1, 100000) i",
        {acme.id});
    owner.exec(
        "INSERT INTO suppressions (tenant_id, address, reason) "
        "SELECT $1, 'ap' || i || '@vendor.example', 'manual' FROM generate_series(1, 100000) i",
        {acme.id});
    owner.exec_script("ANALYZE vendors; ANALYZE dispatches; ANALYZE inbox_messages; ANALYZE suppressions");

    read_two_pages(acme.http, "/api/v1/vendors");
    read_two_pages(acme.http, "/api/v1/dispatches");
    read_two_pages(acme.http, "/api/v1/inbox");
    read_two_pages(acme.http, "/api/v1/suppressions");
    expect_index_scans(server, "ORDER BY v.name, v.id LIMIT", "vendors");
    expect_index_scans(server, "ORDER BY d.created_at DESC, d.id DESC LIMIT", "dispatches");
    expect_index_scans(server, "ORDER BY m.received_at DESC, m.id DESC LIMIT", "inbox_messages");
    expect_index_scans(server, "ORDER BY address LIMIT", "suppressions");
}

}  // namespace
}  // namespace dh::test
