// A merge field with a default (`{{vendor.custom.region | default: "n/a"}}`) is never missing: the
// dispatch is created, the preview shows the default, and the mail that goes out carries it, while
// recipients with a value get theirs. Over the real API, database and capture transport.
#include <gtest/gtest.h>

#include "db/connection.hpp"
#include "inbox/inbox_fixture.hpp"

namespace dh::test {
namespace {

struct MergeDefault : ::testing::Test {
    TestServer server;
    PlatformSession platform{server};
    TenantSession acme = platform.create_tenant("acme");

    std::string vendor(const std::string& name, const std::string& email, const nlohmann::json& custom) {
        auto r = acme.http.post(
            "/api/v1/vendors",
            {{"name", name}, {"custom_fields", custom}, {"contacts", {{{"name", "AP"}, {"email", email}}}}});
        if (r.status != 201) throw std::runtime_error("vendor -> " + r.body);
        return r.json()["id"];
    }
    nlohmann::json body(const std::vector<std::string>& vendors, const std::string& field) {
        return {{"subject", "Region " + field + " for {{vendor.name}}"},
                {"body_markdown", "Your region: **" + field + "**"},
                {"recipients", {{"vendor_ids", vendors}}}};
    }
};

TEST_F(MergeDefault, CreatePreviewAndTheSentMailUseTheDefault) {
    auto north = vendor("Northwind", "ap@northwind.example", {{"region", "North"}});
    auto bare = vendor("Bare Co", "ap@bare.example", nlohmann::json::object());
    const std::string with_default = R"({{vendor.custom.region | default: "n/a"}})";

    // Without a default the preview warns and creation is refused, naming the recipient.
    auto plain = body({north, bare}, "{{vendor.custom.region}}");
    auto warned = acme.http.post("/api/v1/dispatches/preview", plain).json();
    EXPECT_EQ(warned["missing_values"], (nlohmann::json::array({{{"field", "vendor.custom.region"}, {"count", 1}}})));
    auto refused = acme.http.post("/api/v1/dispatches", plain);
    EXPECT_EQ(refused.status, 422) << refused.body;
    EXPECT_EQ(refused.json()["code"], "missing_merge_value") << refused.body;

    // With a default nothing is missing and the preview of the bare vendor shows it.
    auto request = body({north, bare}, with_default);
    auto for_bare = request;
    for_bare["vendor_id"] = bare;
    auto preview = acme.http.post("/api/v1/dispatches/preview", for_bare);
    ASSERT_EQ(preview.status, 200) << preview.body;
    EXPECT_EQ(preview.json()["missing_values"], nlohmann::json::array());
    EXPECT_EQ(preview.json()["subject"], "Region n/a for Bare Co");
    EXPECT_NE(preview.json()["html"].get<std::string>().find("<strong>n/a</strong>"), std::string::npos);

    auto created = acme.http.post("/api/v1/dispatches", request);
    ASSERT_EQ(created.status, 201) << created.body;
    auto d = wait_for_status(acme, created.json()["id"], "completed");
    ASSERT_EQ(d["status"], "completed") << d.dump();
    const auto items =
        acme.http.get("/api/v1/dispatches/" + d["id"].get<std::string>() + "/deliveries").json()["items"];
    ASSERT_EQ(items.size(), 2u) << items.dump();
    for (auto& item : items) {
        auto m = captured(server, item["id"]);
        bool is_bare = item["email"] == "ap@bare.example";
        EXPECT_EQ(m.subject, is_bare ? "Region n/a for Bare Co" : "Region North for Northwind");
        EXPECT_NE(m.text_body.find(is_bare ? "n/a" : "North"), std::string::npos) << m.text_body;
        EXPECT_NE(m.html_body.find(is_bare ? "<strong>n/a</strong>" : "<strong>North</strong>"), std::string::npos)
            << m.html_body;
    }

    // The dispatch page shows the template readably; the vendor's history the subject it was sent with.
    auto view = acme.http.get("/api/v1/dispatches/" + d["id"].get<std::string>()).json();
    EXPECT_EQ(view["message"]["subject"], "Region \u2039vendor.custom.region\u203a for \u2039vendor.name\u203a");
    std::string bare_delivery = items[0]["email"] == "ap@bare.example" ? items[0]["id"] : items[1]["id"];
    auto subjects = acme.http.get("/api/v1/vendors/" + bare + "/sent-subjects?ids=" + bare_delivery).json();
    EXPECT_EQ(subjects["items"],
              (nlohmann::json::array({{{"delivery_id", bare_delivery}, {"subject", "Region n/a for Bare Co"}}})));

    // The history keeps the subject as it was mailed, whatever the vendor becomes afterwards.
    db::Connection conn(server.database().conninfo());
    EXPECT_EQ(conn.exec("SELECT subject FROM deliveries WHERE id = $1", {bare_delivery}).text(0, 0),
              "Region n/a for Bare Co");
    auto renamed = acme.http.patch("/api/v1/vendors/" + bare,
                                   {{"name", "Bare Renamed"}, {"custom_fields", {{"region", "South"}}}});
    ASSERT_EQ(renamed.status, 200) << renamed.body;
    auto kept = acme.http.get("/api/v1/vendors/" + bare + "/sent-subjects?ids=" + bare_delivery).json();
    EXPECT_EQ(kept["items"],
              (nlohmann::json::array({{{"delivery_id", bare_delivery}, {"subject", "Region n/a for Bare Co"}}})));
}

TEST_F(MergeDefault, AFixedSubjectIsNotStoredPerDeliveryAndStillReadsBack) {
    auto north = vendor("Northwind", "ap@northwind.example", {{"region", "North"}});
    auto created = acme.http.post(
        "/api/v1/dispatches",
        {{"subject", "Quarterly price list"}, {"body_markdown", "Hello"}, {"recipients", {{"vendor_ids", {north}}}}});
    ASSERT_EQ(created.status, 201) << created.body;
    auto d = wait_for_status(acme, created.json()["id"], "completed");
    ASSERT_EQ(d["status"], "completed") << d.dump();
    auto items = acme.http.get("/api/v1/dispatches/" + d["id"].get<std::string>() + "/deliveries").json()["items"];
    ASSERT_EQ(items.size(), 1u) << items.dump();
    std::string delivery = items[0]["id"];
    db::Connection conn(server.database().conninfo());
    EXPECT_EQ(conn.exec("SELECT count(*) FROM deliveries WHERE id = $1 AND subject IS NULL", {delivery}).text(0, 0),
              "1");
    auto subjects = acme.http.get("/api/v1/vendors/" + north + "/sent-subjects?ids=" + delivery).json();
    EXPECT_EQ(subjects["items"],
              (nlohmann::json::array({{{"delivery_id", delivery}, {"subject", "Quarterly price list"}}})));
}

TEST_F(MergeDefault, AMalformedDefaultIsRefusedNamingTheField) {
    auto north = vendor("Northwind", "ap@northwind.example", {{"region", "North"}});
    for (auto bad : {R"({{vendor.custom.region | default: n/a}})", R"({{vendor.custom.region | upper}})"}) {
        auto r = acme.http.post("/api/v1/dispatches/preview", body({north}, bad));
        EXPECT_EQ(r.status, 422) << bad;
        EXPECT_EQ(r.json().value("in", ""), "subject") << r.body;
    }
}

// The readable message is rendered once per dispatch and kept by the server; what it shows still
// follows the stored text, and two dispatches never show each other's.
TEST_F(MergeDefault, TheKeptReadableMessageFollowsTheStoredText) {
    auto north = vendor("Northwind", "ap@northwind.example", {{"region", "North"}});
    auto create = [&](const std::string& subject) {
        auto r = acme.http.post("/api/v1/dispatches", {{"subject", subject},
                                                       {"body_markdown", "Dear {{vendor.name}}"},
                                                       {"recipients", {{"vendor_ids", {north}}}}});
        if (r.status != 201) throw std::runtime_error("dispatch -> " + r.body);
        return r.json()["id"].get<std::string>();
    };
    auto first = create("Prices for {{vendor.name}}");
    auto second = create("Terms for {{vendor.name}}");
    auto message = [&](const std::string& id) { return acme.http.get("/api/v1/dispatches/" + id).json()["message"]; };
    for (int read = 0; read < 2; ++read) {
        EXPECT_EQ(message(first)["subject"], "Prices for \u2039vendor.name\u203a");
        EXPECT_EQ(message(second)["subject"], "Terms for \u2039vendor.name\u203a");
    }
    db::Connection conn(server.database().conninfo());
    conn.exec(
        "UPDATE dispatches SET subject = 'Rates for {{vendor.code}}', body_markdown = 'Hi {{vendor.code}}' "
        "WHERE id = $1",
        {first});
    auto changed = message(first);
    EXPECT_EQ(changed["subject"], "Rates for \u2039vendor.code\u203a");
    EXPECT_NE(changed["text"].get<std::string>().find("Hi \u2039vendor.code\u203a"), std::string::npos) << changed;
    EXPECT_EQ(message(second)["subject"], "Terms for \u2039vendor.name\u203a");
}

}  // namespace
}  // namespace dh::test
