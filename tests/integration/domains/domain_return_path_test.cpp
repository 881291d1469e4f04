// The optional return path: with bounce.<domain> published as a CNAME of the platform's mail
// domain, mail from the domain leaves with its envelope sender at bounce.<domain> (SPF and DMARC
// align with the From domain), and bounces sent there are taken by the inbound listener like those
// to MAIL_DOMAIN. Checked at a real SMTP peer (aiosmtpd) and over the inbound listener's socket.
#include <gtest/gtest.h>

#include "harness/dns_zone.hpp"
#include "inbox/inbox_fixture.hpp"
#include "smtp/smtp_peers.hpp"

namespace dh::test {
namespace {

struct DomainReturnPath : ::testing::Test {
    DnsZone zone;
    smtp::TempDir peer_dir;
    smtp::Peer peer{smtp::aiosmtpd(peer_dir), "READY "};
    TestServer server{{{"DNS_RESOLVER", zone.address()},
                       {"SMTP_URL", "smtp://127.0.0.1:" + std::to_string(peer.port()) + "?tls=none"}}};
    PlatformSession platform{server};
    TenantSession acme = platform.create_tenant("acme");

    std::vector<nlohmann::json> received() const { return smtp::read_jsonl(peer_dir.file("mail.jsonl")); }
};

TEST_F(DomainReturnPath, APublishedReturnPathCarriesTheEnvelopeSenderAndItsBounces) {
    auto domain = add_verified_domain(acme, zone, "acme-corp.example");
    auto rp = record(domain, "return_path");
    ASSERT_FALSE(rp.is_null()) << domain.dump();
    EXPECT_EQ(rp["type"], "CNAME");
    EXPECT_EQ(rp["name"], "bounce.acme-corp.example");
    EXPECT_EQ(rp["value"], "dispatchhub.localhost");
    EXPECT_EQ(rp["status"], "missing");
    EXPECT_EQ(domain["status"], "verified") << "the return path is optional";

    // A CNAME elsewhere is a mismatch that shows what was found.
    auto id = domain["id"].get<std::string>();
    zone.set_cname("bounce.acme-corp.example", "mail.elsewhere.example.");
    auto wrong = acme.http.post("/api/v1/domains/" + id + "/verify", nlohmann::json::object()).json();
    EXPECT_EQ(record(wrong, "return_path")["status"], "mismatch");
    EXPECT_EQ(record(wrong, "return_path")["found"], nlohmann::json({"mail.elsewhere.example"}));

    zone.set_cname("bounce.acme-corp.example", "DispatchHub.localhost.");  // case and trailing dot do not matter
    auto checked = acme.http.post("/api/v1/domains/" + id + "/verify", nlohmann::json::object()).json();
    ASSERT_EQ(record(checked, "return_path")["status"], "verified") << checked.dump();

    auto sid = acme.http.post("/api/v1/sender-identities", {{"email", "payments@acme-corp.example"}, {"name", "Acme"}})
                   .json()["id"]
                   .get<std::string>();
    auto body = dispatch_body(import_vendors(acme, 2));
    body["sender_identity_id"] = sid;
    auto created = acme.http.post("/api/v1/dispatches", body);
    ASSERT_EQ(created.status, 201) << created.body;
    auto dispatch_id = created.json()["id"].get<std::string>();
    EXPECT_EQ(wait_for_status(acme, dispatch_id, "completed")["status"], "completed");

    std::vector<nlohmann::json> vendor_mail;
    for (auto& m : received())
        if (m["rcpt_tos"][0].get<std::string>().find("@vendor") != std::string::npos) vendor_mail.push_back(m);
    ASSERT_EQ(vendor_mail.size(), 2u);
    for (auto& m : vendor_mail) {
        auto from = m["mail_from"].get<std::string>();
        EXPECT_EQ(from.rfind("bounces+", 0), 0u) << from;
        EXPECT_TRUE(from.ends_with("@bounce.acme-corp.example")) << from;
    }

    // A bounce to that envelope sender reaches the inbound listener and marks the delivery.
    auto deliveries = acme.http.get("/api/v1/dispatches/" + dispatch_id + "/deliveries").json();
    auto victim = deliveries["items"][0];
    std::string envelope;
    for (auto& m : vendor_mail)
        if (m["rcpt_tos"][0] == victim["email"]) envelope = m["mail_from"].get<std::string>();
    ASSERT_FALSE(envelope.empty());
    auto x = smtp_send(server.smtp_port(), "", envelope,
                       dsn(envelope, victim["email"].get<std::string>(), "5.1.1", "unknown@vendor.example"));
    ASSERT_EQ(x.data.substr(0, 3), "250") << x.rcpt << x.data;
    EXPECT_EQ(acme.http.get("/api/v1/dispatches/" + dispatch_id).json()["counts"]["bounced"], 1);

    // Only bounce tokens are taken there: a reply address at bounce.<domain> is refused.
    auto reply = mail::reply_address(victim["id"].get<std::string>(), "bounce.acme-corp.example",
                                     delivery::derive_routing_key(server.jwt_secret()));
    EXPECT_EQ(smtp_send(server.smtp_port(), "ap@vendor.example", reply, "Subject: hi\r\n\r\nhi\r\n").rcpt.substr(0, 1),
              "5");
}

}  // namespace
}  // namespace dh::test
