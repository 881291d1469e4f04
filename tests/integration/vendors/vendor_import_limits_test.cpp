// The API's per-vendor limits hold for CSV imports (issue 18, "import uses the API's rules"): a
// vendor's contacts (100) across rows and imports, and custom fields merged into an existing vendor
// (100). Each row beyond a limit is reported.
#include <gtest/gtest.h>

#include "harness/server.hpp"
#include "harness/tenants.hpp"
#include "vendors/vendors_test_util.hpp"

namespace dh::test {
namespace {

nlohmann::json vendor_by_code(const HttpClient& http, const std::string& code) {
    auto page = http.get("/api/v1/vendors?q=" + code).json()["items"];
    if (page.size() != 1) return nullptr;
    return http.get("/api/v1/vendors/" + page[0]["id"].get<std::string>()).json();
}

std::string contact_rows(const std::string& code, int from, int to) {
    std::string out;
    for (int i = from; i < to; ++i) out += code + ",Limits Co," + "c" + std::to_string(i) + "@limits.example\n";
    return out;
}

TEST(VendorImportLimits, AVendorGetsAtMostTheApisContactsPerRow) {
    TestServer server;
    PlatformSession platform(server);
    auto acme = platform.create_tenant("acme");
    auto first = import_csv(acme.http, "code,name,email\n" + contact_rows("L-1", 0, 103)).json();
    EXPECT_EQ(first["vendors_created"], 1) << first.dump();
    EXPECT_EQ(first["contacts_added"], 100);
    ASSERT_EQ(first["errors"].size(), 3u) << first.dump();
    for (int i = 0; i < 3; ++i) {
        EXPECT_EQ(first["errors"][i]["row"], 102 + i) << "rows 102-104 hold contacts 101-103";
        EXPECT_EQ(first["errors"][i]["field"], "email");
    }
    auto v = vendor_by_code(acme.http, "L-1");
    ASSERT_TRUE(v.is_object());
    EXPECT_EQ(v["contacts"].size(), 100u);

    // A later import: a known contact is still updated, a new one is refused at the limit.
    auto later = import_csv(acme.http,
                            "code,name,email,role\nL-1,Limits Co,c5@limits.example,ap\n"
                            "L-1,Limits Co,new@limits.example,ap\n")
                     .json();
    EXPECT_EQ(later["contacts_added"], 0) << later.dump();
    ASSERT_EQ(later["errors"].size(), 1u) << later.dump();
    EXPECT_EQ(later["errors"][0]["row"], 3);
    EXPECT_EQ(later["errors"][0]["field"], "email");
    v = vendor_by_code(acme.http, "L-1");
    EXPECT_EQ(v["contacts"].size(), 100u);
    bool updated = false;
    for (auto& c : v["contacts"]) updated = updated || (c["email"] == "c5@limits.example" && c["role"] == "ap");
    EXPECT_TRUE(updated) << "the known contact's row still applies";
}

std::string custom_import(const std::string& prefix, int n) {
    std::string header = "code,name", row = "K-1,Custom Co";
    for (int i = 0; i < n; ++i) {
        header += ",custom." + prefix + std::to_string(i);
        row += ",v" + std::to_string(i);
    }
    return header + "\n" + row + "\n";
}

TEST(VendorImportLimits, CustomFieldsMergedIntoAnExistingVendorStayWithinTheApisLimit) {
    TestServer server;
    PlatformSession platform(server);
    auto acme = platform.create_tenant("acme");
    auto created = import_csv(acme.http, custom_import("a", 60)).json();
    ASSERT_EQ(created["vendors_created"], 1) << created.dump();
    ASSERT_EQ(created["errors"].size(), 0u);

    auto too_many = import_csv(acme.http, custom_import("b", 50)).json();
    ASSERT_EQ(too_many["errors"].size(), 1u) << too_many.dump();
    EXPECT_EQ(too_many["errors"][0]["row"], 2);
    EXPECT_EQ(too_many["errors"][0]["field"], "custom");
    auto v = vendor_by_code(acme.http, "K-1");
    ASSERT_TRUE(v.is_object());
    EXPECT_EQ(v["custom_fields"].size(), 60u) << "nothing of the refused row's custom fields was merged";

    auto fits = import_csv(acme.http, custom_import("c", 40)).json();
    EXPECT_EQ(fits["errors"].size(), 0u) << fits.dump();
    EXPECT_EQ(vendor_by_code(acme.http, "K-1")["custom_fields"].size(), 100u) << "exactly at the limit is fine";
    auto again = import_csv(acme.http, custom_import("a", 60)).json();
    EXPECT_EQ(again["errors"].size(), 0u) << "keys it already has add nothing: " << again.dump();
}

}  // namespace
}  // namespace dh::test
