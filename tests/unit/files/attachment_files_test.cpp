// Staged attachment files: nothing under the key until publish, and a scope that ends without
// publishing leaves nothing behind (a transaction that failed after the file was written).
#include "files/attachment_files.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "common/random.hpp"

namespace dh::files {
namespace {

namespace fs = std::filesystem;

struct StagedFilesTest : ::testing::Test {
    fs::path dir = fs::temp_directory_path() / ("dh-attachments-" + random::hex(6));
    AttachmentFiles files{dir.string()};
    ~StagedFilesTest() override { fs::remove_all(dir); }

    std::size_t entries(const std::string& tenant) const {
        std::size_t n = 0;
        for (auto& e : fs::directory_iterator(dir / "attachments" / tenant)) n += e.is_regular_file();
        return n;
    }
};

TEST_F(StagedFilesTest, NothingIsUnderTheKeyUntilPublished) {
    StagedFiles staged(files);
    staged.write("t1/a", "bytes");
    EXPECT_FALSE(fs::exists(files.path("t1/a")));
    EXPECT_EQ(files.list("t1").staged, std::vector<std::string>{"t1/a"});
    staged.publish();
    std::ifstream in(files.path("t1/a"));
    std::string read((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    EXPECT_EQ(read, "bytes");
    EXPECT_EQ(entries("t1"), 1u);
    EXPECT_EQ(files.list("t1").published, std::vector<std::string>{"t1/a"});
}

TEST_F(StagedFilesTest, AScopeEndingWithoutPublishLeavesNothing) {
    auto spool = dir / "spool";
    fs::create_directories(dir);
    std::ofstream(spool) << "uploaded";
    {
        StagedFiles staged(files);
        staged.move("t1/b", spool.string());
        staged.write("t1/c", "inline");
        EXPECT_FALSE(fs::exists(spool));
        EXPECT_EQ(entries("t1"), 2u);
    }  // the transaction failed: no publish
    EXPECT_EQ(entries("t1"), 0u);
}

TEST_F(StagedFilesTest, AFailedMoveIsReportedAndLeavesNothing) {
    StagedFiles staged(files);
    EXPECT_THROW(staged.move("t1/d", (dir / "no-such-spool").string()), fs::filesystem_error);
    EXPECT_TRUE(files.list("t1").staged.empty());
}

}  // namespace
}  // namespace dh::files
