// The recipients a compose form resolves to, page by page: searchable, bounded, those lacking a
// merge value, and only ever the caller's tenant's (RLS). Over the real API and database.
#include <gtest/gtest.h>

#include <set>

#include "dispatch/dispatch_fixture.hpp"

namespace dh::test {
namespace {

struct RecipientPages : ::testing::Test {
    TestServer server;
    PlatformSession platform{server};
    TenantSession acme = platform.create_tenant("acme");
    TenantSession globex = platform.create_tenant("globex");

    static nlohmann::json request(const std::string& list, const nlohmann::json& extra = nlohmann::json::object()) {
        nlohmann::json body = {{"recipients", {{"list_ids", {list}}, {"contact_role", nullptr}}}};
        body.update(extra);
        return body;
    }
    /// Every page of the answer, following next_cursor; the total of the first page.
    std::pair<std::vector<nlohmann::json>, long long> all_pages(TenantSession& t, const nlohmann::json& body,
                                                                int limit) {
        std::vector<nlohmann::json> items;
        long long total = -1;
        std::string cursor;
        for (int guard = 0; guard < 100; ++guard) {
            auto path = "/api/v1/dispatches/preview/recipients?limit=" + std::to_string(limit);
            if (!cursor.empty()) path += "&cursor=" + cursor;
            auto r = t.http.post(path, body);
            if (r.status != 200) throw std::runtime_error("recipients -> " + r.body);
            auto page = r.json();
            if (total < 0) total = page["total"];
            for (auto& i : page["items"]) items.push_back(i);
            if (page["next_cursor"].is_null()) break;
            cursor = page["next_cursor"];
        }
        return {items, total};
    }
};

TEST_F(RecipientPages, PagesThroughEveryRecipientOnce) {
    auto list = import_vendors(acme, 23);
    auto [items, total] = all_pages(acme, request(list), 5);
    EXPECT_EQ(total, 23);
    ASSERT_EQ(items.size(), 23u);
    std::set<std::string> emails;
    for (auto& i : items) emails.insert(i["email"]);
    EXPECT_EQ(emails.size(), 23u);
    EXPECT_EQ(items[0]["vendor_name"], "Vendor 0");
    EXPECT_EQ(items[0]["contact_name"], "Contact 0");
    EXPECT_EQ(items[0]["role"], "ap");
    EXPECT_EQ(items[0]["suppressed"], false);
}

TEST_F(RecipientPages, SearchesByVendorContactRoleOrAddressAndMarksSuppressed) {
    auto list = import_vendors(acme, 12);
    ASSERT_EQ(acme.http.post("/api/v1/suppressions", {{"address", "AP11@vendor11.example"}}).status, 201);
    auto [by_name, n1] = all_pages(acme, request(list, {{"q", "vendor 1"}}), 50);
    EXPECT_EQ(n1, 3) << "Vendor 1, 10, 11";
    auto [by_address, n2] = all_pages(acme, request(list, {{"q", "AP11@"}}), 50);
    ASSERT_EQ(n2, 1);
    EXPECT_EQ(by_address[0]["suppressed"], true);
    auto [by_contact, n3] = all_pages(acme, request(list, {{"q", "Contact 7"}}), 50);
    EXPECT_EQ(n3, 1);
    auto [wildcard, n4] = all_pages(acme, request(list, {{"q", "%"}}), 50);
    EXPECT_EQ(n4, 0) << "a % is searched for, not a wildcard";
}

TEST_F(RecipientPages, ListsThoseLackingAMergeValueAsThePreviewCounts) {
    auto list = import_vendors(acme, 6);
    auto vendors = acme.http.get("/api/v1/vendors?limit=100").json()["items"];
    for (auto& v : vendors) {
        if (v["name"] != "Vendor 2" && v["name"] != "Vendor 4") continue;
        auto r = acme.http.patch("/api/v1/vendors/" + v["id"].get<std::string>(),
                                 {{"custom_fields", {{"region", "North"}}}});
        ASSERT_EQ(r.status, 200) << r.body;
    }
    auto preview = acme.http
                       .post("/api/v1/dispatches/preview", {{"subject", "Region {{vendor.custom.region}}"},
                                                            {"body_markdown", "Hi"},
                                                            {"recipients", {{"list_ids", {list}}}}})
                       .json();
    ASSERT_EQ(preview["missing_values"][0]["count"], 4) << preview.dump();
    auto [missing, total] = all_pages(acme, request(list, {{"missing_field", "vendor.custom.region"}}), 3);
    EXPECT_EQ(total, 4);
    ASSERT_EQ(missing.size(), 4u);
    for (auto& m : missing) EXPECT_NE(m["vendor_name"], "Vendor 2");

    auto bad =
        acme.http.post("/api/v1/dispatches/preview/recipients", request(list, {{"missing_field", "tenant.name"}}));
    EXPECT_EQ(bad.status, 422);
    EXPECT_EQ(bad.json()["field"], "missing_field") << bad.body;
}

TEST_F(RecipientPages, LimitIsBoundedAndUnknownMembersRefused) {
    auto list = import_vendors(acme, 2);
    EXPECT_EQ(acme.http.post("/api/v1/dispatches/preview/recipients?limit=201", request(list)).status, 422);
    EXPECT_EQ(acme.http.post("/api/v1/dispatches/preview/recipients?limit=0", request(list)).status, 422);
    EXPECT_EQ(acme.http.post("/api/v1/dispatches/preview/recipients", request(list, {{"subject", "x"}})).status, 422);
    EXPECT_EQ(acme.http.post("/api/v1/dispatches/preview/recipients", nlohmann::json::object()).status, 422);
}

TEST_F(RecipientPages, AnotherTenantsListsAndDeliveriesStayInvisible) {
    auto list = import_vendors(acme, 3);
    // Globex names Acme's list: row-level security resolves it to nothing.
    auto r = globex.http.post("/api/v1/dispatches/preview/recipients", request(list));
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.json()["total"], 0);
    EXPECT_EQ(r.json()["items"], nlohmann::json::array());

    auto sent = acme.http.post("/api/v1/dispatches", dispatch_body(list, "Hello {{vendor.name}}"));
    ASSERT_EQ(sent.status, 201) << sent.body;
    const auto deliveries =
        acme.http.get("/api/v1/dispatches/" + sent.json()["id"].get<std::string>() + "/deliveries").json()["items"];
    ASSERT_EQ(deliveries.size(), 3u);
    std::string vendor = deliveries[0]["vendor_id"], delivery = deliveries[0]["id"];
    auto own = acme.http.get("/api/v1/vendors/" + vendor + "/sent-subjects?ids=" + delivery).json();
    ASSERT_EQ(own["items"].size(), 1u) << own.dump();
    EXPECT_EQ(own["items"][0]["subject"], "Hello " + deliveries[0]["vendor_name"].get<std::string>());
    auto other = globex.http.get("/api/v1/vendors/" + vendor + "/sent-subjects?ids=" + delivery);
    ASSERT_EQ(other.status, 200);
    EXPECT_EQ(other.json()["items"], nlohmann::json::array());
    EXPECT_EQ(globex.http.get("/api/v1/dispatches/" + sent.json()["id"].get<std::string>()).status, 404);
}

}  // namespace
}  // namespace dh::test
