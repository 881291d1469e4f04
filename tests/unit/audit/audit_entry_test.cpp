#include <gtest/gtest.h>

#include "audit/audit.hpp"
#include "http/message.hpp"

namespace dh::audit {
namespace {

auth::Principal user() {
    return {auth::Principal::Kind::user, "u-1", std::string("t-1"), auth::Role::tenant_admin, "ann@acme.example"};
}

TEST(AuditEntry, NamesTheUserTheirTenantAndWhereTheRequestCameFrom) {
    auto e = by(user(), "req-1", "203.0.113.9", "vendor.deleted", "vendor", "v-1");
    EXPECT_EQ(e.tenant_id, std::optional<std::string>("t-1"));
    EXPECT_EQ(e.actor_type, "user");
    EXPECT_EQ(e.actor_id, std::optional<std::string>("u-1"));
    EXPECT_EQ(e.actor_label, "ann@acme.example");
    EXPECT_EQ(e.action, "vendor.deleted");
    EXPECT_EQ(e.target_type, "vendor");
    EXPECT_EQ(e.target_id, "v-1");
    EXPECT_EQ(e.request_id, "req-1");
    EXPECT_EQ(e.client_ip, "203.0.113.9");
    EXPECT_EQ(e.details, nlohmann::json::object());
}

TEST(AuditEntry, AnApiKeyIsRecordedAsOne) {
    auto key = user();
    key.kind = auth::Principal::Kind::api_key;
    key.label = "api-key:ci";
    auto e = by(key, "req-2", "198.51.100.4", "dispatch.created");
    EXPECT_EQ(e.actor_type, "api_key");
    EXPECT_EQ(e.actor_label, "api-key:ci");
    EXPECT_TRUE(e.target_type.empty()) << "no target: stored as NULL";
}

TEST(AuditEntry, FromARequestTakesItsCallerOrIsTheSystemsOwn) {
    http::Request signed_in;
    signed_in.request_id = "req-3";
    signed_in.client_ip = "192.0.2.1";
    signed_in.principal = user();
    auto e = from_request(signed_in, "settings.changed", "tenant", "t-1", {{"field", "approval_threshold"}});
    EXPECT_EQ(e.actor_type, "user");
    EXPECT_EQ(e.actor_id, std::optional<std::string>("u-1"));
    EXPECT_EQ(e.request_id, "req-3");
    EXPECT_EQ(e.details["field"], "approval_threshold");

    http::Request anonymous;
    anonymous.request_id = "req-4";
    anonymous.client_ip = "192.0.2.2";
    auto a = from_request(anonymous, "auth.password_reset_requested");
    EXPECT_EQ(a.actor_type, "system");
    EXPECT_FALSE(a.actor_id);
    EXPECT_FALSE(a.tenant_id);
    EXPECT_EQ(a.request_id, "req-4");
    EXPECT_EQ(a.client_ip, "192.0.2.2");
}

}  // namespace
}  // namespace dh::audit
