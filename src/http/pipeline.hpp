#pragma once
#include <functional>
#include <memory>

#include "http/message.hpp"
#include "http/router.hpp"

namespace dh::http {

class Metrics;
class StaticFiles;

/// Turns a bearer credential into a principal, or throws Error (401, or 403 tenant_suspended).
using Authenticator = std::function<auth::Principal(const Request&)>;

/// Everything between the socket and a handler: route match, authentication, authorization,
/// the error mapper, static files, metrics and the access log. Protocol code (server.cpp) calls
/// handle(); handlers never catch.
class Pipeline {
public:
    Pipeline(const Router& router, Metrics& metrics, std::shared_ptr<StaticFiles> static_files);
    void set_authenticator(Authenticator authenticator) { authenticator_ = std::move(authenticator); }

    /// Runs the request to a response. Never throws.
    Response handle(Request& request, const Match& match) const;
    /// Access check of a principal against a route's declared access.
    static bool allowed(Access access, const auth::Principal& principal);

private:
    Response dispatch(Request& request, const Match& match) const;
    const Router& router_;
    Metrics& metrics_;
    std::shared_ptr<StaticFiles> static_files_;
    Authenticator authenticator_;
};

}  // namespace dh::http
