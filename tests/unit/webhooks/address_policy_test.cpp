#include "webhooks/address_policy.hpp"

#include <gtest/gtest.h>

namespace dh::webhooks {
namespace {

TEST(WebhookAddressPolicy, NonPublicAddressesAreNamed) {
    EXPECT_EQ(address_class("127.0.0.1"), "loopback");
    EXPECT_EQ(address_class("127.255.1.2"), "loopback");
    EXPECT_EQ(address_class("10.1.2.3"), "private");
    EXPECT_EQ(address_class("172.16.0.1"), "private");
    EXPECT_EQ(address_class("172.31.255.255"), "private");
    EXPECT_EQ(address_class("192.168.1.1"), "private");
    EXPECT_EQ(address_class("169.254.169.254"), "cloud metadata");
    EXPECT_EQ(address_class("169.254.1.1"), "link-local");
    EXPECT_EQ(address_class("100.64.0.1"), "shared (carrier-grade NAT)");
    EXPECT_EQ(address_class("0.0.0.0"), "unspecified");
    EXPECT_EQ(address_class("224.0.0.1"), "multicast");
    EXPECT_EQ(address_class("255.255.255.255"), "reserved");
    EXPECT_EQ(address_class("::1"), "loopback");
    EXPECT_EQ(address_class("::"), "unspecified");
    EXPECT_EQ(address_class("fe80::1"), "link-local");
    EXPECT_EQ(address_class("fd12:3456::1"), "private");
    EXPECT_EQ(address_class("fd00:ec2::254"), "cloud metadata");
    EXPECT_EQ(address_class("ff02::1"), "multicast");
    EXPECT_EQ(address_class("2001:db8::1"), "documentation");
    EXPECT_EQ(address_class("3fff:0fff::1"), "documentation");
    EXPECT_EQ(address_class("64:ff9b:1::a00:1"), "private");  // local-use NAT64
    EXPECT_EQ(address_class("3fff:1000::1"), "");             // outside 3fff::/20: an ordinary global address
    EXPECT_EQ(address_class("not-an-ip"), "not an address");
}

TEST(WebhookAddressPolicy, EmbeddedIpv4IsJudgedByTheIpv4Address) {
    EXPECT_EQ(address_class("::ffff:127.0.0.1"), "loopback");
    EXPECT_EQ(address_class("::ffff:169.254.169.254"), "cloud metadata");
    EXPECT_EQ(address_class("64:ff9b::10.0.0.1"), "private");
    EXPECT_EQ(address_class("2002:7f00:1::"), "loopback");  // 6to4 of 127.0.0.1
    EXPECT_EQ(address_class("::ffff:8.8.8.8"), "");
}

TEST(WebhookAddressPolicy, PublicAddressesPass) {
    EXPECT_EQ(address_class("8.8.8.8"), "");
    EXPECT_EQ(address_class("172.32.0.1"), "");
    EXPECT_EQ(address_class("100.128.0.1"), "");
    EXPECT_EQ(address_class("2606:4700:4700::1111"), "");
}

TEST(WebhookAddressPolicy, OperatorSettingAllowsPrivateButNeverMetadata) {
    TargetRules strict;
    TargetRules tests{true, true};
    EXPECT_FALSE(allowed_class("loopback", strict));
    EXPECT_TRUE(allowed_class("loopback", tests));
    EXPECT_TRUE(allowed_class("private", tests));
    EXPECT_FALSE(allowed_class("cloud metadata", tests));
    EXPECT_TRUE(allowed_class("", strict));
}

TEST(WebhookAddressPolicy, UrlsAreHttpsWithAHostAndNoCredentials) {
    TargetRules strict;
    auto ok = parse_target("https://hooks.example.com/dispatchhub?x=1", strict);
    ASSERT_TRUE(ok.target) << ok.refused;
    EXPECT_EQ(ok.target->host, "hooks.example.com");
    EXPECT_EQ(ok.target->port, 443);
    EXPECT_EQ(parse_target("https://[::1]:8443/x", strict).target->host, "::1");
    EXPECT_EQ(parse_target("https://[::1]:8443/x", strict).target->port, 8443);

    EXPECT_EQ(parse_target("http://hooks.example.com/", strict).refused, "must be an https URL");
    EXPECT_TRUE(parse_target("http://hooks.example.com/", TargetRules{false, true}).target);
    EXPECT_FALSE(parse_target("ftp://hooks.example.com/", TargetRules{false, true}).target);
    EXPECT_FALSE(parse_target("https://user:pw@hooks.example.com/", strict).target);
    EXPECT_FALSE(parse_target("not a url", strict).target);
    EXPECT_FALSE(parse_target("https://hooks.example.com/\r\nX: y", strict).target);
    EXPECT_FALSE(parse_target("https://" + std::string(2000, 'a') + ".com/", strict).target);
}

TEST(WebhookAddressPolicy, LookupsAreCheckedOnEveryAddress) {
    TargetRules strict;
    for (auto host : {"127.0.0.1", "10.0.0.1", "169.254.169.254", "::1", "localhost"}) {
        auto r = resolve_target(Target{"https", host, 443}, strict);
        EXPECT_TRUE(r.addresses.empty()) << host;
        EXPECT_NE(r.refused.find("not a public address"), std::string::npos) << host << ": " << r.refused;
    }
    auto allowed = resolve_target(Target{"http", "localhost", 80}, TargetRules{true, true});
    EXPECT_TRUE(allowed.refused.empty()) << allowed.refused;
    EXPECT_FALSE(allowed.addresses.empty());
    EXPECT_FALSE(resolve_target(Target{"https", "no-such-host.invalid", 443}, strict).refused.empty());
}

}  // namespace
}  // namespace dh::webhooks
