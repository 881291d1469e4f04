// Sending from a proven domain end to end: senders on unproven domains are refused, every message
// from a verified domain is DKIM-signed (checked by python3-dkim against the published record), a
// domain that starts failing holds its dispatches and they resume when it verifies again.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "db/connection.hpp"
#include "dispatch/dispatch_fixture.hpp"
#include "harness/dns_zone.hpp"
#include "harness/wait.hpp"

namespace dh::test {
namespace {

/// python3-dkim's verdict on a captured message, the key taken from `dkim_record` as published.
std::string dkim_verdict(const std::string& eml, const std::string& dkim_record) {
    auto record_file = eml + ".dkim.txt";
    std::ofstream(record_file) << dkim_record;
    std::string cmd =
        "/usr/bin/python3 " DH_SOURCE_DIR "/tests/tools/dkim_check.py " + eml + " " + record_file + " 2>&1";
    std::string out;
    if (FILE* p = popen(cmd.c_str(), "r")) {
        char buf[512];
        while (fgets(buf, sizeof buf, p)) out += buf;
        pclose(p);
    }
    std::remove(record_file.c_str());
    while (!out.empty() && out.back() == '\n') out.pop_back();
    return out;
}

/// Whether the head of captured message `eml` contains `needle` (a From address, a Subject).
bool head_contains(const std::filesystem::path& eml, const std::string& needle) {
    std::ifstream in(eml, std::ios::binary);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    return text.substr(0, text.find("\r\n\r\n")).find(needle) != std::string::npos;
}

/// The captured messages whose head contains `needle`.
long count_mail(const std::string& dir, const std::string& needle) {
    long n = 0;
    for (auto& f : std::filesystem::directory_iterator(dir))
        if (f.path().extension() == ".eml" && head_contains(f.path(), needle)) ++n;
    return n;
}

struct DomainSending : ::testing::Test {
    DnsZone zone;
    TestServer server{{{"DNS_RESOLVER", zone.address()}, {"DOMAIN_RECHECK_SECONDS", "1"}, {"RETRY_BASE_SECONDS", "1"}}};
    PlatformSession platform{server};
    TenantSession acme = platform.create_tenant("acme");

