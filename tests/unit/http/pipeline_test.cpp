#include "http/pipeline.hpp"

#include <gtest/gtest.h>

#include "common/error.hpp"
#include "http/metrics.hpp"

namespace dh::http {
namespace {

struct PipelineTest : ::testing::Test {
    Router router;
    Metrics metrics;
    Pipeline pipeline{router, metrics, nullptr};

    Response call(const std::string& method, const std::string& path, std::string body = {}) {
        Request req;
        req.method = method;
        req.path = path;
        req.body = std::move(body);
        req.request_id = "req-1";
        return pipeline.handle(req, router.match(method, path));
    }
};

TEST_F(PipelineTest, MalformedJsonIsA400Problem) {
    router.add({"POST", "/echo", Access::public_, [](Request& r) { return Response::json(r.json()); }});
    auto res = call("POST", "/echo", "{\"email\":");
    EXPECT_EQ(res.status, 400);
    EXPECT_EQ(res.content_type, "application/problem+json");
    auto j = nlohmann::json::parse(res.body);
    EXPECT_EQ(j["status"], 400);
    EXPECT_EQ(j["code"], "malformed_json");
    EXPECT_EQ(j["request_id"], "req-1");
    EXPECT_EQ(call("POST", "/echo", "[1,2]").status, 400);
    EXPECT_EQ(call("POST", "/echo", "{\"a\":1}").status, 200);
}

TEST_F(PipelineTest, ProtectedRouteWithoutAuthenticatorIs401) {
    router.add({"GET", "/secret", Access::tenant_member, [](Request&) { return Response::json({}); }});
    EXPECT_EQ(call("GET", "/secret").status, 401);
}

TEST_F(PipelineTest, AccessLevelsAreEnforced) {
    router.add({"GET", "/admin", Access::super_admin, [](Request&) { return Response::json({}); }});
    router.add({"GET", "/tenant", Access::tenant_admin, [](Request&) { return Response::json({}); }});
    auth::Principal member{auth::Principal::Kind::user, "u1", std::string("t1"), auth::Role::tenant_member, "m@x"};
    pipeline.set_authenticator([&](const Request&) { return member; });
    EXPECT_EQ(call("GET", "/admin").status, 403);
    EXPECT_EQ(call("GET", "/tenant").status, 403);
    member.role = auth::Role::tenant_admin;
    EXPECT_EQ(call("GET", "/tenant").status, 200);
    EXPECT_EQ(call("GET", "/admin").status, 403);
    auth::Principal root{auth::Principal::Kind::user, "u0", std::nullopt, auth::Role::super_admin, "root@x"};
    member = root;
    EXPECT_EQ(call("GET", "/admin").status, 200);
    EXPECT_EQ(call("GET", "/tenant").status, 403) << "a super admin has no tenant";
}

TEST_F(PipelineTest, ErrorsCarryExtensionsAndItems) {
    router.add(
        {"GET", "/quota", Access::public_, [](Request&) -> Response {
             throw Error(ErrorKind::quota_exceeded, "quota_exceeded", "Over quota.").with("remaining", std::int64_t{3});
         }});
    router.add(
        {"GET", "/field", Access::public_, [](Request&) -> Response { throw Error::invalid_field("email", "bad"); }});
    auto q = nlohmann::json::parse(call("GET", "/quota").body);
    EXPECT_EQ(q["code"], "quota_exceeded");
    EXPECT_EQ(q["remaining"], 3);
    auto f = call("GET", "/field");
    EXPECT_EQ(f.status, 422);
    EXPECT_EQ(nlohmann::json::parse(f.body)["errors"][0]["field"], "email");
}

TEST_F(PipelineTest, UnexpectedExceptionsBecome500WithoutDetail) {
    router.add(
        {"GET", "/boom", Access::public_, [](Request&) -> Response { throw std::runtime_error("secret detail"); }});
    auto res = call("GET", "/boom");
    EXPECT_EQ(res.status, 500);
    EXPECT_EQ(res.body.find("secret detail"), std::string::npos);
}

}  // namespace
}  // namespace dh::http
