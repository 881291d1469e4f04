// The attachment directory against the rows: an upload's file is in place under its key, and the
// sweep that `serve` runs at start-up resolves what interrupted writes left (a staged file whose row
// was committed is published, one whose transaction never committed goes, a file no row points at
// is moved aside) and leaves alone what is not a tenant of this database.
#include "files/attachment_sweep.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "common/random.hpp"
#include "db/pool.hpp"
#include "harness/tenants.hpp"

namespace dh::test {
namespace {

namespace fs = std::filesystem;

void write(const fs::path& p, const std::string& bytes) {
    fs::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary) << bytes;
}

struct AttachmentSweep : ::testing::Test {
    TestServer server;
    PlatformSession platform{server};
    TenantSession acme = platform.create_tenant("acme");
    fs::path root = fs::path(server.data_dir()) / "attachments";

    std::string upload(const std::string& name, const std::string& bytes) {
        auto r =
            acme.http.request("POST", "/api/v1/attachments?filename=" + name, bytes, {{"Content-Type", "text/plain"}});
        EXPECT_EQ(r.status, 201) << r.body;
        return r.json()["id"].get<std::string>();
    }
};

TEST_F(AttachmentSweep, AnUploadIsInPlaceUnderItsKeyWithNothingStaged) {
    auto id = upload("terms.txt", "Payment terms: 30 days.\n");
    EXPECT_TRUE(fs::exists(root / acme.id / id));
    for (auto& f : fs::directory_iterator(root / acme.id)) EXPECT_NE(f.path().extension(), ".part") << f.path();
}

TEST_F(AttachmentSweep, StagedFilesFollowTheirRowsAndOrphansGo) {
    auto kept = upload("kept.txt", "kept\n");
    auto interrupted = upload("interrupted.txt", "committed, then the process died before the rename\n");
    // The crash between the commit and the rename, replayed: the committed file is still staged.
    fs::rename(root / acme.id / interrupted, root / acme.id / (interrupted + ".part"));
    const auto never_committed = root / acme.id / (random::uuid() + ".part");
    const auto orphan = root / acme.id / random::uuid();
    const auto foreign = root / "not-a-tenant" / "notes.txt";
    const auto unknown_tenant = root / random::uuid() / random::uuid();
    write(never_committed, "its transaction rolled back");
    write(orphan, "no row points here");
    write(foreign, "not ours to judge");
    write(unknown_tenant, "a tenant this database does not know");

    db::Pool pool({server.database().conninfo(), 1});
    auto report = files::sweep_attachments(pool, files::AttachmentFiles(server.data_dir()));
    EXPECT_EQ(report.published, 1);
    EXPECT_EQ(report.removed_staged, 1);
    EXPECT_EQ(report.set_aside, 1);

    EXPECT_TRUE(fs::exists(root / acme.id / kept));
    EXPECT_TRUE(fs::exists(root / acme.id / interrupted));
    EXPECT_FALSE(fs::exists(root / acme.id / (interrupted + ".part")));
    EXPECT_FALSE(fs::exists(never_committed));
    EXPECT_FALSE(fs::exists(orphan));
    EXPECT_TRUE(fs::exists(fs::path(server.data_dir()) / "orphaned-attachments" / acme.id / orphan.filename()));
    EXPECT_TRUE(fs::exists(foreign));
    EXPECT_TRUE(fs::exists(unknown_tenant));

    // A second sweep finds nothing left to do.
    auto again = files::sweep_attachments(pool, files::AttachmentFiles(server.data_dir()));
    EXPECT_EQ(again.published + again.removed_staged + again.set_aside, 0);
}

}  // namespace
}  // namespace dh::test
