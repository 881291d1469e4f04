// Vendors, contacts, lists and suppressions over the real API: validation, tenant isolation,
// the plan's vendor limit, pagination and search, audit entries.
#include <gtest/gtest.h>

#include "db/connection.hpp"
#include "harness/server.hpp"
#include "harness/tenants.hpp"
#include "vendors/vendors_test_util.hpp"

namespace dh::test {
namespace {

nlohmann::json acme_steel() {
    return {{"name", "Acme Steel"},
            {"code", "S-1"},
            {"category", "metals"},
            {"tags", {"steel", "eu"}},
            {"custom_fields", {{"region", "north"}}},
            {"contacts",
             {{{"name", "Pat"}, {"email", "Pat@Steel.EXAMPLE"}, {"role", "ap"}},
              {{"name", "Ops"}, {"email", "ops@münchen.example"}, {"role", "ops"}, {"primary", true}}}}};
}

TEST(VendorsApi, CreateReadUpdateDeleteWithContacts) {
    TestServer server;
    PlatformSession platform(server);
    auto acme = platform.create_tenant("acme");
    auto created = acme.http.post("/api/v1/vendors", acme_steel());
    ASSERT_EQ(created.status, 201) << created.body;
    auto v = created.json();
    EXPECT_EQ(v["code"], "S-1");
    EXPECT_EQ(v["contact_count"], 2);
    ASSERT_EQ(v["contacts"].size(), 2u);
    EXPECT_EQ(v["contacts"][0]["email"], "ops@xn--mnchen-3ya.example");  // primary first, IDN as A-label
    EXPECT_EQ(v["contacts"][0]["primary"], true);
    EXPECT_EQ(v["contacts"][1]["email"], "Pat@steel.example");
    EXPECT_EQ(v["custom_fields"]["region"], "north");
    std::string id = v["id"];

    auto dup = acme.http.post("/api/v1/vendors", {{"name", "Other"}, {"code", "S-1"}});
    EXPECT_EQ(dup.status, 409);
    EXPECT_EQ(dup.json()["code"], "vendor_code_taken");

    auto patched = acme.http.patch("/api/v1/vendors/" + id,
                                   {{"status", "inactive"},
                                    {"code", nullptr},
                                    {"contacts", {{{"name", "Pat P."}, {"email", "pat@steel.example"}}}}});
    ASSERT_EQ(patched.status, 200) << patched.body;
    EXPECT_EQ(patched.json()["status"], "inactive");
    EXPECT_TRUE(patched.json()["code"].is_null());
    EXPECT_EQ(patched.json()["name"], "Acme Steel");
    ASSERT_EQ(patched.json()["contacts"].size(), 1u);
    EXPECT_EQ(patched.json()["contacts"][0]["primary"], true);

    auto contact = acme.http.post("/api/v1/vendors/" + id + "/contacts",
                                  {{"name", "AR"}, {"email", "ar@steel.example"}, {"primary", true}});
    ASSERT_EQ(contact.status, 201) << contact.body;
    std::string cid = contact.json()["id"];
    auto again = acme.http.post("/api/v1/vendors/" + id + "/contacts", {{"email", "AR@steel.example"}});
    EXPECT_EQ(again.status, 201) << "local parts are case-sensitive: a different address";
    auto same = acme.http.post("/api/v1/vendors/" + id + "/contacts", {{"email", "ar@STEEL.example"}});
    EXPECT_EQ(same.status, 409);
    auto detail = acme.http.get("/api/v1/vendors/" + id).json();
    int primaries = 0;
    for (auto& c : detail["contacts"]) primaries += c["primary"].get<bool>();
    EXPECT_EQ(primaries, 1);
    EXPECT_EQ(acme.http.patch("/api/v1/vendors/" + id + "/contacts/" + cid, {{"role", "ar"}}).json()["role"], "ar");
    EXPECT_EQ(acme.http.del("/api/v1/vendors/" + id + "/contacts/" + cid).status, 204);
    EXPECT_EQ(acme.http.del("/api/v1/vendors/" + id + "/contacts/" + cid).status, 404);

    EXPECT_EQ(acme.http.del("/api/v1/vendors/" + id).status, 204);
    EXPECT_EQ(acme.http.get("/api/v1/vendors/" + id).status, 404);
    EXPECT_EQ(acme.http.get("/api/v1/vendors/not-a-uuid").status, 404);
    db::Connection conn(server.database().conninfo());
    auto audit =
        conn.exec("SELECT count(*) AS n FROM audit_log WHERE action = 'vendor.deleted' AND target_id = $1", {id});
    EXPECT_EQ(audit.integer(0, "n"), 1);
}

TEST(VendorsApi, ValidationNamesTheField) {
    TestServer server;
    PlatformSession platform(server);
    auto acme = platform.create_tenant("acme");
    auto field_of = [&](const nlohmann::json& body) {
        auto r = acme.http.post("/api/v1/vendors", body);
        EXPECT_EQ(r.status, 422) << body.dump() << " -> " << r.body;
        return r.json().value("field", std::string());
    };
    EXPECT_EQ(field_of({{"name", "Bad"}, {"contacts", {{{"email", "x@y.example\r\nBcc: evil@z.example"}}}}}),
              "contacts[0].email");
    EXPECT_EQ(field_of({{"name", "Bad"}, {"contacts", {{{"email", "a@b.example"}}, {{"email", "broken@@x"}}}}}),
              "contacts[1].email");
    EXPECT_EQ(field_of({{"name", ""}}), "name");
    EXPECT_EQ(field_of({{"name", "x\ny"}}), "name");
    EXPECT_EQ(field_of({{"name", "A"}, {"status", "gone"}}), "status");
    EXPECT_EQ(field_of({{"name", "A"}, {"custom_fields", {{"1bad", "x"}}}}), "custom_fields.1bad");
    EXPECT_EQ(field_of({{"name", "A"}, {"custom_fields", {{"n", 5}}}}), "custom_fields.n");
    EXPECT_EQ(field_of({{"name", "A"}, {"code", std::string(65, 'c')}}), "code");
    EXPECT_EQ(field_of({{"name", "A"}, {"contacts", {{{"email", "a@b.example"}}, {{"email", "a@B.example"}}}}}),
              "contacts[1].email");
    auto list = acme.http.get("/api/v1/vendors");
    EXPECT_EQ(list.json()["items"].size(), 0u) << "a rejected request wrote something";
    EXPECT_EQ(acme.http.get("/api/v1/vendors?limit=500").status, 422);
    auto bad_cursor = acme.http.get("/api/v1/vendors?cursor=%%%");
    EXPECT_EQ(bad_cursor.status, 422) << "a bad cursor is answered like on every other list";
    EXPECT_EQ(bad_cursor.json().value("field", ""), "cursor");
    EXPECT_EQ(acme.http.get("/api/v1/lists?cursor=%%%").status, 422);
    EXPECT_EQ(acme.http.get("/api/v1/suppressions?cursor=%%%").status, 422);
    EXPECT_EQ(acme.http.get("/api/v1/dispatches?cursor=%%%").status, 422);
    auto audit = acme.http.get("/api/v1/audit?cursor=%%%");
    EXPECT_EQ(audit.status, 422) << "the audit log's cursor is opaque like the others";
    EXPECT_EQ(audit.json().value("field", ""), "cursor");
}

TEST(VendorsApi, OtherTenantsObjectsAreNotFound) {
    TestServer server;
    PlatformSession platform(server);
    auto a = platform.create_tenant("acme");
    auto b = platform.create_tenant("globex");
    std::string vid = a.http.post("/api/v1/vendors", acme_steel()).json()["id"];
    auto detail = a.http.get("/api/v1/vendors/" + vid).json();
    std::string cid = detail["contacts"][0]["id"];
    std::string lid = a.http.post("/api/v1/lists", {{"name", "Steel"}}).json()["id"];
    ASSERT_EQ(a.http.post("/api/v1/lists/" + lid + "/members", {{"vendor_ids", {vid}}}).status, 200);
    std::string sid =
        a.http.post("/api/v1/suppressions", {{"address", "gone@steel.example"}, {"reason", "bounce"}}).json()["id"];

    EXPECT_EQ(b.http.get("/api/v1/vendors/" + vid).status, 404);
    EXPECT_EQ(b.http.patch("/api/v1/vendors/" + vid, {{"name", "Mine"}}).status, 404);
    EXPECT_EQ(b.http.del("/api/v1/vendors/" + vid).status, 404);
    EXPECT_EQ(b.http.post("/api/v1/vendors/" + vid + "/contacts", {{"email", "x@y.example"}}).status, 404);
    EXPECT_EQ(b.http.patch("/api/v1/vendors/" + vid + "/contacts/" + cid, {{"name", "x"}}).status, 404);
    EXPECT_EQ(b.http.del("/api/v1/vendors/" + vid + "/contacts/" + cid).status, 404);
    EXPECT_EQ(b.http.get("/api/v1/lists/" + lid).status, 404);
    EXPECT_EQ(b.http.patch("/api/v1/lists/" + lid, {{"name", "x"}}).status, 404);
    EXPECT_EQ(b.http.del("/api/v1/lists/" + lid).status, 404);
    EXPECT_EQ(b.http.del("/api/v1/lists/" + lid + "/members/" + vid).status, 404);
    EXPECT_EQ(b.http.del("/api/v1/suppressions/" + sid).status, 404);
    EXPECT_EQ(b.http.del("/api/v1/suppressions?address=gone%40steel.example").status, 404);
    // A tenant cannot put another tenant's vendor on its own list.
    std::string blist = b.http.post("/api/v1/lists", {{"name", "Mine"}}).json()["id"];
    auto add = b.http.post("/api/v1/lists/" + blist + "/members", {{"vendor_ids", {vid}}});
    EXPECT_EQ(add.status, 422);
    EXPECT_EQ(add.json()["field"], "vendor_ids[0]");
    for (auto path : {"/api/v1/vendors", "/api/v1/suppressions", "/api/v1/vendors?q=steel"})
        EXPECT_EQ(b.http.get(path).json()["items"].size(), 0u) << path;
    EXPECT_EQ(b.http.get("/api/v1/lists").json()["items"].size(), 1u);
    EXPECT_EQ(csv_data_rows(b.http.get("/api/v1/vendors/export").body), 0);
    // Nothing of tenant A changed.
    EXPECT_EQ(a.http.get("/api/v1/vendors/" + vid).json()["name"], "Acme Steel");
    EXPECT_EQ(a.http.get("/api/v1/lists/" + lid).json()["member_count"], 1);
    EXPECT_EQ(a.http.get("/api/v1/suppressions").json()["items"].size(), 1u);
}

TEST(VendorsApi, PlanVendorLimitHoldsForCreatesAndImports) {
    TestServer server;
    PlatformSession platform(server);
    auto acme = platform.create_tenant("acme");
    auto set = platform.root().patch("/api/v1/admin/tenants/" + acme.id, {{"limit_overrides", {{"vendors", 3}}}});
    ASSERT_EQ(set.status, 200) << set.body;
    ASSERT_EQ(acme.http.post("/api/v1/vendors", {{"name", "One"}, {"code", "1"}}).status, 201);
    auto report = import_csv(acme.http, "code,name\n2,Two\n3,Three\n4,Four\n5,Five\n1,One renamed\n").json();
    EXPECT_EQ(report["vendors_created"], 2);
    EXPECT_EQ(report["vendors_updated"], 1) << "updating an existing vendor is not limited";
    ASSERT_EQ(report["errors"].size(), 2u) << report.dump();
    EXPECT_EQ(report["errors"][0]["row"], 4);
    EXPECT_NE(report["errors"][0]["reason"].get<std::string>().find("vendor_limit_reached"), std::string::npos);
    auto over = acme.http.post("/api/v1/vendors", {{"name", "Six"}});
    EXPECT_EQ(over.status, 409);
    EXPECT_EQ(over.json()["code"], "vendor_limit_reached");
    EXPECT_EQ(acme.http.get("/api/v1/vendors").json()["items"].size(), 3u);
}

TEST(VendorsApi, ListSearchFiltersAndCursorPagination) {
    TestServer server;
    PlatformSession platform(server);
    auto acme = platform.create_tenant("acme");
    for (int i = 0; i < 7; ++i) {
        nlohmann::json v = {{"name", "Vendor " + std::to_string(i)},
                            {"code", "C" + std::to_string(i)},
                            {"tags", i % 2 ? nlohmann::json{"odd"} : nlohmann::json::array()},
                            {"status", i < 5 ? "active" : "inactive"},
                            {"contacts", {{{"email", "ap" + std::to_string(i) + "@v.example"}}}}};
        ASSERT_EQ(acme.http.post("/api/v1/vendors", v).status, 201);
    }
    std::vector<std::string> names;
    std::string cursor;
    for (int pages = 0; pages < 10; ++pages) {
        auto page = acme.http.get("/api/v1/vendors?limit=3" + (cursor.empty() ? "" : "&cursor=" + cursor)).json();
        for (auto& v : page["items"]) {
            names.push_back(v["name"]);
            EXPECT_EQ(v["contact_count"], 1);
        }
        if (page["next_cursor"].is_null()) break;
        cursor = page["next_cursor"];
    }
    ASSERT_EQ(names.size(), 7u);
    EXPECT_TRUE(std::is_sorted(names.begin(), names.end()));
    auto count = [&](const std::string& query) {
        return acme.http.get("/api/v1/vendors?" + query).json()["items"].size();
    };
    EXPECT_EQ(count("q=vendor%203"), 1u);
    EXPECT_EQ(count("q=c4"), 1u);
    EXPECT_EQ(count("q=AP5%40V.EXAMPLE"), 1u);
    EXPECT_EQ(count("q=%25"), 0u) << "LIKE wildcards are literal";
    EXPECT_EQ(count("tag=odd"), 3u);
    EXPECT_EQ(count("status=inactive"), 2u);
    EXPECT_EQ(count("status=inactive&tag=odd"), 1u);
}

TEST(VendorsApi, ListsAndMembers) {
    TestServer server;
    PlatformSession platform(server);
    auto acme = platform.create_tenant("acme");
    std::string v1 = acme.http.post("/api/v1/vendors", {{"name", "A"}}).json()["id"];
    std::string v2 = acme.http.post("/api/v1/vendors", {{"name", "B"}}).json()["id"];
    auto created = acme.http.post("/api/v1/lists", {{"name", "Carriers"}, {"description", "Road"}});
    ASSERT_EQ(created.status, 201) << created.body;
    std::string lid = created.json()["id"];
    EXPECT_EQ(acme.http.post("/api/v1/lists", {{"name", "Carriers"}}).status, 409);
    EXPECT_EQ(acme.http.post("/api/v1/lists", {{"name", "a;b"}}).status, 422);
    auto added =
        acme.http.post("/api/v1/lists/" + lid + "/members", {{"vendor_ids", {v1, v2, v1}}, {"contact_role", "ap"}});
    ASSERT_EQ(added.status, 200) << added.body;
    EXPECT_EQ(added.json()["member_count"], 2);
    EXPECT_EQ(acme.http.get("/api/v1/vendors?list=" + lid).json()["items"].size(), 2u);
    EXPECT_EQ(acme.http.get("/api/v1/vendors/" + v1).json()["lists"][0]["name"], "Carriers");
    EXPECT_EQ(acme.http.del("/api/v1/lists/" + lid + "/members/" + v2).status, 204);
    EXPECT_EQ(acme.http.get("/api/v1/lists/" + lid).json()["member_count"], 1);
    EXPECT_EQ(acme.http.patch("/api/v1/lists/" + lid, {{"name", "Hauliers"}}).json()["name"], "Hauliers");
    EXPECT_EQ(acme.http.del("/api/v1/vendors/" + v1).status, 204);
    EXPECT_EQ(acme.http.get("/api/v1/lists/" + lid).json()["member_count"], 0) << "members go with their vendor";
    EXPECT_EQ(acme.http.del("/api/v1/lists/" + lid).status, 204);
    EXPECT_EQ(acme.http.get("/api/v1/vendors/" + v2).status, 200) << "vendors stay when their list goes";
}

TEST(VendorsApi, SuppressionsAreNormalizedSearchableAndAudited) {
    TestServer server;
    PlatformSession platform(server);
    auto acme = platform.create_tenant("acme");
    auto added = acme.http.post("/api/v1/suppressions",
                                {{"address", " Gone@Bücher.EXAMPLE "}, {"reason", "bounce"}, {"source", "dsn"}});
    ASSERT_EQ(added.status, 201) << added.body;
    auto s = added.json();
    EXPECT_EQ(s["address"], "gone@xn--bcher-kva.example");  // stored lower-cased: suppressions ignore letter case
    for (auto key : {"id", "address", "reason", "source", "created_at"}) EXPECT_TRUE(s.contains(key)) << key;
    EXPECT_EQ(acme.http.post("/api/v1/suppressions", {{"address", "Gone@bücher.example"}}).status, 409);
    EXPECT_EQ(acme.http.post("/api/v1/suppressions", {{"address", "x@y\r\nz"}}).status, 422);
    EXPECT_EQ(acme.http.post("/api/v1/suppressions", {{"address", "a@b.example"}, {"reason", "spite"}}).status, 422);
    ASSERT_EQ(acme.http.post("/api/v1/suppressions", {{"address", "other@x.example"}}).json()["reason"], "manual");
    EXPECT_EQ(acme.http.get("/api/v1/suppressions?q=gone").json()["items"].size(), 1u);
    EXPECT_EQ(acme.http.get("/api/v1/suppressions?reason=manual").json()["items"].size(), 1u);
    EXPECT_EQ(acme.http.del("/api/v1/suppressions?address=Gone%40B%C3%BCcher.example").status, 204);
    EXPECT_EQ(acme.http.del("/api/v1/suppressions/" + s["id"].get<std::string>()).status, 404);
    db::Connection conn(server.database().conninfo());
    auto audit = conn.exec("SELECT action FROM audit_log WHERE action LIKE 'suppression.%' ORDER BY id");
    ASSERT_EQ(audit.rows(), 3);
    EXPECT_EQ(audit.text(0, "action"), "suppression.added");
    EXPECT_EQ(audit.text(2, "action"), "suppression.removed");
}

}  // namespace
}  // namespace dh::test
