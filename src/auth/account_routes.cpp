#include "auth/account_routes.hpp"

#include "auth/account_service.hpp"
#include "http/json_fields.hpp"
#include "http/route_support.hpp"
#include "http/router.hpp"

namespace dh::auth {

void register_account_routes(http::Router& router, AccountService& accounts) {
    using http::Access;
    router.add({"POST", "/api/v1/me/password", Access::authenticated, [&accounts](http::Request& req) {
                    auto body = req.json();
                    http::JsonFields f(body);
                    f.only({"current_password", "new_password"});
                    accounts.change_password(req.caller(), f.text("current_password", 1024),
                                             f.text("new_password", 1024), http::origin(req));
                    return http::Response::no_content();
                }});
    // 202 whether or not the account exists: the answer is no account oracle.
    router.add({"POST", "/api/v1/auth/password-reset", Access::public_, [&accounts](http::Request& req) {
                    auto body = req.json();
                    http::JsonFields f(body);
                    f.only({"email", "tenant"});
                    accounts.request_reset(f.text("email", 254), f.text("tenant", 63), http::origin(req));
                    return http::Response::json({{"status", "accepted"}}, 202);
                }});
    router.add({"POST", "/api/v1/auth/password-reset/confirm", Access::public_, [&accounts](http::Request& req) {
                    auto body = req.json();
                    http::JsonFields f(body);
                    f.only({"token", "new_password"});
                    accounts.confirm_reset(f.text("token", 200), f.text("new_password", 1024), http::origin(req));
                    return http::Response::no_content();
                }});
}

}  // namespace dh::auth
