#include "mail/capture_transport.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <thread>

#include "common/random.hpp"

namespace dh::mail {
namespace {

namespace fs = std::filesystem;

class CaptureTransportTest : public ::testing::Test {
protected:
    void SetUp() override { root_ = fs::temp_directory_path() / ("dh-capture-" + random::hex(8)); }
    void TearDown() override { fs::remove_all(root_); }

    static std::string read(const fs::path& p) {
        std::ifstream in(p, std::ios::binary);
        std::stringstream ss;
        ss << in.rdbuf();
        return ss.str();
    }
    std::vector<std::string> names(const fs::path& dir) const {
        std::vector<std::string> out;
        for (const auto& e : fs::directory_iterator(dir)) out.push_back(e.path().filename().string());
        std::sort(out.begin(), out.end());
        return out;
    }

    fs::path root_;
};

OutgoingMessage msg(const std::string& id, const std::string& data) {
    return {id, "bounces+x@dispatchhub.localhost", "ana@acme.example", data};
}

TEST_F(CaptureTransportTest, WritesRawBytesUnderTheDeliveryId) {
    CaptureTransport t(root_ / "outbox" / "nested");
    EXPECT_TRUE(fs::is_directory(root_ / "outbox" / "nested"));
    std::string data = "Subject: x\r\n\r\n.\r\n..leading dots are not stuffed\r\n";
    auto results = t.send({msg("d1", data), msg("d2", "second\r\n")});
    ASSERT_EQ(results.size(), 2u);
    for (const auto& r : results) {
        EXPECT_EQ(r.outcome, Outcome::sent);
        EXPECT_EQ(r.smtp_code, 250);
    }
    EXPECT_EQ(read(t.path_for("d1")), data);
    EXPECT_EQ(read(root_ / "outbox" / "nested" / "d2.eml"), "second\r\n");
    EXPECT_EQ(names(t.dir()), (std::vector<std::string>{"d1.eml", "d2.eml"})) << "no temporary files left";
    EXPECT_EQ(t.name(), "capture");
}

TEST_F(CaptureTransportTest, RetryReplacesTheFile) {
    CaptureTransport t(root_);
    t.send({msg("d1", "first attempt\r\n")});
    t.send({msg("d1", "second attempt\r\n")});
    EXPECT_EQ(read(t.path_for("d1")), "second attempt\r\n");
    EXPECT_EQ(names(root_).size(), 1u);
}

TEST_F(CaptureTransportTest, UnsafeIdsFailWithoutWriting) {
    CaptureTransport t(root_ / "out");
    auto results = t.send({msg("../escape", "x"), msg("", "x"), msg(".hidden", "x"), msg("a/b", "x")});
    ASSERT_EQ(results.size(), 4u);
    for (const auto& r : results) {
        EXPECT_EQ(r.outcome, Outcome::failed);
        EXPECT_FALSE(r.reason.empty());
    }
    EXPECT_TRUE(names(root_ / "out").empty());
    EXPECT_FALSE(fs::exists(root_ / "escape.eml"));
}

TEST_F(CaptureTransportTest, UnwritableDirectoryDefers) {
    CaptureTransport t(root_ / "out");
    fs::remove_all(root_ / "out");
    std::ofstream(root_ / "out") << "a file where the directory should be";
    auto r = t.send({msg("d1", "x")});
    ASSERT_EQ(r.size(), 1u);
    EXPECT_EQ(r[0].outcome, Outcome::deferred);
    EXPECT_NE(r[0].reason.find("could not be written"), std::string::npos);
}

TEST_F(CaptureTransportTest, RecreatesARemovedDirectory) {
    CaptureTransport t(root_ / "out");
    fs::remove_all(root_ / "out");
    EXPECT_EQ(t.send({msg("d1", "x")})[0].outcome, Outcome::sent);
    EXPECT_EQ(read(t.path_for("d1")), "x");
}

TEST_F(CaptureTransportTest, ConcurrentSendersEachCaptureEveryMessageOnce) {
    CaptureTransport t(root_);
    std::vector<std::thread> threads;
    std::atomic<int> sent{0};
    for (int w = 0; w < 4; ++w) {
        threads.emplace_back([&, w] {
            std::vector<OutgoingMessage> batch;
            for (int i = 0; i < 50; ++i) {
                std::string id = "w" + std::to_string(w) + "-" + std::to_string(i);
                batch.push_back(msg(id, id + std::string(10000, 'x')));
            }
            for (const auto& r : t.send(batch)) sent += r.outcome == Outcome::sent;
        });
    }
    for (auto& th : threads) th.join();
    EXPECT_EQ(sent.load(), 200);
    auto files = names(root_);
    ASSERT_EQ(files.size(), 200u);
    for (const auto& f : files) {
        std::string id = f.substr(0, f.size() - 4);
        EXPECT_EQ(read(root_ / f), id + std::string(10000, 'x'));
    }
}

}  // namespace
}  // namespace dh::mail
