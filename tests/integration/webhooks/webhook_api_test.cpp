// Registering webhooks through the real API: who may, what is refused (bad input, targets that
// would reach the platform's own network) and that tenants never see each other's endpoints.
#include <gtest/gtest.h>

#include "harness/tenants.hpp"
#include "webhooks/webhook_receiver.hpp"

namespace dh::test {
namespace {

const nlohmann::json kAllEvents = {"delivery.sent", "delivery.failed", "delivery.bounced", "dispatch.completed",
                                   "inbox.received"};

nlohmann::json hook(const std::string& url, nlohmann::json events = kAllEvents) {
    return {{"url", url}, {"events", std::move(events)}};
}

std::string field_of(const HttpResponse& r) {
    auto body = r.json();
    return body.contains("errors") && !body["errors"].empty() ? body["errors"][0].value("field", "") : "";
}

/// A server as tests run it: loopback targets and plain http allowed, so that a local receiver works.
struct WebhookApi : ::testing::Test {
    TestServer server{{{"WEBHOOK_ALLOW_PRIVATE", "1"}, {"WEBHOOK_ALLOW_HTTP", "1"}}};
    PlatformSession platform{server};
    TenantSession acme = platform.create_tenant("acme");
    TenantSession globex = platform.create_tenant("globex");
    WebhookReceiver receiver;
};

TEST_F(WebhookApi, AdminRegistersListsAndDeletesAndTheSecretIsShownOnce) {
    auto created = acme.http.post("/api/v1/webhooks", hook(receiver.url(), {"delivery.sent", "delivery.sent"}));
    ASSERT_EQ(created.status, 201) << created.body;
    auto body = created.json();
    auto id = body["id"].get<std::string>();
    EXPECT_EQ(body["url"], receiver.url());
    EXPECT_EQ(body["events"], nlohmann::json({"delivery.sent"}));
    EXPECT_EQ(body["secret"].get<std::string>().rfind("whsec_", 0), 0u);

    auto shown = acme.http.get("/api/v1/webhooks/" + id);
    ASSERT_EQ(shown.status, 200) << shown.body;
    EXPECT_FALSE(shown.json().contains("secret"));
    auto list = acme.http.get("/api/v1/webhooks");
    EXPECT_EQ(list.json()["items"].size(), 1u) << list.body;
    EXPECT_EQ(list.body.find(body["secret"].get<std::string>()), std::string::npos);

    EXPECT_EQ(acme.http.del("/api/v1/webhooks/" + id).status, 204);
    EXPECT_EQ(acme.http.get("/api/v1/webhooks/" + id).status, 404);
    EXPECT_EQ(acme.http.del("/api/v1/webhooks/" + id).status, 404);

    auto audit = acme.http.get("/api/v1/audit?target_type=webhook").body;
    EXPECT_NE(audit.find("webhook.created"), std::string::npos) << audit;
    EXPECT_NE(audit.find("webhook.deleted"), std::string::npos) << audit;
    EXPECT_EQ(audit.find(body["secret"].get<std::string>()), std::string::npos);
    EXPECT_EQ(server.log().find(body["secret"].get<std::string>()), std::string::npos);
}

TEST_F(WebhookApi, OtherTenantsCannotSeeOrDeleteAnEndpoint) {
    auto created = acme.http.post("/api/v1/webhooks", hook(receiver.url()));
    ASSERT_EQ(created.status, 201) << created.body;
    auto id = created.json()["id"].get<std::string>();
    EXPECT_EQ(globex.http.get("/api/v1/webhooks/" + id).status, 404);
    EXPECT_EQ(globex.http.get("/api/v1/webhooks/" + id + "/deliveries").status, 404);
    EXPECT_EQ(globex.http.del("/api/v1/webhooks/" + id).status, 404);
    EXPECT_EQ(globex.http.post("/api/v1/webhooks/" + id + "/rotate-secret", nlohmann::json::object()).status, 404);
    EXPECT_EQ(globex.http.post("/api/v1/webhooks/" + id + "/deliveries/" + id + "/redeliver", nlohmann::json::object())
                  .status,
              404);
    EXPECT_TRUE(globex.http.get("/api/v1/webhooks").json()["items"].empty());
    EXPECT_EQ(acme.http.get("/api/v1/webhooks/" + id).status, 200) << "still there";
}

TEST_F(WebhookApi, MembersMayNotManageWebhooks) {
    auto created = acme.http.post("/api/v1/webhooks", hook(receiver.url()));
    ASSERT_EQ(created.status, 201) << created.body;
    auto id = created.json()["id"].get<std::string>();
    auto member = acme.http.post("/api/v1/users", {{"email", "clerk@acme.test"},
                                                   {"name", "Clerk"},
                                                   {"role", "tenant_member"},
                                                   {"password", "Clerk-Passw0rd-123"}});
    ASSERT_EQ(member.status, 201) << member.body;
    HttpClient clerk(server.base());
    clerk.set_token(platform.login("clerk@acme.test", "Clerk-Passw0rd-123", "acme"));
    EXPECT_EQ(clerk.post("/api/v1/webhooks", hook(receiver.url())).status, 403);
    EXPECT_EQ(clerk.del("/api/v1/webhooks/" + id).status, 403);
    EXPECT_EQ(clerk.post("/api/v1/webhooks/" + id + "/rotate-secret", nlohmann::json::object()).status, 403);
    EXPECT_EQ(
        clerk.post("/api/v1/webhooks/" + id + "/deliveries/" + id + "/redeliver", nlohmann::json::object()).status,
        403);
    EXPECT_EQ(acme.http.get("/api/v1/webhooks/" + id).status, 200);
}

TEST_F(WebhookApi, BadInputIsRefusedNamingTheField) {
    struct Case {
        nlohmann::json body;
        std::string field;
    };
    std::vector<Case> cases = {
        {{{"events", kAllEvents}}, "url"},
        {hook("ftp://example.com/x"), "url"},
        {hook("https://user:secret@example.com/x"), "url"},
        {hook("not a url"), "url"},
        {hook("https://169.254.169.254/latest/meta-data/"), "url"},  // never, whatever the operator allows
        {{{"url", receiver.url()}}, "events"},
        {hook(receiver.url(), nlohmann::json::array()), "events"},
        {hook(receiver.url(), {"delivery.opened"}), "events"},
        {hook(receiver.url(), "delivery.sent"), "events"},
        {{{"url", receiver.url()}, {"events", kAllEvents}, {"description", std::string(201, 'x')}}, "description"},
    };
    for (auto& c : cases) {
        auto r = acme.http.post("/api/v1/webhooks", c.body);
        EXPECT_EQ(r.status, 422) << c.body.dump() << " -> " << r.body;
        EXPECT_EQ(r.header("content-type"), "application/problem+json");
        EXPECT_EQ(field_of(r), c.field) << c.body.dump() << " -> " << r.body;
    }
    EXPECT_EQ(
        acme.http.post("/api/v1/webhooks", {{"url", receiver.url()}, {"events", kAllEvents}, {"secret", "x"}}).status,
        422);
    EXPECT_EQ(acme.http.get("/api/v1/webhooks/not-a-uuid").status, 404);
    EXPECT_TRUE(acme.http.get("/api/v1/webhooks").json()["items"].empty());
}

/// Production settings: no private targets, https only.
struct WebhookTargets : ::testing::Test {
    TestServer server;
    PlatformSession platform{server};
    TenantSession acme = platform.create_tenant("acme");
};

TEST_F(WebhookTargets, AddressesOfThePlatformsOwnNetworkAreRefused) {
    for (std::string url : {"https://127.0.0.1/hook", "https://10.0.0.5/hook", "https://192.168.1.10/hook",
                            "https://169.254.169.254/latest/meta-data/", "https://[::1]/hook", "https://localhost/hook",
                            "https://0x7f000001/hook", "https://[::ffff:127.0.0.1]/hook"}) {
        auto r = acme.http.post("/api/v1/webhooks", hook(url));
        EXPECT_EQ(r.status, 422) << url << " -> " << r.body;
        EXPECT_EQ(field_of(r), "url") << url << " -> " << r.body;
        EXPECT_NE(r.body.find("not a public address"), std::string::npos) << url << " -> " << r.body;
    }
    auto plain = acme.http.post("/api/v1/webhooks", hook("http://hooks.example.com/x"));
    EXPECT_EQ(plain.status, 422) << plain.body;
    EXPECT_NE(plain.body.find("https"), std::string::npos) << plain.body;
    EXPECT_TRUE(acme.http.get("/api/v1/webhooks").json()["items"].empty());
}

}  // namespace
}  // namespace dh::test
