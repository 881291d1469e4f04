#pragma once

namespace dh::http {
class Router;
}
namespace dh::tenancy {
class TenancyService;
}

namespace dh::auth {

class AuthService;

/// /api/v1/auth/login|refresh|logout, /api/v1/me, /api/v1/api-keys.
void register_auth_routes(http::Router& router, AuthService& auth, tenancy::TenancyService& tenancy,
                          bool secure_cookie);

}  // namespace dh::auth