    std::string outbox() const { return server.data_dir() + "/outbox"; }
    long vendor_mail() const { return count_mail(outbox(), "<payments@acme-corp.example>"); }
};

TEST_F(DomainSending, SendersNeedAProvenDomainOrThePlatformDefault) {
    auto refused = acme.http.post("/api/v1/sender-identities", {{"email", "payments@acme-corp.example"}});
    EXPECT_EQ(refused.status, 422) << refused.body;
    EXPECT_EQ(refused.json()["code"], "domain_not_verified");
    EXPECT_EQ(refused.json()["field"], "email");
    EXPECT_EQ(acme.http.post("/api/v1/sender-identities", {{"email", "globex@dispatchhub.localhost"}}).status, 422);
    EXPECT_EQ(acme.http.post("/api/v1/sender-identities", {{"email", "acme@dispatchhub.localhost"}}).status, 201);

    add_verified_domain(acme, zone, "acme-corp.example");
    EXPECT_EQ(acme.http.post("/api/v1/sender-identities", {{"email", "payments@acme-corp.example"}}).status, 201);
}

TEST_F(DomainSending, MessagesAreSignedAndAFailingDomainHoldsItsDispatchesUntilItVerifies) {
    auto domain = add_verified_domain(acme, zone, "acme-corp.example");
    auto dkim = record(domain, "dkim");
    auto sid = acme.http.post("/api/v1/sender-identities", {{"email", "payments@acme-corp.example"}, {"name", "Acme"}})
                   .json()["id"]
                   .get<std::string>();
    auto list = import_vendors(acme, 3);
    auto body = dispatch_body(list);
    body["sender_identity_id"] = sid;
    auto first = acme.http.post("/api/v1/dispatches", body);
    ASSERT_EQ(first.status, 201) << first.body;
    EXPECT_EQ(wait_for_status(acme, first.json()["id"].get<std::string>(), "completed")["status"], "completed");
    ASSERT_EQ(vendor_mail(), 3);
    for (auto& f : std::filesystem::directory_iterator(outbox()))
        if (f.path().extension() == ".eml" && head_contains(f.path(), "<payments@acme-corp.example>")) {
            EXPECT_EQ(dkim_verdict(f.path().string(), dkim["value"].get<std::string>()), "verified") << f.path();
        }

    // The DKIM record disappears: the background re-check alone turns the domain failing.
    zone.remove(dkim["name"].get<std::string>());
    auto id = domain["id"].get<std::string>();
    ASSERT_TRUE(wait_until([&] { return acme.http.get("/api/v1/domains/" + id).json()["status"] == "failing"; },
                           std::chrono::seconds(30)));
    auto held = acme.http.post("/api/v1/dispatches", body);
    ASSERT_EQ(held.status, 201) << held.body;
    auto held_id = held.json()["id"].get<std::string>();
    ASSERT_TRUE(wait_for_worker_cycles(server, 3));
    auto waiting = acme.http.get("/api/v1/dispatches/" + held_id).json();
    EXPECT_NE(waiting["status"], "completed");
    EXPECT_EQ(waiting["counts"].value("sent", 0), 0);
    ASSERT_TRUE(waiting["relay_problem"].is_string()) << waiting.dump();
    EXPECT_NE(waiting["relay_problem"].get<std::string>().find("acme-corp.example"), std::string::npos);
    EXPECT_EQ(vendor_mail(), 3);
    // The tenant's admin is told, by mail, that the domain fails and why.
    EXPECT_TRUE(
        wait_until([&] { return count_mail(outbox(), "Subject: Sending domain acme-corp.example is failing") == 1; },
                   std::chrono::seconds(30)));

    // Back: the re-check verifies the domain and the held dispatch goes out, signed; usage is exact.
    zone.set_txt(dkim["name"].get<std::string>(), dkim["value"].get<std::string>());
    EXPECT_EQ(wait_for_status(acme, held_id, "completed")["status"], "completed");
    EXPECT_EQ(vendor_mail(), 6);
    EXPECT_EQ(acme.http.get("/api/v1/usage").json()["sent"], 6);
}

TEST_F(DomainSending, ARotatedKeySignsOnceItsRecordIsPublished) {
    auto domain = add_verified_domain(acme, zone, "acme-corp.example");
    auto id = domain["id"].get<std::string>();
    auto rotated = acme.http.post("/api/v1/domains/" + id + "/rotate-dkim", nlohmann::json::object());
    ASSERT_EQ(rotated.status, 200) << rotated.body;
    auto answer = rotated.json();  // kept: a loop over a member of a temporary would outlive it
    auto next = answer["dkim"]["next_selector"].get<std::string>();
    nlohmann::json next_record;
    int dkim_records = 0;
    for (auto& r : answer["records"])
        if (r["purpose"] == "dkim") {
            ++dkim_records;
            if (r["name"] == next + "._domainkey.acme-corp.example") next_record = r;
        }
    EXPECT_EQ(dkim_records, 2);
    ASSERT_FALSE(next_record.is_null());
    zone.set_txt(next_record["name"].get<std::string>(), next_record["value"].get<std::string>());
    auto checked = acme.http.post("/api/v1/domains/" + id + "/verify", nlohmann::json::object()).json();
    EXPECT_EQ(checked["status"], "verified");
    EXPECT_EQ(checked["dkim"]["selector"], next);
    EXPECT_TRUE(checked["dkim"]["next_selector"].is_null());
}

// The platform's own mail (here the notice to the tenant's admins that a domain verified) is signed
// with the platform key of its sender's domain, made on first use.
TEST_F(DomainSending, ThePlatformsOwnMailIsSignedWithThePlatformKey) {
    add_verified_domain(acme, zone, "acme-corp.example");
    const std::string subject = "Subject: Sending domain acme-corp.example is verified";
    ASSERT_TRUE(wait_until([&] { return count_mail(outbox(), subject) == 1; }, std::chrono::seconds(30)));
    db::Connection conn(server.database().conninfo());
    auto key = conn.exec("SELECT domain, selector, public_key, private_sealed FROM platform_dkim_keys");
    ASSERT_EQ(key.rows(), 1);
    EXPECT_EQ(key.text(0, 3).find("PRIVATE KEY"), std::string::npos) << "sealed at rest";
    auto record = key.text(0, 1) + "._domainkey." + key.text(0, 0) + ".\tv=DKIM1; k=rsa; p=" + key.text(0, 2) + "\n";
    for (auto& f : std::filesystem::directory_iterator(outbox()))
        if (f.path().extension() == ".eml" && head_contains(f.path(), subject)) {
            EXPECT_TRUE(head_contains(f.path(), "d=" + key.text(0, 0) + ";")) << f.path();
            EXPECT_EQ(dkim_verdict(f.path().string(), record), "verified") << f.path();
        }
}

TEST_F(DomainSending, Ed25519SignsBesideRsaOnceItsRecordIsPublished) {
    auto domain = add_verified_domain(acme, zone, "acme-corp.example");
    auto id = domain["id"].get<std::string>();
    EXPECT_EQ(acme.http.patch("/api/v1/domains/" + id, {{"ed25519", "yes"}}).status, 422);
    EXPECT_EQ(acme.http.patch("/api/v1/domains/" + id, {{"rsa", false}}).status, 422);
    auto enabled = acme.http.patch("/api/v1/domains/" + id, {{"ed25519", true}});
    ASSERT_EQ(enabled.status, 200) << enabled.body;
    auto answer = enabled.json();
    EXPECT_EQ(answer["dkim"]["algorithms"], nlohmann::json({"rsa-sha256", "ed25519-sha256"}));
    auto selector = answer["dkim"]["ed25519_selector"].get<std::string>();
    nlohmann::json ed_record;
    for (auto& r : answer["records"])
        if (r["name"] == selector + "._domainkey.acme-corp.example") ed_record = r;
    ASSERT_FALSE(ed_record.is_null()) << answer.dump();
    EXPECT_EQ(ed_record["value"].get<std::string>().rfind("v=DKIM1; k=ed25519; p=", 0), 0u);
    EXPECT_EQ(ed_record["status"], "missing");
    EXPECT_EQ(answer["status"], "verified");  // RSA alone decides
    // Asking again changes nothing: the same key stays published.
    EXPECT_EQ(acme.http.patch("/api/v1/domains/" + id, {{"ed25519", true}}).json()["dkim"]["ed25519_selector"],
              selector);

    zone.set_txt(ed_record["name"].get<std::string>(), ed_record["value"].get<std::string>());
    auto checked = acme.http.post("/api/v1/domains/" + id + "/verify", nlohmann::json::object()).json();
    ASSERT_EQ(checked["status"], "verified");

    auto sid = acme.http.post("/api/v1/sender-identities", {{"email", "payments@acme-corp.example"}, {"name", "Acme"}})
                   .json()["id"]
                   .get<std::string>();
    auto body = dispatch_body(import_vendors(acme, 2));
    body["sender_identity_id"] = sid;
    auto sent = acme.http.post("/api/v1/dispatches", body);
    ASSERT_EQ(sent.status, 201) << sent.body;
    EXPECT_EQ(wait_for_status(acme, sent.json()["id"].get<std::string>(), "completed")["status"], "completed");
    auto records = ed_record["name"].get<std::string>() + ".\t" + ed_record["value"].get<std::string>() + "\n" +
                   record(domain, "dkim")["name"].get<std::string>() + ".\t" +
                   record(domain, "dkim")["value"].get<std::string>() + "\n";
    int signed_twice = 0;
    for (auto& f : std::filesystem::directory_iterator(outbox()))
        if (f.path().extension() == ".eml" && head_contains(f.path(), "<payments@acme-corp.example>")) {
            EXPECT_TRUE(head_contains(f.path(), "a=ed25519-sha256;")) << f.path();
            EXPECT_TRUE(head_contains(f.path(), "a=rsa-sha256;")) << f.path();
            EXPECT_EQ(dkim_verdict(f.path().string(), records), "verified") << f.path();
            ++signed_twice;
        }
    EXPECT_EQ(signed_twice, 2);

    // Turned off: the key and its record are gone.
    auto off = acme.http.patch("/api/v1/domains/" + id, {{"ed25519", false}}).json();
    EXPECT_TRUE(off["dkim"]["ed25519_selector"].is_null());
    EXPECT_EQ(off["dkim"]["algorithms"], nlohmann::json({"rsa-sha256"}));
    for (auto& r : off["records"]) EXPECT_NE(r["name"], ed_record["name"]);
}

}  // namespace
}  // namespace dh::test
