// The web UI as `serve` delivers it over real sockets: security headers on every HTML answer and
// the build's precompressed assets sent with Content-Encoding when the client accepts them.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "common/random.hpp"
#include "harness/server.hpp"

namespace fs = std::filesystem;

namespace dh::test {
namespace {

std::string read_bytes(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
}

/// A web build like `npm run build` leaves it: an index.html, a hashed bundle with .gz and .br
/// siblings (made here with the gzip tool and a stand-in for brotli), and a small SVG with none.
struct WebBuild {
    fs::path root = fs::path("/tmp") / ("dh-web-" + random::hex(6));
    std::string js;
    WebBuild() {
        fs::create_directories(root / "assets");
        std::ofstream(root / "index.html")
            << "<!doctype html><title>DispatchHub</title><script type=module src=/assets/app-1.js></script>";
        for (int i = 0; i < 2000; ++i)
            js += "export const value" + std::to_string(i) + " = 'repetitive text compresses';\n";
        std::ofstream(root / "assets/app-1.js", std::ios::binary) << js;
        if (std::system(("gzip -9 -k " + (root / "assets/app-1.js").string()).c_str()) != 0)
            throw std::runtime_error("gzip failed");
        std::ofstream(root / "assets/app-1.js.br", std::ios::binary) << "brotli stand-in";
        std::ofstream(root / "favicon.svg") << "<svg xmlns='http://www.w3.org/2000/svg'/>";
    }
    ~WebBuild() { fs::remove_all(root); }
};

struct WebUi : ::testing::Test {
    WebBuild build;
    TestServer server{{{"WEB_ROOT", build.root.string()}}};
    HttpClient http = server.client();
};

TEST_F(WebUi, HtmlAnswersCarryTheSecurityHeaders) {
    for (auto path : {"/", "/login", "/admin/tenants/42", "/index.html"}) {
        auto r = http.request("GET", path, {}, {{"Accept-Encoding", "gzip, br"}});
        ASSERT_EQ(r.status, 200) << path;
        EXPECT_NE(r.body.find("<title>DispatchHub</title>"), std::string::npos) << path;
        EXPECT_EQ(r.header("content-type"), "text/html; charset=utf-8") << path;
        auto csp = r.header("content-security-policy");
        EXPECT_NE(csp.find("script-src 'self';"), std::string::npos) << path << ": " << csp;
        EXPECT_NE(csp.find("frame-ancestors 'none'"), std::string::npos) << path << ": " << csp;
        EXPECT_EQ(r.header("x-frame-options"), "DENY") << path;
        EXPECT_EQ(r.header("referrer-policy"), "same-origin") << path;
        EXPECT_EQ(r.header("x-content-type-options"), "nosniff") << path;
    }
    auto api = http.get("/api/v1/nothing-here");
    EXPECT_EQ(api.status, 404) << "API paths never fall back to the app";
    EXPECT_EQ(api.header("content-type"), "application/problem+json");
}

TEST_F(WebUi, AssetsAreSentPrecompressedWhenTheClientAcceptsIt) {
    auto gz = http.request("GET", "/assets/app-1.js", {}, {{"Accept-Encoding", "gzip"}});
    ASSERT_EQ(gz.status, 200);
    EXPECT_EQ(gz.header("content-encoding"), "gzip");
    EXPECT_EQ(gz.header("vary"), "Accept-Encoding");
    EXPECT_EQ(gz.header("content-type"), "text/javascript; charset=utf-8");
    EXPECT_EQ(gz.body, read_bytes(build.root / "assets/app-1.js.gz")) << "the build's file, byte for byte";
    EXPECT_LT(gz.body.size() * 5, build.js.size()) << "the compressed copy is what travels";
    EXPECT_EQ(gz.header("content-length"), std::to_string(gz.body.size()));
    EXPECT_EQ(gz.header("cache-control"), "public, max-age=31536000, immutable");

    auto br = http.request("GET", "/assets/app-1.js", {}, {{"Accept-Encoding", "gzip, deflate, br"}});
    EXPECT_EQ(br.header("content-encoding"), "br");
    EXPECT_EQ(br.body, "brotli stand-in");

    auto plain = http.request("GET", "/assets/app-1.js", {}, {{"Accept-Encoding", "identity"}});
    EXPECT_EQ(plain.header("content-encoding"), "");
    EXPECT_EQ(plain.header("vary"), "Accept-Encoding");
    EXPECT_EQ(plain.body, build.js);
    auto refused = http.request("GET", "/assets/app-1.js", {}, {{"Accept-Encoding", "br;q=0, gzip;q=0"}});
    EXPECT_EQ(refused.body, build.js);

    auto svg = http.request("GET", "/favicon.svg", {}, {{"Accept-Encoding", "gzip, br"}});
    EXPECT_EQ(svg.status, 200);
    EXPECT_EQ(svg.header("content-encoding"), "");
    EXPECT_EQ(svg.header("vary"), "");
    EXPECT_EQ(http.request("GET", "/assets/missing-2.js", {}, {{"Accept-Encoding", "gzip"}}).status, 404);
}

}  // namespace
}  // namespace dh::test
