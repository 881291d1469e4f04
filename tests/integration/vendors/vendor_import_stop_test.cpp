// Junk detection of CSV imports (ImportGuard): a file most of whose rows are refused stops once
// 200 rows are read, creates nothing after that, says why, and what it created is undone like any
// import; a good file with a few bad rows still completes.
#include <gtest/gtest.h>

#include "db/connection.hpp"
#include "harness/server.hpp"
#include "harness/tenants.hpp"
#include "vendors/vendors_test_util.hpp"

namespace dh::test {
namespace {

/// `n` rows of which only every tenth has a usable email: the wrong file, or the wrong mapping.
std::string junk_csv(int n) {
    std::string out = "code,name,email\r\n";
    for (int i = 0; i < n; ++i) {
        auto email = i % 10 == 0 ? "ap" + std::to_string(i) + "@junk.example" : "lorem ipsum " + std::to_string(i);
        out += "J" + std::to_string(i) + ",Junk " + std::to_string(i) + "," + email + "\r\n";
    }
    return out;
}

struct VendorImportStop : ::testing::Test {
    TestServer server;
    PlatformSession platform{server};
    TenantSession acme = platform.create_tenant("acme");

    long long live_vendors() {
        db::Connection conn(server.database().conninfo());
        return conn
            .exec("SELECT count(*) AS n FROM vendors WHERE tenant_id = $1::uuid AND deleted_at IS NULL", {acme.id})
            .integer(0, "n");
    }
};

TEST_F(VendorImportStop, AJunkFileStopsEarlyAndIsUndone) {
    // 6,000 rows: a background import (over 2,000 lines).
    auto r = import_csv(acme.http, junk_csv(6000));
    ASSERT_EQ(r.status, 200) << r.body;
    auto job = r.json();
    ASSERT_EQ(job["status"], "stopped") << job.dump().substr(0, 400);
    EXPECT_EQ(job["rows"], 200) << "stops as soon as 200 rows are read";
    EXPECT_EQ(job["rows_processed"], 200);
    EXPECT_EQ(job["error_count"], 180);
    EXPECT_EQ(job["vendors_created"], 20) << "only the good rows before the stop";
    EXPECT_EQ(live_vendors(), 20);
    auto why = job["stop_reason"].get<std::string>();
    EXPECT_NE(why.find("180 of them (90%)"), std::string::npos) << why;
    EXPECT_NE(why.find("email: not a valid email address"), std::string::npos) << why;
    EXPECT_NE(why.find("(180 rows)"), std::string::npos) << why;
    EXPECT_TRUE(job["error"].is_null());

    auto undone = acme.http.del("/api/v1/imports/" + job["id"].get<std::string>());
    ASSERT_EQ(undone.status, 202) << undone.body;
    EXPECT_EQ(undone.json()["status"], "undone");
    EXPECT_EQ(live_vendors(), 0);
}

TEST_F(VendorImportStop, ASmallJunkFileAnswersStoppedInTheRequest) {
    auto r = acme.http.request("POST", "/api/v1/vendors/import", junk_csv(500), {{"Content-Type", "text/csv"}});
    ASSERT_EQ(r.status, 200) << r.body;
    auto report = r.json();
    EXPECT_EQ(report["status"], "stopped") << report.dump().substr(0, 400);
    EXPECT_EQ(report["rows"], 200);
    EXPECT_EQ(report["vendors_created"], 20);
    EXPECT_TRUE(report["stop_reason"].is_string());
    EXPECT_EQ(acme.http.get("/api/v1/imports/" + report["id"].get<std::string>()).json()["status"], "stopped");
    EXPECT_EQ(live_vendors(), 20);
}

TEST_F(VendorImportStop, AGoodFileWithAFewBadRowsCompletes) {
    auto r = import_csv(acme.http, vendors_csv(2500, 30));
    ASSERT_EQ(r.status, 200) << r.body;
    auto job = r.json();
    EXPECT_EQ(job["status"], "completed") << job.dump().substr(0, 400);
    EXPECT_EQ(job["rows"], 2500);
    EXPECT_EQ(job["error_count"], 30);
    EXPECT_EQ(job["vendors_created"], 2470);
    EXPECT_TRUE(job["stop_reason"].is_null());
    EXPECT_EQ(live_vendors(), 2470);
}

}  // namespace
}  // namespace dh::test
