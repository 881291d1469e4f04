// Hostile input against a real server over real sockets: a deeply nested JSON body, request
// smuggling through Transfer-Encoding / Content-Length, a body trickled after the headers,
// unknown fields, 401 without WWW-Authenticate, and a CSV import beyond the API's limits.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>

#include "harness/server.hpp"
#include "harness/tenants.hpp"
#include "vendors/vendors_test_util.hpp"

namespace dh::test {
namespace {

using Clock = std::chrono::steady_clock;

/// A raw TCP connection to the test server, for bytes no well-behaved client would send.
class RawConnection {
public:
    explicit RawConnection(const std::string& base) {
        int port = std::stoi(base.substr(base.rfind(':') + 1));
        fd_ = socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_port = htons(static_cast<uint16_t>(port));
        inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr);
        connected_ = connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
    }
    ~RawConnection() { close(fd_); }
    bool connected() const { return connected_; }

    void send_all(const std::string& bytes) {
        std::size_t sent = 0;
        while (sent < bytes.size()) {
            auto n = ::send(fd_, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
            if (n <= 0) return;
            sent += static_cast<std::size_t>(n);
        }
    }

    /// Reads until the server closes the connection or `limit` passes; `closed` tells which.
    std::string read_until_closed(std::chrono::seconds limit, bool& closed) {
        std::string out;
        closed = false;
        auto deadline = Clock::now() + limit;
        char buf[4096];
        while (Clock::now() < deadline) {
            pollfd p{fd_, POLLIN, 0};
            auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
            if (poll(&p, 1, static_cast<int>(std::max<long>(left, 1))) <= 0) continue;
            auto n = ::recv(fd_, buf, sizeof buf, 0);
            if (n <= 0) {
                closed = true;
                break;
            }
            out.append(buf, static_cast<std::size_t>(n));
        }
        return out;
    }

private:
    int fd_ = -1;
    bool connected_ = false;
};

int count_of(const std::string& haystack, const std::string& needle) {
    int n = 0;
    for (auto at = haystack.find(needle); at != std::string::npos; at = haystack.find(needle, at + 1)) ++n;
    return n;
}

std::string nested_array(std::size_t depth) {
    return std::string(depth, '[') + std::string(depth, ']');
}

struct HostileInput : ::testing::Test {
    TestServer server;
    PlatformSession platform{server};
    TenantSession acme = platform.create_tenant("acme");

