#include "domains/domain_records.hpp"

#include <gtest/gtest.h>

namespace dh::domains {
namespace {

Domain acme() {
    Domain d;
    d.domain = "acme.example";
    d.status = "pending";
    d.ownership_token = "tok123";
    d.dkim_selector = "dhsel";
    d.dkim_public = "MIIBkey";
    return d;
}

const DnsRecord& of(const std::vector<DnsRecord>& records, const std::string& purpose) {
    for (auto& r : records)
        if (r.purpose == purpose) return r;
    throw std::runtime_error("no " + purpose);
}

TEST(DomainRecords, ExpectedRecordsNameEverythingToPublish) {
    auto records = expected_records(acme(), {"include:amazonses.com"});
    EXPECT_EQ(of(records, "ownership").name, "_dispatchhub.acme.example");
    EXPECT_EQ(of(records, "ownership").value, "dispatchhub-verification=tok123");
    EXPECT_EQ(of(records, "dkim").name, "dhsel._domainkey.acme.example");
    EXPECT_EQ(of(records, "dkim").value, "v=DKIM1; k=rsa; p=MIIBkey");
    EXPECT_EQ(of(records, "spf").value, "v=spf1 include:amazonses.com ~all");
    EXPECT_EQ(of(records, "dmarc").name, "_dmarc.acme.example");
    EXPECT_EQ(lookup_queries(records).size(), records.size());
}

TEST(DomainRecords, EachLookupMakesARecordVerifiedMismatchOrMissing) {
    auto records = expected_records(acme(), {"a:relay.example"});
    std::vector<TxtLookup> lookups(records.size());
    lookups[0].values = {"other=1", " dispatchhub-verification=tok123 "};
    lookups[1].values = {"v=DKIM1; k=rsa; p=MIIBother"};
    lookups[2].values = {"google-site-verification=x", "v=spf1 mx -all"};
    apply_lookups(records, lookups);
    EXPECT_EQ(of(records, "ownership").status, "verified");
    EXPECT_EQ(of(records, "dkim").status, "mismatch");
    EXPECT_EQ(of(records, "dkim").found, std::vector<std::string>{"v=DKIM1; k=rsa; p=MIIBother"});
    EXPECT_EQ(of(records, "spf").status, "advisory");
    EXPECT_EQ(of(records, "spf").found, std::vector<std::string>{"v=spf1 mx -all"});
    EXPECT_EQ(of(records, "dmarc").found.size(), 0u);
    EXPECT_FALSE(proves_domain(records, "dhsel", "acme.example"));

    lookups[1].values = {"v=DKIM1;k=rsa;\tp=MIIB key"};  // whitespace inside p= is not significant
    apply_lookups(records, lookups);
    EXPECT_EQ(of(records, "dkim").status, "verified");
    EXPECT_TRUE(proves_domain(records, "dhsel", "acme.example"));

    lookups[0].values = {};
    apply_lookups(records, lookups);
    EXPECT_EQ(of(records, "ownership").status, "missing");
}

TEST(DomainRecords, ALookupThatFailedLeavesItsRecordAsItWas) {
    auto records = expected_records(acme(), {"a:relay.example"});
    std::vector<TxtLookup> lookups(records.size());
    lookups[0].values = {"dispatchhub-verification=tok123"};
    lookups[1].values = {"v=DKIM1; k=rsa; p=MIIBkey"};
    apply_lookups(records, lookups);
    for (auto& l : lookups) {
        l.values.clear();
        l.error = "SERVFAIL";
    }
    apply_lookups(records, lookups);
    EXPECT_EQ(of(records, "ownership").status, "verified");
    EXPECT_EQ(of(records, "dkim").status, "verified");
}

TEST(DomainRecords, TheLatestLookupIsShownOnTheRecordsOfTheCurrentKeys) {
    auto d = acme();
    auto latest = expected_records(d, {"a:relay.example"});
    latest[1].status = "verified";
    latest[1].found = {"v=DKIM1; k=rsa; p=MIIBkey"};
    auto shown = with_latest(expected_records(d, {"a:relay.example"}), latest);
    EXPECT_EQ(of(shown, "dkim").status, "verified");
    d.dkim_public = "MIIBnew";  // another key under the same selector: its record was never checked
    shown = with_latest(expected_records(d, {"a:relay.example"}), latest);
    EXPECT_EQ(of(shown, "dkim").status, "missing");
}

TEST(DomainRecords, StatusMovesFromPendingToVerifiedAndThenFailing) {
    EXPECT_EQ(next_status("pending", false), "pending");
    EXPECT_EQ(next_status("pending", true), "verified");
    EXPECT_EQ(next_status("verified", false), "failing");
    EXPECT_EQ(next_status("failing", false), "failing");
    EXPECT_EQ(next_status("failing", true), "verified");
}

TEST(DomainRecords, DkimPublicKeyIsThePTagWithoutBlanks) {
    EXPECT_EQ(dkim_public_key("v=DKIM1; k=rsa; p=AB CD\t EF"), "ABCDEF");
    EXPECT_EQ(dkim_public_key("v=DKIM1; k=rsa"), "");
    EXPECT_EQ(dkim_public_key("v=DKIM1; p="), "");
}

}  // namespace
}  // namespace dh::domains
