#include "http/static_files.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "common/random.hpp"

namespace dh::http {
namespace {

namespace fs = std::filesystem;

std::string header_of(const Response& r, const std::string& name) {
    for (auto& [k, v] : r.headers)
        if (k == name) return v;
    return {};
}

TEST(AcceptEncoding, NamedCodingsWildcardsAndQualities) {
    EXPECT_TRUE(accepts_encoding("gzip, deflate, br, zstd", "br"));
    EXPECT_TRUE(accepts_encoding("gzip, deflate, br, zstd", "gzip"));
    EXPECT_TRUE(accepts_encoding("GZIP", "gzip")) << "codings are case-insensitive";
    EXPECT_TRUE(accepts_encoding(" br ; q=0.5 ,gzip;q=1", "br"));
    EXPECT_FALSE(accepts_encoding("", "gzip")) << "no header: identity only";
    EXPECT_FALSE(accepts_encoding("identity", "gzip"));
    EXPECT_FALSE(accepts_encoding("gzip;q=0", "gzip"));
    EXPECT_FALSE(accepts_encoding("gzip;q=0.000", "gzip"));
    EXPECT_TRUE(accepts_encoding("*", "br"));
    EXPECT_FALSE(accepts_encoding("*, br;q=0", "br")) << "a named q=0 wins over the wildcard";
    EXPECT_FALSE(accepts_encoding("*;q=0", "gzip"));
    EXPECT_FALSE(accepts_encoding("gzip;q=abc", "gzip")) << "an unreadable q counts as not acceptable";
    EXPECT_FALSE(accepts_encoding("xgzip, gzipx", "gzip"));
}

struct StaticFilesTest : ::testing::Test {
    fs::path root = fs::temp_directory_path() / ("dh-static-" + random::hex(6));
    void SetUp() override {
        fs::create_directories(root / "assets");
        write("index.html", "<!doctype html><title>app</title>");
        write("assets/app-1.js", "console.log('plain')");
        write("assets/app-1.js.gz", "GZ");
        write("assets/app-1.js.br", "BR");
        write("assets/only-gz.css", "body{}");
        write("assets/only-gz.css.gz", "GZ");
        write("assets/plain.svg", "<svg/>");
    }
    void TearDown() override { fs::remove_all(root); }
    void write(const std::string& rel, const std::string& text) { std::ofstream(root / rel) << text; }
    StaticFiles files() const { return StaticFiles(fs::canonical(root).string()); }
};

TEST_F(StaticFilesTest, PrecompressedSiblingsFollowAcceptEncoding) {
    auto br = files().serve("/assets/app-1.js", "gzip, deflate, br");
    ASSERT_TRUE(br);
    EXPECT_EQ(fs::path(br->file_path).filename(), "app-1.js.br") << "brotli first";
    EXPECT_EQ(header_of(*br, "Content-Encoding"), "br");
    EXPECT_EQ(header_of(*br, "Vary"), "Accept-Encoding");
    EXPECT_EQ(br->content_type, "text/javascript; charset=utf-8") << "the type of the file, not of the archive";

    auto gz = files().serve("/assets/app-1.js", "gzip");
    EXPECT_EQ(fs::path(gz->file_path).filename(), "app-1.js.gz");
    EXPECT_EQ(header_of(*gz, "Content-Encoding"), "gzip");

    auto plain = files().serve("/assets/app-1.js", "");
    EXPECT_EQ(fs::path(plain->file_path).filename(), "app-1.js");
    EXPECT_EQ(header_of(*plain, "Content-Encoding"), "");
    EXPECT_EQ(header_of(*plain, "Vary"), "Accept-Encoding") << "caches must not hand the plain copy to others";

    auto only_gz = files().serve("/assets/only-gz.css", "br, gzip");
    EXPECT_EQ(fs::path(only_gz->file_path).filename(), "only-gz.css.gz");
    auto none = files().serve("/assets/plain.svg", "br, gzip");
    EXPECT_EQ(fs::path(none->file_path).filename(), "plain.svg");
    EXPECT_EQ(header_of(*none, "Vary"), "") << "nothing to vary on";
}

TEST_F(StaticFilesTest, HtmlAnswersCarryTheSecurityHeadersAndAssetsDoNot) {
    for (auto path : {"/", "/index.html", "/vendors/123", "/admin/tenants"}) {
        auto r = files().serve(path, "gzip");
        ASSERT_TRUE(r) << path;
        EXPECT_EQ(fs::path(r->file_path).filename(), "index.html") << path;
        auto csp = header_of(*r, "Content-Security-Policy");
        EXPECT_NE(csp.find("script-src 'self';"), std::string::npos) << csp;
        EXPECT_NE(csp.find("frame-ancestors 'none'"), std::string::npos) << csp;
        EXPECT_NE(csp.find("object-src 'none'"), std::string::npos) << csp;
        EXPECT_EQ(csp.find("unsafe-eval"), std::string::npos) << csp;
        EXPECT_EQ(header_of(*r, "X-Frame-Options"), "DENY") << path;
        EXPECT_EQ(header_of(*r, "Referrer-Policy"), "same-origin") << path;
    }
    auto js = files().serve("/assets/app-1.js", "");
    EXPECT_EQ(header_of(*js, "Content-Security-Policy"), "");
    EXPECT_FALSE(files().serve("/assets/missing.js", "gzip")) << "a missing asset is a 404, not the app";
}

}  // namespace
}  // namespace dh::http
