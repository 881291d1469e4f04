// Recipients are exactly those chosen: the contact-role rule, suppressions regardless of letter case
// and by whole domain, what a preview says is excluded or missing, and Reply-To keeping replies in
// the Inbox. Over the real API, database and capture transport.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "inbox/inbox_fixture.hpp"

namespace dh::test {
namespace {

struct Recipients : ::testing::Test {
    TestServer server;
    PlatformSession platform{server};
    TenantSession acme = platform.create_tenant("acme");

    std::string vendor(const nlohmann::json& body) {
        auto r = acme.http.post("/api/v1/vendors", body);
        if (r.status != 201) throw std::runtime_error("vendor -> " + std::to_string(r.status) + " " + r.body);
        return r.json()["id"];
    }
    /// Contoso: AP (primary) and ops; Fabrikam: two AP contacts, none marked primary (the first
    /// becomes primary); Initech: inactive, one contact.
    void three_vendors() {
        contoso =
            vendor({{"code", "C1"},
                    {"name", "Contoso"},
                    {"contacts",
                     {{{"name", "Olaf Ops"}, {"email", "olaf@contoso.example"}, {"role", "ops"}},
                      {{"name", "Anna AP"}, {"email", "Anna@Contoso.example"}, {"role", "ap"}, {"primary", true}}}}});
        fabrikam = vendor({{"code", "F1"},
                           {"name", "Fabrikam"},
                           {"contacts",
                            {{{"name", "Finn"}, {"email", "finn@fabrikam.example"}, {"role", "ap"}},
                             {{"name", "Fay"}, {"email", "fay@fabrikam.example"}, {"role", "ap"}}}}});
        initech = vendor({{"code", "I1"},
                          {"name", "Initech"},
                          {"status", "inactive"},
                          {"contacts", {{{"name", "Ivy"}, {"email", "ivy@initech.example"}, {"role", "ops"}}}}});
    }
    nlohmann::json body(const nlohmann::json& contact_role, const std::string& subject = "RFQ") {
        return {{"subject", subject},
                {"body_markdown", "Dear {{contact.name}}"},
                {"recipients", {{"vendor_ids", {contoso, fabrikam, initech}}, {"contact_role", contact_role}}}};
    }
    /// The addresses a new dispatch has deliveries for (lower-cased, sorted), by delivery status.
    std::multiset<std::string> deliveries(const nlohmann::json& request, const std::string& status = "") {
        auto created = acme.http.post("/api/v1/dispatches", request);
        if (created.status != 201) throw std::runtime_error("dispatch -> " + created.body);
        auto path = "/api/v1/dispatches/" + created.json()["id"].get<std::string>() + "/deliveries?limit=100";
        if (!status.empty()) path += "&status=" + status;
        std::multiset<std::string> out;
        // Keep the answer: a range-for over a member of a temporary json would dangle.
        const auto items = acme.http.get(path).json()["items"];
        for (auto& d : items) {
            auto email = d["email"].get<std::string>();
            std::transform(email.begin(), email.end(), email.begin(), ::tolower);
            out.insert(email);
        }
        return out;
    }
    std::string contoso, fabrikam, initech;
};

using Set = std::multiset<std::string>;

TEST_F(Recipients, ContactRoleNullMeansEachVendorsPrimaryContact) {
    three_vendors();
    EXPECT_EQ(deliveries(body(nullptr)), (Set{"anna@contoso.example", "finn@fabrikam.example"}));
}

TEST_F(Recipients, ContactRoleAllMeansEveryContactOfActiveVendors) {
    three_vendors();
    EXPECT_EQ(deliveries(body("all")),
              (Set{"anna@contoso.example", "fay@fabrikam.example", "finn@fabrikam.example", "olaf@contoso.example"}));
}

TEST_F(Recipients, AnyOtherContactRoleMeansTheContactsWithThatRole) {
    three_vendors();
    EXPECT_EQ(deliveries(body("ops")), (Set{"olaf@contoso.example"}));
    EXPECT_EQ(deliveries(body("ap")), (Set{"anna@contoso.example", "fay@fabrikam.example", "finn@fabrikam.example"}));
}

TEST_F(Recipients, MovingThePrimaryFlagMovesTheDefaultRecipient) {
    three_vendors();
    auto contacts = acme.http.get("/api/v1/vendors/" + fabrikam).json()["contacts"];
    std::string fay;
    for (auto& c : contacts)
        if (c["email"] == "fay@fabrikam.example") fay = c["id"];
    ASSERT_FALSE(fay.empty()) << contacts.dump();
    ASSERT_EQ(acme.http.patch("/api/v1/vendors/" + fabrikam + "/contacts/" + fay, {{"primary", true}}).status, 200);
    EXPECT_EQ(deliveries(body(nullptr)), (Set{"anna@contoso.example", "fay@fabrikam.example"}));
    auto two_primaries = acme.http.post(
        "/api/v1/vendors",
        {{"name", "Two heads"},
         {"contacts",
          {{{"email", "a@two.example"}, {"primary", true}}, {{"email", "b@two.example"}, {"primary", true}}}}});
    EXPECT_EQ(two_primaries.status, 422);
    EXPECT_EQ(two_primaries.json()["field"], "contacts") << two_primaries.body;
}

TEST_F(Recipients, AddressesDifferingOnlyInCaseAreOneRecipient) {
    three_vendors();
    vendor({{"name", "Contoso Branch"}, {"contacts", {{{"email", "ANNA@contoso.example"}, {"role", "ap"}}}}});
    auto request = body("ap");
    request["recipients"]["vendor_ids"].push_back(acme.http.get("/api/v1/vendors?q=Branch").json()["items"][0]["id"]);
    EXPECT_EQ(deliveries(request), (Set{"anna@contoso.example", "fay@fabrikam.example", "finn@fabrikam.example"}));
}

TEST_F(Recipients, SuppressionsIgnoreLetterCaseAndCoverWholeDomains) {
    three_vendors();
    auto one = acme.http.post("/api/v1/suppressions", {{"address", "ANNA@contoso.EXAMPLE"}});
    ASSERT_EQ(one.status, 201) << one.body;
    EXPECT_EQ(one.json()["address"], "anna@contoso.example");
    EXPECT_EQ(one.json()["kind"], "address");
    EXPECT_EQ(acme.http.post("/api/v1/suppressions", {{"address", "anna@Contoso.example"}}).status, 409);
    auto domain = acme.http.post("/api/v1/suppressions", {{"address", "@Fabrikam.Example"}});
    ASSERT_EQ(domain.status, 201) << domain.body;
    EXPECT_EQ(domain.json()["address"], "@fabrikam.example");
    EXPECT_EQ(domain.json()["kind"], "domain");
    for (auto wildcard : {"*@contoso.example", "anna*@contoso.example", "@*.example", "*"}) {
        auto r = acme.http.post("/api/v1/suppressions", {{"address", wildcard}});
        EXPECT_EQ(r.status, 422) << wildcard;
        EXPECT_EQ(r.json().value("field", ""), "address") << r.body;
    }
    auto listed = acme.http.get("/api/v1/suppressions").json()["items"];
    ASSERT_EQ(listed.size(), 2u) << listed.dump();

    EXPECT_EQ(deliveries(body("all"), "suppressed"),
              (Set{"anna@contoso.example", "fay@fabrikam.example", "finn@fabrikam.example"}));
    // Every contact still has a delivery; only olaf's is not suppressed (not asserted as "queued":
    // the embedded worker may already have sent it).
    EXPECT_EQ(deliveries(body("all")),
              (Set{"anna@contoso.example", "fay@fabrikam.example", "finn@fabrikam.example", "olaf@contoso.example"}));
    EXPECT_EQ(acme.http.del("/api/v1/suppressions?address=%40FABRIKAM.example").status, 204);
    EXPECT_EQ(deliveries(body("all"), "suppressed"), (Set{"anna@contoso.example"}));
}

TEST_F(Recipients, PreviewTellsWhatIsExcludedAndWhichValuesAreMissing) {
    three_vendors();
    ASSERT_EQ(acme.http.patch("/api/v1/vendors/" + contoso, {{"custom_fields", {{"region", "North"}}}}).status, 200);
    ASSERT_EQ(acme.http.post("/api/v1/suppressions", {{"address", "@fabrikam.example"}}).status, 201);
    auto request = body("ops", "Region {{vendor.custom.region}} for {{vendor.code}}");
    auto preview = acme.http.post("/api/v1/dispatches/preview", request);
    ASSERT_EQ(preview.status, 200) << preview.body;
    auto p = preview.json();
    EXPECT_EQ(p["recipients_total"], 1);
    EXPECT_EQ(p["excluded"]["suppressed"], 0);
    EXPECT_EQ(p["excluded"]["no_matching_contact"], 1) << "Fabrikam has no ops contact";
    EXPECT_EQ(p["excluded"]["inactive"], 1) << "Initech is inactive";
    EXPECT_EQ(p["missing_values"], nlohmann::json::array());

    request["recipients"]["contact_role"] = "all";
    p = acme.http.post("/api/v1/dispatches/preview", request).json();
    EXPECT_EQ(p["recipients_total"], 4);
    EXPECT_EQ(p["excluded"]["suppressed"], 2);
    EXPECT_EQ(p["excluded"]["no_matching_contact"], 0);
    EXPECT_EQ(p["missing_values"], nlohmann::json::array()) << "only Fabrikam lacks a region, and it is suppressed";

    ASSERT_EQ(acme.http.del("/api/v1/suppressions?address=%40fabrikam.example").status, 204);
    p = acme.http.post("/api/v1/dispatches/preview", request).json();
    EXPECT_EQ(p["excluded"]["suppressed"], 0);
    EXPECT_EQ(p["missing_values"], (nlohmann::json::array({{{"field", "vendor.custom.region"}, {"count", 2}}})));
}

TEST_F(Recipients, ReplyToKeepsThePlatformAddressBesideTheCustomOne) {
    three_vendors();
    auto request = body("ops", "Reply check");
    request["reply_to"] = "buyer@northwind.example";
    auto created = acme.http.post("/api/v1/dispatches", request);
    ASSERT_EQ(created.status, 201) << created.body;
    auto d = wait_for_status(acme, created.json()["id"], "completed");
    ASSERT_EQ(d["status"], "completed") << d.dump();
    auto items = acme.http.get("/api/v1/dispatches/" + d["id"].get<std::string>() + "/deliveries").json()["items"];
    ASSERT_EQ(items.size(), 1u);
    auto m = captured(server, items[0]["id"]);
    ASSERT_EQ(m.reply_to.size(), 2u);
    EXPECT_NE(m.reply_to[0].address.find("@dispatchhub.localhost"), std::string::npos) << m.reply_to[0].address;
    EXPECT_EQ(m.reply_to[1].address, "buyer@northwind.example");
}

}  // namespace
}  // namespace dh::test
