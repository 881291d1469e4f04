#include "mail/message_id.hpp"

#include <gtest/gtest.h>

#include <set>

#include "common/error.hpp"
#include "common/random.hpp"
#include "mail/mime_builder.hpp"

namespace dh::mail {
namespace {

const std::string kKey = "0123456789abcdef0123456789abcdef";
const std::string kId = "0b7e1b2c-1111-4222-8333-444455556666";

TEST(MessageId, StablePerDelivery) {
    EXPECT_EQ(make_message_id(kId, "dispatchhub.localhost"), "<" + kId + "@dispatchhub.localhost>");
    EXPECT_EQ(make_message_id(kId, "mail.example.com"), make_message_id(kId, "mail.example.com"));
    EXPECT_THROW(make_message_id("a b", "x.example"), Error);
    EXPECT_THROW(make_message_id("a@b", "x.example"), Error);
    EXPECT_THROW(make_message_id(kId, "bad domain"), Error);
    EXPECT_THROW(make_message_id(kId, "x.example>\r\nBcc: a@b"), Error);
}

TEST(RoutingAddress, BounceAndReplyAddressesRoundTrip) {
    auto bounce = bounce_address(kId, "dispatchhub.localhost", kKey);
    auto reply = reply_address(kId, "dispatchhub.localhost", kKey);
    EXPECT_TRUE(bounce.starts_with("bounces+"));
    EXPECT_TRUE(reply.starts_with("reply+"));
    EXPECT_TRUE(bounce.ends_with("@dispatchhub.localhost"));
    EXPECT_TRUE(is_valid_address(bounce));
    EXPECT_TRUE(is_valid_address(reply));
    EXPECT_LE(bounce.find('@'), 64u) << "local part within RFC 5321 limits";
    EXPECT_EQ(parse_routing_address(bounce, kKey), kId);
    EXPECT_EQ(parse_routing_address(reply, kKey), kId);
    EXPECT_EQ(parse_routing(bounce, kKey)->kind, RoutingKind::bounce);
    EXPECT_EQ(parse_routing(reply, kKey)->kind, RoutingKind::reply);
    EXPECT_EQ(bounce, bounce_address(kId, "dispatchhub.localhost", kKey)) << "deterministic";
}

TEST(RoutingAddress, TokenIsShortUrlSafeAndCaseInsensitive) {
    auto token = routing_token(RoutingKind::bounce, kId, kKey);
    EXPECT_EQ(token.size(), 42u);
    for (char c : token) EXPECT_TRUE((c >= 'a' && c <= 'z') || (c >= '2' && c <= '7')) << c;
    std::string upper = "<BOUNCES+" + token + "@DispatchHub.LOCALHOST>";
    for (auto& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    EXPECT_EQ(parse_routing_address(upper, kKey), kId);
    // Upper-case UUIDs in, canonical lower-case out.
    std::string upper_id = kId;
    for (auto& c : upper_id) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    EXPECT_EQ(parse_routing_address(reply_address(upper_id, "x.example", kKey), kKey), kId);
}

TEST(RoutingAddress, TamperedOrForeignTokensAreRejected) {
    auto bounce = bounce_address(kId, "x.example", kKey);
    auto at = bounce.find('@');
    for (std::size_t i = std::string("bounces+").size(); i < at; ++i) {
        std::string t = bounce;
        t[i] = t[i] == 'a' ? 'b' : 'a';
        EXPECT_EQ(parse_routing_address(t, kKey), std::nullopt) << "flipped position " << i;
    }
    EXPECT_EQ(parse_routing_address(bounce, "another key of the same length!!"), std::nullopt);
    EXPECT_EQ(parse_routing_address(bounce.substr(0, at - 1) + bounce.substr(at), kKey), std::nullopt);
    EXPECT_EQ(parse_routing_address("bounces+@x.example", kKey), std::nullopt);
    EXPECT_EQ(parse_routing_address("ana@acme.example", kKey), std::nullopt);
    EXPECT_EQ(parse_routing_address("", kKey), std::nullopt);
    EXPECT_EQ(parse_routing_address("bounces+" + std::string(42, '1') + "@x.example", kKey), std::nullopt);
    // A reply token cannot be replayed as a bounce (a vendor sees the reply address).
    auto reply = reply_address(kId, "x.example", kKey);
    auto token = reply.substr(6, reply.find('@') - 6);
    EXPECT_EQ(parse_routing_address("bounces+" + token + "@x.example", kKey), std::nullopt);
}

TEST(RoutingAddress, DistinctDeliveriesGetDistinctTokens) {
    std::set<std::string> seen;
    for (int i = 0; i < 200; ++i) {
        auto id = random::uuid();
        auto a = bounce_address(id, "x.example", kKey);
        EXPECT_TRUE(seen.insert(a).second);
        EXPECT_EQ(parse_routing_address(a, kKey), id);
    }
}

TEST(RoutingAddress, RejectsNonUuidIdsAndEmptyKeys) {
    EXPECT_THROW(bounce_address("not-a-uuid", "x.example", kKey), Error);
    EXPECT_THROW(bounce_address(kId, "x.example", ""), std::invalid_argument);
    EXPECT_THROW(bounce_address(kId, "bad domain", kKey), Error);
}

}  // namespace
}  // namespace dh::mail
