#include "http/client_address.hpp"

#include <gtest/gtest.h>

namespace dh::http {
namespace {

TEST(TrustedProxies, NoneTrustedByDefaultSoTheHeaderIsIgnored) {
    TrustedProxies none;
    EXPECT_EQ(none.client_address("10.0.0.5", {"203.0.113.7"}), "10.0.0.5");
}

TEST(TrustedProxies, TheRightMostUntrustedHopIsTheClient) {
    auto vpc = TrustedProxies::parse("10.0.0.0/16");
    EXPECT_EQ(vpc.client_address("10.0.3.4", {"203.0.113.7"}), "203.0.113.7");
    // The client wrote the left entries itself; they prove nothing.
    EXPECT_EQ(vpc.client_address("10.0.3.4", {"198.51.100.1, 203.0.113.7"}), "203.0.113.7");
    // Proxies of our own in the chain are skipped.
    EXPECT_EQ(vpc.client_address("10.0.3.4", {"198.51.100.1, 203.0.113.7, 10.0.9.9"}), "203.0.113.7");
    // Several header lines are one list, in order.
    EXPECT_EQ(vpc.client_address("10.0.3.4", {"198.51.100.1", "203.0.113.8"}), "203.0.113.8");
}

TEST(TrustedProxies, AnUntrustedPeerIsTheClientWhateverItClaims) {
    auto vpc = TrustedProxies::parse("10.0.0.0/16");
    EXPECT_EQ(vpc.client_address("10.1.0.1", {"203.0.113.7"}), "10.1.0.1");
    EXPECT_EQ(vpc.client_address("203.0.113.9", {"10.0.0.1"}), "203.0.113.9");
}

TEST(TrustedProxies, GarbageEndsTheWalkAtTheLastBelievedHop) {
    auto vpc = TrustedProxies::parse("10.0.0.0/16");
    EXPECT_EQ(vpc.client_address("10.0.3.4", {"not-an-ip"}), "10.0.3.4");
    EXPECT_EQ(vpc.client_address("10.0.3.4", {""}), "10.0.3.4");
    EXPECT_EQ(vpc.client_address("10.0.3.4", {}), "10.0.3.4");
    EXPECT_EQ(vpc.client_address("10.0.3.4", {"203.0.113.7, junk, 10.0.0.2"}), "10.0.0.2");
}

TEST(TrustedProxies, Ipv6AndMappedIpv4) {
    auto proxies = TrustedProxies::parse("fd00::/8, 127.0.0.1");
    EXPECT_EQ(proxies.client_address("fd12::1", {"2001:db8::7"}), "2001:db8::7");
    EXPECT_EQ(proxies.client_address("::ffff:127.0.0.1", {"203.0.113.7"}), "203.0.113.7");
    EXPECT_EQ(proxies.client_address("::1", {"203.0.113.7"}), "::1");
}

TEST(TrustedProxies, ParseRefusesWhatIsNotARange) {
    EXPECT_TRUE(TrustedProxies::parse("").empty());
    EXPECT_TRUE(TrustedProxies::parse(" , ").empty());
    EXPECT_THROW(TrustedProxies::parse("10.0.0.0/33"), std::invalid_argument);
    EXPECT_THROW(TrustedProxies::parse("10.0.0.0/"), std::invalid_argument);
    EXPECT_THROW(TrustedProxies::parse("10.0.0.0/-1"), std::invalid_argument);
    EXPECT_THROW(TrustedProxies::parse("vpc"), std::invalid_argument);
    EXPECT_THROW(TrustedProxies::parse("fd00::/129"), std::invalid_argument);
    EXPECT_NO_THROW(TrustedProxies::parse("0.0.0.0/0, ::/0"));
}

TEST(TrustedProxies, PrefixesMatchBitByBit) {
    auto p = TrustedProxies::parse("172.16.0.0/12");
    auto ip = [](const char* s) { return boost::asio::ip::make_address(s); };
    EXPECT_TRUE(p.contains(ip("172.31.255.255")));
    EXPECT_FALSE(p.contains(ip("172.32.0.0")));
    EXPECT_FALSE(p.contains(ip("::ffff:172.32.0.0")));
    EXPECT_TRUE(p.contains(ip("::ffff:172.16.0.1")));
}

}  // namespace
}  // namespace dh::http
