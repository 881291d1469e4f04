#include "http/router.hpp"

#include <gtest/gtest.h>

namespace dh::http {
namespace {

Handler ok() {
    return [](Request&) { return Response::json({{"ok", true}}); };
}

TEST(Router, MatchesLiteralAndParameterSegments) {
    Router r;
    r.add({"GET", "/api/v1/vendors", Access::tenant_member, ok()});
    r.add({"GET", "/api/v1/vendors/{id}", Access::tenant_member, ok()});
    auto m = r.match("GET", "/api/v1/vendors/abc");
    ASSERT_NE(m.route, nullptr);
    EXPECT_EQ(m.route->pattern, "/api/v1/vendors/{id}");
    EXPECT_EQ(m.params.at("id"), "abc");
    EXPECT_EQ(r.match("GET", "/api/v1/vendors/").route->pattern, "/api/v1/vendors");
}

TEST(Router, LiteralSegmentBeatsParameter) {
    Router r;
    r.add({"GET", "/api/v1/vendors/{id}", Access::tenant_member, ok()});
    r.add({"GET", "/api/v1/vendors/export", Access::tenant_member, ok()});
    EXPECT_EQ(r.match("GET", "/api/v1/vendors/export").route->pattern, "/api/v1/vendors/export");
}

TEST(Router, ReportsAllowedMethodsForWrongMethod) {
    Router r;
    r.add({"GET", "/api/v1/lists", Access::tenant_member, ok()});
    r.add({"POST", "/api/v1/lists", Access::tenant_member, ok()});
    auto m = r.match("DELETE", "/api/v1/lists");
    EXPECT_EQ(m.route, nullptr);
    EXPECT_EQ(m.allowed, (std::vector<std::string>{"GET", "POST"}));
    auto none = r.match("GET", "/nothing");
    EXPECT_EQ(none.route, nullptr);
    EXPECT_TRUE(none.allowed.empty());
}

TEST(Router, LiteralPathForOtherMethodIsNotShadowedByParameterRoute) {
    Router r;
    r.add({"DELETE", "/api/v1/vendors/{id}", Access::tenant_member, ok()});
    r.add({"POST", "/api/v1/vendors/import", Access::tenant_member, ok()});
    auto m = r.match("DELETE", "/api/v1/vendors/import");
    EXPECT_EQ(m.route, nullptr);
    EXPECT_EQ(m.allowed, (std::vector<std::string>{"POST"}));
}

TEST(Router, RefusesDuplicateRegistration) {
    Router r;
    r.add({"GET", "/a", Access::public_, ok()});
    EXPECT_THROW(r.add({"GET", "/a", Access::public_, ok()}), std::logic_error);
}

}  // namespace
}  // namespace dh::http
