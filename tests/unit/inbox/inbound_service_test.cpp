#include "inbox/inbound_service.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "common/random.hpp"
#include "db/pool.hpp"
#include "mail/message_id.hpp"

namespace dh::inbox {
namespace {

namespace fs = std::filesystem;
const std::string kKey = "0123456789abcdef0123456789abcdef";
const std::string kDelivery = "7d444840-9dc0-11d1-b245-5ffdce74fad2";

struct InboundServiceTest : ::testing::Test {
    std::string dir = (fs::temp_directory_path() / ("dh-inbound-" + random::hex(6))).string();
    db::Pool pool{{"host=/nonexistent", 1}};  // these calls never reach the database
    InboundService service{pool, dir, "Mail.Example", kKey};
    ~InboundServiceTest() override { fs::remove_all(dir); }
};

TEST_F(InboundServiceTest, OnlyOurOwnRoutingAddressesAreRoutable) {
    EXPECT_TRUE(service.routable_recipient(mail::reply_address(kDelivery, "mail.example", kKey)));
    EXPECT_TRUE(service.routable_recipient(mail::bounce_address(kDelivery, "mail.example", kKey)));
    EXPECT_TRUE(service.routable_recipient(mail::reply_address(kDelivery, "MAIL.example", kKey)));
    EXPECT_FALSE(service.routable_recipient(mail::reply_address(kDelivery, "other.example", kKey)));
    EXPECT_FALSE(
        service.routable_recipient(mail::reply_address(kDelivery, "mail.example", "another key of 32 bytes......")));
    EXPECT_FALSE(service.routable_recipient("postmaster@mail.example"));
    EXPECT_FALSE(service.routable_recipient("nobody@not-ours.example"));
    EXPECT_FALSE(service.routable_recipient(""));
}

TEST_F(InboundServiceTest, RawMessagesAreKeptByteForByte) {
    std::string raw = "Subject: x\r\n\r\nbody with \x01 and \xff bytes\r\n";
    auto rel = service.keep_raw(raw);
    auto a = service.keep_raw(raw);
    EXPECT_NE(rel, a);
    std::ifstream in(dir + "/inbound/" + rel, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    EXPECT_EQ(ss.str(), raw);
    EXPECT_EQ(fs::path(rel).extension(), ".eml");
}

}  // namespace
}  // namespace dh::inbox
