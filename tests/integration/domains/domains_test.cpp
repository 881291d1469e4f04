// Sending domains through the real API against a real DNS server: the records a tenant publishes,
// what each lookup makes of them, names that are refused, DNS trouble that is not a missing record,
// and tenants that never see each other's domains.
#include <gtest/gtest.h>

#include <algorithm>
#include <thread>
#include <vector>

#include "db/connection.hpp"
#include "harness/dns_zone.hpp"
#include "harness/tenants.hpp"

namespace dh::test {
namespace {

const std::string kMailDomain = "platform.example";

std::string field_of(const HttpResponse& r) {
    auto body = r.json();
    if (body.contains("field")) return body["field"];
    return body.contains("errors") && !body["errors"].empty() ? body["errors"][0].value("field", "") : "";
}

struct DomainApi : ::testing::Test {
    DnsZone zone;
    TestServer server{
        {{"DNS_RESOLVER", zone.address()}, {"MAIL_DOMAIN", kMailDomain}, {"DOMAIN_RECHECK_SECONDS", "0"}}};
    PlatformSession platform{server};
    TenantSession acme = platform.create_tenant("acme");
    TenantSession globex = platform.create_tenant("globex");

    nlohmann::json add(const std::string& domain) {
        auto r = acme.http.post("/api/v1/domains", {{"domain", domain}});
        EXPECT_EQ(r.status, 201) << r.body;
        return r.json();
    }
    nlohmann::json verify(const TenantSession& t, const nlohmann::json& d) {
        auto r = t.http.post("/api/v1/domains/" + d["id"].get<std::string>() + "/verify", nlohmann::json::object());
        EXPECT_EQ(r.status, 200) << r.body;
        return r.json();
    }
};

TEST_F(DomainApi, AddedDomainIsPendingWithTheRecordsToPublish) {
    auto d = add("Acme-Corp.example.");
    EXPECT_EQ(d["domain"], "acme-corp.example");
    EXPECT_EQ(d["status"], "pending");
    EXPECT_TRUE(d["verified_at"].is_null());
    auto own = record(d, "ownership");
    EXPECT_EQ(own["type"], "TXT");
    EXPECT_EQ(own["name"], "_dispatchhub.acme-corp.example");
    EXPECT_EQ(own["status"], "missing");
    auto dkim = record(d, "dkim");
    EXPECT_EQ(dkim["name"], d["dkim"]["selector"].get<std::string>() + "._domainkey.acme-corp.example");
    auto value = dkim["value"].get<std::string>();
    EXPECT_EQ(value.rfind("v=DKIM1; k=rsa; p=", 0), 0u) << value;
    // A 2048-bit key's SubjectPublicKeyInfo is 294 octets: 392 base64 characters.
    EXPECT_EQ(value.size() - std::string("v=DKIM1; k=rsa; p=").size(), 392u);
    EXPECT_EQ(record(d, "spf")["status"], "advisory");
    EXPECT_EQ(record(d, "dmarc")["name"], "_dmarc.acme-corp.example");
}

// Checks that run at once (a user pressing "Check now" while the background re-check runs) decide
// the change once: one audit entry and one notice to the admins, not one per check.
TEST_F(DomainApi, ConcurrentChecksRecordAndAnnounceAChangeOnce) {
    auto d = add("acme-corp.example");
    for (auto& r : d["records"])
        if (r["purpose"] == "ownership" || r["purpose"] == "dkim")
            zone.set_txt(r["name"].get<std::string>(), r["value"].get<std::string>());
    const std::string path = "/api/v1/domains/" + d["id"].get<std::string>() + "/verify";
    std::vector<std::string> statuses(8);
    std::vector<std::thread> checks;
    for (std::size_t i = 0; i < statuses.size(); ++i)
        checks.emplace_back([&, i] {
            auto r = acme.http.post(path, nlohmann::json::object());
            statuses[i] = r.status == 200 ? r.json()["status"].get<std::string>() : r.body;
        });
    for (auto& t : checks) t.join();
    for (auto& s : statuses) EXPECT_EQ(s, "verified");

    db::Connection conn(server.database().conninfo());
    auto audited = conn.exec("SELECT count(*) FROM audit_log WHERE action = 'domain.verified' AND target_id = $1",
                             {d["id"].get<std::string>()});
    EXPECT_EQ(audited.text(0, 0), "1");
    auto notices = conn.exec("SELECT count(*) FROM platform_notifications WHERE event = 'domain.verified'");
    EXPECT_EQ(notices.text(0, 0), "1");
}

TEST_F(DomainApi, NamesThatCannotBeASendingDomainAreRefusedNamingDomain) {
    std::string label(63, 'l');
    std::string long_name = label + "." + label + "." + label + "." + label + "." + std::string(36, 'c') + ".example";
    for (const std::string& bad : std::vector<std::string>{
             "192.0.2.10", "localhost", "platform.example", "mail.platform.example", "exa mple.com", "[192.0.2.1]",
             "ops@acme.example", "-acme.example", "xn--a.example", "", long_name}) {
        auto r = acme.http.post("/api/v1/domains", {{"domain", bad}});
        EXPECT_EQ(r.status, 422) << bad << " " << r.body;
        EXPECT_EQ(field_of(r), "domain") << bad;
    }
    EXPECT_EQ(acme.http.get("/api/v1/domains").json()["items"].size(), 0u);
}

TEST_F(DomainApi, InternationalNamesAreStoredAsALabels) {
    EXPECT_EQ(add("bücher.example")["domain"], "xn--bcher-kva.example");
    auto again = acme.http.post("/api/v1/domains", {{"domain", "xn--bcher-kva.example"}});
    EXPECT_EQ(again.status, 409) << again.body;
}

TEST_F(DomainApi, LookupsJudgeEachRecordAndShowWhatWasFound) {
    auto d = add("acme-corp.example");
    auto none = verify(acme, d);
    EXPECT_EQ(none["status"], "pending");
    EXPECT_EQ(record(none, "ownership")["status"], "missing");
    EXPECT_EQ(record(none, "dkim")["status"], "missing");
    EXPECT_FALSE(none["checked_at"].is_null());

    auto own = record(d, "ownership"), dkim = record(d, "dkim");
    zone.set_txt(own["name"].get<std::string>(), own["value"].get<std::string>());
    zone.set_txt(dkim["name"].get<std::string>(),
                 "v=DKIM1; k=rsa; p=MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAwrong");
    auto wrong = verify(acme, d);
    EXPECT_EQ(wrong["status"], "pending");
    EXPECT_EQ(record(wrong, "ownership")["status"], "verified");
    EXPECT_EQ(record(wrong, "dkim")["status"], "mismatch");
    EXPECT_EQ(record(wrong, "dkim")["found"],
              nlohmann::json({"v=DKIM1; k=rsa; p=MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAwrong"}));

    // Published as a zone file would (split in 255-octet strings, served over TCP): verified.
    zone.set_txt(dkim["name"].get<std::string>(), dkim["value"].get<std::string>());
    zone.set_txt("acme-corp.example", "v=spf1 mx -all");
    auto ok = verify(acme, d);
    EXPECT_EQ(ok["status"], "verified") << ok.dump();
    EXPECT_FALSE(ok["verified_at"].is_null());
    EXPECT_EQ(record(ok, "spf")["found"], nlohmann::json({"v=spf1 mx -all"}));
    EXPECT_EQ(record(ok, "spf")["status"], "advisory");

    // The record gone: a verified domain is failing, not pending.
    zone.remove(dkim["name"].get<std::string>());
    auto gone = verify(acme, d);
    EXPECT_EQ(gone["status"], "failing");
    EXPECT_EQ(record(gone, "dkim")["status"], "missing");
    zone.set_txt(dkim["name"].get<std::string>(), dkim["value"].get<std::string>());
    EXPECT_EQ(verify(acme, d)["status"], "verified");
}

TEST_F(DomainApi, DnsTroubleIsCouldNotBeCheckedNotMissing) {
    auto d = add_verified_domain(acme, zone, "acme-corp.example");
    zone.servfail(true);
    auto servfail = verify(acme, d);
    EXPECT_EQ(servfail["status"], "verified");
    EXPECT_EQ(record(servfail, "ownership")["status"], "verified");
    EXPECT_EQ(record(servfail, "dkim")["status"], "verified");
    ASSERT_TRUE(servfail["check_error"].is_string()) << servfail.dump();
    EXPECT_NE(servfail["check_error"].get<std::string>().find("could not be checked"), std::string::npos);

    zone.stop();
    auto down = verify(acme, d);
    EXPECT_EQ(down["status"], "verified");
    EXPECT_EQ(record(down, "dkim")["status"], "verified");
    EXPECT_TRUE(down["check_error"].is_string()) << down.dump();
}

TEST_F(DomainApi, TenantsProveTheSameDomainEachWithTheirOwnTokenAndKey) {
    auto a = add_verified_domain(acme, zone, "acme-corp.example");
    auto id = a["id"].get<std::string>();
    EXPECT_EQ(globex.http.get("/api/v1/domains/" + id).status, 404);
    EXPECT_EQ(globex.http.post("/api/v1/domains/" + id + "/verify", nlohmann::json::object()).status, 404);
    EXPECT_EQ(globex.http.del("/api/v1/domains/" + id).status, 404);
    EXPECT_EQ(globex.http.patch("/api/v1/domains/" + id, {{"ed25519", true}}).status, 404);
    EXPECT_EQ(globex.http.post("/api/v1/domains/" + id + "/rotate-dkim", nlohmann::json::object()).status, 404);
    EXPECT_EQ(globex.http.get("/api/v1/domains").json()["items"].size(), 0u);

    auto b = globex.http.post("/api/v1/domains", {{"domain", "acme-corp.example"}});
    ASSERT_EQ(b.status, 201) << b.body;
    auto bd = b.json();
    EXPECT_NE(record(bd, "ownership")["value"], record(a, "ownership")["value"]);
    EXPECT_NE(bd["dkim"]["selector"], a["dkim"]["selector"]);
    EXPECT_EQ(verify(globex, bd)["status"], "pending");  // acme's published token proves nothing for globex
    EXPECT_EQ(acme.http.get("/api/v1/domains/" + id).json()["status"], "verified");

    auto all = platform.root().get("/api/v1/admin/domains");
    ASSERT_EQ(all.status, 200) << all.body;
    EXPECT_EQ(all.json()["items"].size(), 2u);
    EXPECT_EQ(acme.http.get("/api/v1/admin/domains").status, 403);
}

TEST_F(DomainApi, MembersReadAdminsChange) {
    auto d = add("acme-corp.example");
    auto member = acme.http.post("/api/v1/users", {{"email", "clerk@acme.test"},
                                                   {"name", "Clerk"},
                                                   {"role", "tenant_member"},
                                                   {"password", "Clerk-Passw0rd-123"}});
    ASSERT_EQ(member.status, 201) << member.body;
    HttpClient clerk(server.base());
    clerk.set_token(platform.login("clerk@acme.test", "Clerk-Passw0rd-123", "acme"));
    EXPECT_EQ(clerk.get("/api/v1/domains").json()["items"].size(), 1u);
    EXPECT_EQ(clerk.post("/api/v1/domains", {{"domain", "other.example"}}).status, 403);
    EXPECT_EQ(clerk.del("/api/v1/domains/" + d["id"].get<std::string>()).status, 403);
    EXPECT_EQ(clerk.patch("/api/v1/domains/" + d["id"].get<std::string>(), {{"ed25519", true}}).status, 403);

    EXPECT_EQ(acme.http.del("/api/v1/domains/" + d["id"].get<std::string>()).status, 204);
    EXPECT_EQ(acme.http.get("/api/v1/domains/" + d["id"].get<std::string>()).status, 404);
}

TEST_F(DomainApi, ThePrivateKeyIsNeverShownNorStoredInClear) {
    auto d = add_verified_domain(acme, zone, "acme-corp.example");
    auto listed =
        acme.http.get("/api/v1/domains").body + acme.http.get("/api/v1/domains/" + d["id"].get<std::string>()).body;
    EXPECT_EQ(listed.find("PRIVATE"), std::string::npos);
    EXPECT_EQ(listed.find("private"), std::string::npos);
    EXPECT_EQ(server.log().find("PRIVATE KEY"), std::string::npos);
    db::Connection conn(server.database().conninfo());
    auto r = conn.exec("SELECT dkim_private_sealed FROM sending_domains");
    ASSERT_EQ(r.rows(), 1);
    EXPECT_EQ(r.text(0, 0).rfind("v1:", 0), 0u);
    EXPECT_EQ(r.text(0, 0).find("PRIVATE KEY"), std::string::npos);
}

}  // namespace
}  // namespace dh::test
