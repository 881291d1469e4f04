#pragma once
#include <string>

#include "harness/net.hpp"
#include "harness/server.hpp"

namespace dh::test {

/// A tenant created through the real API, with its first admin signed in.
struct TenantSession {
    std::string id;
    std::string slug;
    std::string admin_email;
    std::string admin_password;
    HttpClient http;  ///< carries the tenant admin's access token
};

/// The platform side of a test server: a super admin (bootstrapped with
/// `dispatchhub admin create-superadmin`) signed in through POST /api/v1/auth/login.
class PlatformSession {
public:
    explicit PlatformSession(TestServer& server);
    HttpClient& root() { return root_; }
    /// POST /api/v1/admin/tenants {name, slug, admin_email, admin_password}, then logs in as its admin.
    TenantSession create_tenant(const std::string& slug);
    /// POST /api/v1/auth/login; returns the access token (throws on failure).
    std::string login(const std::string& email, const std::string& password, const std::string& tenant = {});

private:
    TestServer& server_;
    HttpClient root_;
};

}  // namespace dh::test
