#include "http/framing.hpp"

#include <gtest/gtest.h>

namespace dh::http {
namespace {

using Headers = std::vector<std::pair<std::string, std::string>>;

FramingDecision decide(Headers h) {
    return request_framing(h);
}

TEST(RequestFraming, NoBodyHeadersMeansNoBody) {
    auto d = decide({{"host", "x"}});
    ASSERT_TRUE(d.ok);
    EXPECT_EQ(d.framing.kind, BodyFraming::Kind::none);
}

TEST(RequestFraming, ChunkedAloneIsAccepted) {
    for (std::string v : {"chunked", "Chunked", " chunked ", "chunked,", ", chunked"}) {
        auto d = decide({{"transfer-encoding", v}});
        ASSERT_TRUE(d.ok) << v;
        EXPECT_EQ(d.framing.kind, BodyFraming::Kind::chunked) << v;
    }
}

TEST(RequestFraming, AnyOtherTransferCodingIsRefused) {
    for (std::string v : {"xchunked", "chunked, identity", "identity", "gzip", "gzip, chunked", "chunked;x=1",
                          "chunked, chunked", "", "chunkedx", "\tchunked\x0b"}) {
        auto d = decide({{"transfer-encoding", v}});
        EXPECT_FALSE(d.ok) << v;
        EXPECT_EQ(d.code, "unsupported_transfer_encoding") << v;
    }
    // Split over two fields it is the same list: "chunked, identity".
    EXPECT_FALSE(decide({{"transfer-encoding", "chunked"}, {"transfer-encoding", "identity"}}).ok);
    EXPECT_FALSE(decide({{"transfer-encoding", "chunked"}, {"transfer-encoding", "chunked"}}).ok);
}

TEST(RequestFraming, ContentLengthWithTransferEncodingIsRefused) {
    auto d = decide({{"content-length", "5"}, {"transfer-encoding", "chunked"}});
    EXPECT_FALSE(d.ok);
    EXPECT_EQ(d.code, "conflicting_framing");
    EXPECT_FALSE(decide({{"transfer-encoding", "chunked"}, {"content-length", "0"}}).ok);
}

TEST(RequestFraming, ContentLengthValuesMustAgree) {
    auto one = decide({{"content-length", "42"}});
    ASSERT_TRUE(one.ok);
    EXPECT_EQ(one.framing.kind, BodyFraming::Kind::content_length);
    EXPECT_EQ(one.framing.length, 42u);
    auto same = decide({{"content-length", "7, 7"}, {"content-length", "7"}});
    ASSERT_TRUE(same.ok);
    EXPECT_EQ(same.framing.length, 7u);
    auto differ = decide({{"content-length", "7, 8"}});
    EXPECT_FALSE(differ.ok);
    EXPECT_EQ(differ.code, "conflicting_content_length");
    EXPECT_FALSE(decide({{"content-length", "7"}, {"content-length", "70"}}).ok);
}

TEST(RequestFraming, ContentLengthMustBeDecimal) {
    for (std::string v : {"", ",", "-1", "+5", "0x10", "1 2", "5.0", "99999999999999999999", "1e3"}) {
        auto d = decide({{"content-length", v}});
        EXPECT_FALSE(d.ok) << v;
        EXPECT_EQ(d.code, "invalid_content_length") << v;
    }
}

}  // namespace
}  // namespace dh::http
