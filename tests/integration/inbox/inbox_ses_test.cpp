// POST /api/v1/inbound/ses: SNS messages signed with a test CA configured as trusted.
#include <gtest/gtest.h>

#include <cstdio>

#include "inbox/inbox_fixture.hpp"
#include "inbox/sns.hpp"

namespace dh::test {
namespace {

namespace fs = std::filesystem;
constexpr const char* kCertUrl = "https://sns.eu-west-1.amazonaws.com/SimpleNotificationService-test.pem";

std::string shell(const std::string& cmd) {
    auto [code, out] = run_shell(cmd);
    if (code != 0) throw std::runtime_error(cmd + ": " + out);
    return out;
}

/// A trusted test CA and its signer, plus a signer of another CA.
struct SnsKeys {
    std::string dir = make_temp_dir();
    SnsKeys() {
        for (std::string ca : {"trusted", "other"}) {
            shell("cd " + dir + " && openssl req -x509 -newkey rsa:2048 -nodes -keyout " + ca + "-ca.key -out " + ca +
                  "-ca.pem -days 2 -subj '/CN=" + ca +
                  " test CA' -addext basicConstraints=critical,CA:TRUE"
                  " -addext keyUsage=critical,keyCertSign,cRLSign 2>&1");
            shell("cd " + dir + " && openssl req -newkey rsa:2048 -nodes -keyout " + ca + "-signer.key -out " + ca +
                  ".csr -subj /CN=sns.amazonaws.com 2>&1 && openssl x509 -req -in " + ca + ".csr -CA " + ca +
                  "-ca.pem -CAkey " + ca + "-ca.key -CAcreateserial -out " + ca + "-signer.pem -days 2 2>&1");
        }
    }
    ~SnsKeys() { fs::remove_all(dir); }
    std::string sign(const std::string& text, const std::string& signer = "trusted") const {
        std::string file = dir + "/canon-" + random::hex(4);
        write_file(file, text);
        auto b64 = shell("openssl dgst -sha256 -sign " + dir + "/" + signer + "-signer.key " + file + " | base64 -w0");
        fs::remove(file);
        return b64;
    }
};

nlohmann::json sns_body(const inbox::SnsMessage& m) {
    nlohmann::json j = {{"Type", m.type},           {"MessageId", m.message_id},
                        {"TopicArn", m.topic_arn},  {"Message", m.message},
                        {"Timestamp", m.timestamp}, {"SignatureVersion", m.signature_version},
                        {"Signature", m.signature}, {"SigningCertURL", m.signing_cert_url}};
    if (m.type == "Notification") j["Subject"] = nullptr;
    if (!m.subscribe_url.empty()) {
        j["SubscribeURL"] = m.subscribe_url;
        j["Token"] = m.token;
    }
    return j;
}

inbox::SnsMessage signed_message(const SnsKeys& keys, const std::string& type, const std::string& message,
                                 const std::string& signer = "trusted") {
    inbox::SnsMessage m;
    m.type = type;
    m.message_id = "22b80b92-fdea-4c2c-8f9d-" + random::hex(6);
    m.topic_arn = "arn:aws:sns:eu-west-1:123456789012:ses-events";
    m.message = message;
    m.timestamp = "2026-05-08T09:00:00.000Z";
    m.signature_version = "2";
    m.signing_cert_url = kCertUrl;
    if (type == "SubscriptionConfirmation") {
        m.subscribe_url = "https://sns.eu-west-1.amazonaws.com/?Action=ConfirmSubscription&Token=abc";
        m.token = "abc";
    }
    m.signature = keys.sign(inbox::sns_string_to_sign(m), signer);
    return m;
}

struct InboxSes : ::testing::Test {
    static inline SnsKeys* keys = nullptr;
    static void SetUpTestSuite() { keys = new SnsKeys(); }
    static void TearDownTestSuite() {
        delete keys;
        keys = nullptr;
    }
    TestServer server{
        Env{{"SNS_CA_FILE", keys->dir + "/trusted-ca.pem"}, {"SNS_CERT_FILE", keys->dir + "/trusted-signer.pem"}}};
    PlatformSession platform{server};
    TenantSession acme = platform.create_tenant("acme");

    HttpResponse post(const nlohmann::json& body) {
        return server.client().request("POST", "/api/v1/inbound/ses", body.dump(), {{"Content-Type", "text/plain"}});
    }
};

std::string bounce_json(const std::string& email, const std::string& message_id,
                        const std::string& type = "Permanent") {
    return nlohmann::json{{"notificationType", "Bounce"},
                          {"bounce",
                           {{"bounceType", type},
                            {"bounceSubType", "General"},
                            {"bouncedRecipients",
                             {{{"emailAddress", email},
                               {"action", "failed"},
                               {"status", "5.1.1"},
                               {"diagnosticCode", "smtp; 550 5.1.1 user unknown"}}}}}},
                          {"mail",
                           {{"messageId", "0100018f-ses"},
                            {"source", "bounces@dispatchhub.localhost"},
                            {"commonHeaders", {{"messageId", "<" + message_id + ">"}}}}}}
        .dump();
}

TEST_F(InboxSes, SignedBounceIsAppliedAndForgeriesAreRefused) {
    auto list = import_vendors(acme, 2);
    auto sent = send_dispatch(acme, list);
    auto d0 = sent.delivery(0);
    auto message_id = captured(server, d0["id"]).message_id;

    auto confirm = post(sns_body(signed_message(*keys, "SubscriptionConfirmation", "You have chosen to subscribe")));
    EXPECT_EQ(confirm.status, 200) << confirm.body;

    auto good = signed_message(*keys, "Notification", bounce_json(d0["email"], message_id));
    auto tampered = sns_body(good);
    tampered["Message"] = bounce_json(sent.delivery(1)["email"], captured(server, sent.delivery(1)["id"]).message_id);
    EXPECT_EQ(post(tampered).status, 403);
    auto wrong = sns_body(signed_message(*keys, "Notification", bounce_json(d0["email"], message_id), "other"));
    EXPECT_EQ(post(wrong).status, 403);
    auto elsewhere = sns_body(good);
    elsewhere["SigningCertURL"] = "https://sns.attacker.example/SimpleNotificationService-test.pem";
    EXPECT_EQ(post(elsewhere).status, 403);
    EXPECT_EQ(post({{"hello", "world"}}).status, 400);
    EXPECT_EQ(acme.http.get("/api/v1/dispatches/" + sent.id).json()["counts"]["bounced"], 0);

    auto r = post(sns_body(good));
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.json()["bounced"], 1);
    EXPECT_EQ(acme.http.get("/api/v1/dispatches/" + sent.id).json()["counts"]["bounced"], 1);
    auto supp = acme.http.get("/api/v1/suppressions").json();
    ASSERT_EQ(supp["items"].size(), 1u);
    EXPECT_EQ(supp["items"][0]["address"], d0["email"]);
    auto item = acme.http.get("/api/v1/inbox").json()["items"].at(0);
    EXPECT_EQ(item["routed_by"], "ses");
    EXPECT_EQ(item["delivery_id"], d0["id"]);
}

}  // namespace
}  // namespace dh::test
