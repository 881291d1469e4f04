#pragma once

namespace dh::http {
class Router;
}

namespace dh::auth {
class AccountService;

/// POST /api/v1/me/password, /api/v1/auth/password-reset and /api/v1/auth/password-reset/confirm.
void register_account_routes(http::Router& router, AccountService& accounts);

}  // namespace dh::auth
