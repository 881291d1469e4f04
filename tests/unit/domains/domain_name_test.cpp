#include "domains/domain_name.hpp"

#include <gtest/gtest.h>

#include "common/error.hpp"

namespace dh::domains {
namespace {

constexpr const char* kMail = "mail.platform.example";

std::string refusal(const std::string& name) {
    try {
        normalize_domain(name, kMail);
    } catch (const Error& e) {
        EXPECT_EQ(e.items().at(0).at("field"), Error::Value(std::string("domain"))) << name;
        return std::get<std::string>(e.items().at(0).at("reason"));
    }
    return "accepted";
}

TEST(DomainName, NormalizesCaseTrailingDotAndUnicodeToALabels) {
    EXPECT_EQ(normalize_domain(" Acme-Corp.Example. ", kMail), "acme-corp.example");
    EXPECT_EQ(normalize_domain("bücher.example", kMail), "xn--bcher-kva.example");
    EXPECT_EQ(normalize_domain("xn--bcher-kva.example", kMail), "xn--bcher-kva.example");
    EXPECT_EQ(normalize_domain("mail.acme.co.uk", kMail), "mail.acme.co.uk");
}

TEST(DomainName, RefusesWhatCannotBeATenantsSendingDomain) {
    std::string label(63, 'a');
    for (const std::string& bad : std::vector<std::string>{
             "", "localhost", "192.0.2.10", "[192.0.2.10]", "2001:db8::1", "exa mple.com", "a@b.example",
             "-acme.example", "acme..example", "acme.example/x", "acme.1", "xn--a.example", "xn--bcher.example",
             std::string(64, 'a') + ".example", label + "." + label + "." + label + "." + label + ".example"}) {
        EXPECT_NE(refusal(bad), "accepted") << bad;
    }
}

TEST(DomainName, ThePlatformsOwnMailDomainAndItsSubdomainsAreNotATenants) {
    EXPECT_NE(refusal("mail.platform.example"), "accepted");
    EXPECT_NE(refusal("MAIL.platform.example."), "accepted");
    EXPECT_NE(refusal("bounce.mail.platform.example"), "accepted");
    EXPECT_EQ(refusal("platform.example"), "accepted");
}

TEST(DomainName, CanonicalNamesCompareCaseInsensitivelyWithoutTrailingDot) {
    EXPECT_EQ(canonical_name("Sel._DomainKey.Acme.Example."), "sel._domainkey.acme.example");
}

}  // namespace
}  // namespace dh::domains
