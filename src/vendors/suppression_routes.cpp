#include "audit/audit.hpp"
#include "common/error.hpp"
#include "http/router.hpp"
#include "vendors/suppression_service.hpp"
#include "vendors/vendor_json.hpp"
#include "vendors/vendor_routes.hpp"

namespace dh::vendors {

void register_suppression_routes(http::Router& router, std::shared_ptr<SuppressionService> suppressions) {
    using http::Access;
    using http::Request;
    using http::Response;
    router.add({"GET", "/api/v1/suppressions", Access::tenant_member, [suppressions](Request& req) {
                    auto page = suppressions->list(req.tenant_id(), req.query_param("q"), req.query_param("reason"),
                                                   req.query_param("cursor"), http::page_limit(req));
                    return Response::json(json::page(page, [](const Suppression& s) { return json::suppression(s); }));
                }});
    router.add({"POST", "/api/v1/suppressions", Access::tenant_member, [suppressions](Request& req) {
                    auto s = suppressions->add(req.tenant_id(), json::suppression_from(req.json()),
                                               audit::from_request(req, "suppression.added"));
                    return Response::created(json::suppression(s));
                }});
    // DELETE /api/v1/suppressions?address=... (the form) and /api/v1/suppressions/{id or address}.
    router.add({"DELETE", "/api/v1/suppressions", Access::tenant_member, [suppressions](Request& req) {
                    auto address = req.query_param("address");
                    if (!address || address->empty()) throw Error::invalid_field("address", "is required");
                    suppressions->remove(req.tenant_id(), *address, audit::from_request(req, "suppression.removed"));
                    return Response::no_content();
                }});
    router.add({"DELETE", "/api/v1/suppressions/{id}", Access::tenant_member, [suppressions](Request& req) {
                    suppressions->remove(req.tenant_id(), req.param("id"),
                                         audit::from_request(req, "suppression.removed"));
                    return Response::no_content();
                }});
}

}  // namespace dh::vendors
