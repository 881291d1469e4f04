#include "http/pipeline.hpp"

#include <chrono>

#include "common/error.hpp"
#include "common/log.hpp"
#include "http/metrics.hpp"
#include "http/problem.hpp"
#include "http/static_files.hpp"

namespace dh::http {

Pipeline::Pipeline(const Router& router, Metrics& metrics, std::shared_ptr<StaticFiles> static_files)
    : router_(router), metrics_(metrics), static_files_(std::move(static_files)) {}

bool Pipeline::allowed(Access access, const auth::Principal& p) {
    switch (access) {
        case Access::public_:
        case Access::authenticated:
            return true;
        case Access::tenant_member:
            return p.tenant_id.has_value() && !p.is_super_admin();
        case Access::tenant_admin:
            return p.tenant_id.has_value() && p.is_tenant_admin();
        case Access::super_admin:
            return p.is_super_admin();
    }
    return false;
}

Response Pipeline::dispatch(Request& request, const Match& match) const {
    if (!match.route) {
        bool is_api = request.path.rfind("/api/", 0) == 0;
        if (!match.allowed.empty()) {
            std::string allow;
            for (auto& m : match.allowed) allow += (allow.empty() ? "" : ", ") + m;
            auto r = problem(Error(ErrorKind::method_not_allowed, "method_not_allowed",
                                   "Method " + request.method + " is not allowed here; allowed: " + allow + "."),
                             request.request_id);
            r.header("Allow", allow);
            return r;
        }
        if (!is_api && static_files_ && (request.method == "GET" || request.method == "HEAD")) {
            if (auto r = static_files_->serve(request.path, request.header("accept-encoding"))) return *r;
        }
        throw Error(ErrorKind::not_found, "route_not_found", "No such endpoint: " + request.path);
    }
    const Route& route = *match.route;
    request.params = match.params;
    if (route.access != Access::public_) {
        if (!authenticator_) throw Error::unauthenticated();
        request.principal = authenticator_(request);
        if (!allowed(route.access, *request.principal))
            throw Error::forbidden("Your role may not use " + route.method + " " + route.pattern + ".");
    }
    return route.handler(request);
}

Response Pipeline::handle(Request& request, const Match& match) const {
    auto started = std::chrono::steady_clock::now();
    Response response;
    try {
        response = dispatch(request, match);
    } catch (const Error& e) {
        if (e.kind() == ErrorKind::internal || e.kind() == ErrorKind::unavailable)
            log::error("request failed",
                       {{"request_id", request.request_id}, {"code", e.code()}, {"detail", e.detail()}});
        response = problem(e, request.request_id);
    } catch (const std::exception& e) {
        log::error("unhandled exception", {{"request_id", request.request_id}, {"error", e.what()}});
        response = problem(Error(ErrorKind::internal, "internal", "Internal error."), request.request_id);
    }
    double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    std::string route_label =
        match.route ? match.route->pattern : (match.allowed.empty() ? "unmatched" : "method_not_allowed");
    metrics_.observe_request(route_label, request.method, response.status, seconds);
    if (log::info_enabled())
        log::info("request", {{"request_id", request.request_id},
                              {"method", request.method},
                              {"path", request.path},
                              {"route", route_label},
                              {"status", response.status},
                              {"duration_ms", static_cast<int>(seconds * 1000 * 100) / 100.0},
                              {"client", request.client_ip}});
    return response;
}

}  // namespace dh::http