    std::string create_vendor() {
        auto v =
            acme.http.post("/api/v1/vendors", {{"name", "Steel"}, {"contacts", {{{"email", "ap@steel.example"}}}}});
        EXPECT_EQ(v.status, 201) << v.body;
        return v.json()["id"];
    }
};

TEST_F(HostileInput, DeeplyNestedBodyIsRefusedAndTheServerStaysUp) {
    auto vendor = create_vendor();
    nlohmann::json valid = {
        {"subject", "Quote"}, {"body_markdown", "Hello"}, {"recipients", {{"vendor_ids", {vendor}}}}};
    std::string text = valid.dump();
    text.pop_back();
    text += R"(,"to":)" + nested_array(100000) + "}";  // about 200 KB: under the body limit
    auto r = acme.http.request("POST", "/api/v1/dispatches", text, {{"Idempotency-Key", "deep-1"}});
    ASSERT_EQ(r.status, 422) << r.body.substr(0, 300);
    EXPECT_EQ(r.json()["code"], "json_too_deep");
    EXPECT_EQ(r.header("content-type"), "application/problem+json");
    EXPECT_EQ(server.client().get("/readyz").status, 200) << "the server must survive";
    EXPECT_EQ(acme.http.get("/api/v1/dispatches").json()["items"].size(), 0u) << "nothing was created";
}

TEST_F(HostileInput, UnknownFieldsAreRefusedOnEveryVendorAndDispatchRoute) {
    auto vendor = create_vendor();
    auto patch = acme.http.patch("/api/v1/vendors/" + vendor, {{"nmae", "Typo"}});
    ASSERT_EQ(patch.status, 422) << patch.body;
    EXPECT_EQ(patch.json()["code"], "unknown_field");
    EXPECT_EQ(patch.json()["field"], "nmae");
    auto list = acme.http.post("/api/v1/lists", {{"name", "Metals"}}).json()["id"].get<std::string>();
    auto members = acme.http.post("/api/v1/lists/" + list + "/members", {{"vendor_ids", {vendor}}, {"role", "ap"}});
    ASSERT_EQ(members.status, 422) << members.body;
    EXPECT_EQ(members.json()["field"], "role");
    EXPECT_EQ(acme.http.get("/api/v1/lists/" + list).json()["member_count"], 0) << "nothing changed";
    auto contact =
        acme.http.post("/api/v1/vendors/" + vendor + "/contacts", {{"email", "x@steel.example"}, {"phone", "1"}});
    EXPECT_EQ(contact.status, 422) << contact.body;
    auto dispatch = acme.http.post(
        "/api/v1/dispatches",
        {{"subject", "s"}, {"body_markdown", "b"}, {"recipients", {{"vendor_ids", {vendor}}}}, {"to", "a@b.example"}});
    ASSERT_EQ(dispatch.status, 422) << dispatch.body;
    EXPECT_EQ(dispatch.json()["field"], "to");
}

TEST_F(HostileInput, EveryUnauthorizedAnswerNamesTheBearerScheme) {
    auto anonymous = server.client().get("/api/v1/me");
    ASSERT_EQ(anonymous.status, 401);
    EXPECT_EQ(anonymous.header("www-authenticate").rfind("Bearer", 0), 0u) << anonymous.header("www-authenticate");
    HttpClient forged(server.base());
    forged.set_token("not-a-token");
    auto bad = forged.get("/api/v1/vendors");
    ASSERT_EQ(bad.status, 401);
    EXPECT_EQ(bad.header("www-authenticate").rfind("Bearer", 0), 0u);
}

TEST_F(HostileInput, BadFramingIsRefusedAndTheConnectionClosedSoNothingIsSmuggled) {
    std::string smuggled =
        "GET /api/v1/me HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + acme.http.token() + "\r\n\r\n";
    auto length = std::to_string(smuggled.size());
    const std::vector<std::string> framings = {
        "Transfer-Encoding: xchunked\r\n",
        "Transfer-Encoding: chunked, identity\r\n",
        "Transfer-Encoding: identity\r\n",
        "Transfer-Encoding: gzip\r\n",
        "Transfer-Encoding: chunked\r\nTransfer-Encoding: identity\r\n",
        "Transfer-Encoding: xchunked\r\nContent-Length: 0\r\n",
        "Content-Length: 0\r\nTransfer-Encoding: chunked\r\n",
        "Content-Length: 0\r\nContent-Length: " + length + "\r\n",
        "Content-Length: 0, " + length + "\r\n",
    };
    for (auto& framing : framings) {
        RawConnection c(server.base());
        ASSERT_TRUE(c.connected());
        c.send_all("POST /api/v1/auth/logout HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n" + framing +
                   "\r\n" + smuggled);
        bool closed = false;
        auto answer = c.read_until_closed(std::chrono::seconds(10), closed);
        EXPECT_EQ(answer.rfind("HTTP/1.1 400", 0), 0u) << framing << answer;
        EXPECT_NE(answer.find("application/problem+json"), std::string::npos) << framing;
        EXPECT_EQ(count_of(answer, "HTTP/1.1 "), 1) << "the smuggled request was answered: " << framing << answer;
        EXPECT_TRUE(closed) << "the connection must be closed after a framing error: " << framing;
    }
    EXPECT_EQ(server.client().get("/readyz").status, 200);
}

TEST(HostileHttp, ABodyTrickledAfterTheHeadersTimesOut) {
    TestServer server(Env{{"HTTP_BODY_TIMEOUT_SECONDS", "1"}});
    RawConnection c(server.base());
    ASSERT_TRUE(c.connected());
    c.send_all(
        "POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        "Content-Length: 100\r\n\r\n{\"email\":");
    bool closed = false;
    c.read_until_closed(std::chrono::seconds(20), closed);
    EXPECT_TRUE(closed) << "the connection is held open beyond HTTP_BODY_TIMEOUT_SECONDS";
    EXPECT_EQ(server.client().get("/readyz").status, 200);
}

TEST_F(HostileInput, CsvImportKeepsTheApisVendorLimits) {
    std::string header = "name,email";
    std::string row = "Wide Vendor,wide@vendor.example";
    for (int i = 0; i < 150; ++i) {
        header += ",custom.f" + std::to_string(i);
        row += ",v" + std::to_string(i);
    }
    auto r =
        import_csv(acme.http, header + "\r\n" + row + "\r\nNarrow,n@vendor.example" + std::string(150, ',') + "\r\n");
    ASSERT_EQ(r.status, 200) << r.body;
    auto report = r.json();
    EXPECT_EQ(report["vendors_created"], 1) << report.dump();
    ASSERT_EQ(report["errors"].size(), 1u) << report.dump();
    EXPECT_EQ(report["errors"][0]["row"], 2);
    EXPECT_EQ(report["errors"][0]["field"], "custom");
    EXPECT_NE(report["errors"][0]["reason"].get<std::string>().find("100"), std::string::npos);
    auto vendors = acme.http.get("/api/v1/vendors?q=Wide").json();
    EXPECT_EQ(vendors["items"].size(), 0u) << "the API would have refused it";

    std::string wide = "name";
    for (int i = 0; i < 10000; ++i) wide += ",custom.c" + std::to_string(i);
    auto refused = import_csv(acme.http, wide + "\r\nx\r\n");
    EXPECT_EQ(refused.status, 422) << refused.body.substr(0, 300);
    EXPECT_EQ(refused.json()["field"], "header");
}

}  // namespace
}  // namespace dh::test
