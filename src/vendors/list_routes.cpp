#include "audit/audit.hpp"
#include "common/error.hpp"
#include "http/json_fields.hpp"
#include "http/router.hpp"
#include "vendors/list_service.hpp"
#include "vendors/vendor_json.hpp"
#include "vendors/vendor_routes.hpp"

namespace dh::vendors {
namespace {

using http::Access;
using http::Request;
using http::Response;

std::vector<std::string> vendor_ids(const nlohmann::json& body) {
    if (!body.contains("vendor_ids") || !body["vendor_ids"].is_array())
        throw Error::invalid_field("vendor_ids", "must be an array of vendor ids");
    std::vector<std::string> out;
    for (std::size_t i = 0; i < body["vendor_ids"].size(); ++i) {
        auto& v = body["vendor_ids"][i];
        if (!v.is_string()) throw Error::invalid_field("vendor_ids[" + std::to_string(i) + "]", "must be a string");
        out.push_back(v.get<std::string>());
    }
    return out;
}

std::optional<std::string> contact_role(const nlohmann::json& body) {
    if (!body.contains("contact_role") || body["contact_role"].is_null()) return std::nullopt;
    if (!body["contact_role"].is_string()) throw Error::invalid_field("contact_role", "must be a string");
    return body["contact_role"].get<std::string>();
}

}  // namespace

void register_list_routes(http::Router& router, std::shared_ptr<ListService> lists) {
    router.add({"GET", "/api/v1/lists", Access::tenant_member, [lists](Request& req) {
                    auto page = lists->list(req.tenant_id(), req.query_param("cursor"), http::page_limit(req));
                    return Response::json(json::page(page, [](const VendorList& l) { return json::list(l); }));
                }});
    router.add({"POST", "/api/v1/lists", Access::tenant_member, [lists](Request& req) {
                    return Response::created(
                        json::list(lists->create(req.tenant_id(), json::list_input_from(req.json()))));
                }});
    router.add({"GET", "/api/v1/lists/{id}", Access::tenant_member, [lists](Request& req) {
                    return Response::json(json::list(lists->get(req.tenant_id(), req.param("id"))));
                }});
    router.add({"PATCH", "/api/v1/lists/{id}", Access::tenant_member, [lists](Request& req) {
                    auto l = lists->update(req.tenant_id(), req.param("id"), json::list_input_from(req.json()));
                    return Response::json(json::list(l));
                }});
    router.add({"DELETE", "/api/v1/lists/{id}", Access::tenant_member, [lists](Request& req) {
                    lists->remove(req.tenant_id(), req.param("id"), audit::from_request(req, "list.deleted"));
                    return Response::no_content();
                }});
    router.add({"POST", "/api/v1/lists/{id}/members", Access::tenant_member, [lists](Request& req) {
                    auto body = req.json();
                    http::JsonFields(body).only({"vendor_ids", "contact_role"});
                    auto l = lists->add_members(req.tenant_id(), req.param("id"), vendor_ids(body), contact_role(body));
                    return Response::json(json::list(l));
                }});
    router.add({"DELETE", "/api/v1/lists/{id}/members/{vendor_id}", Access::tenant_member, [lists](Request& req) {
                    lists->remove_member(req.tenant_id(), req.param("id"), req.param("vendor_id"));
                    return Response::no_content();
                }});
}

}  // namespace dh::vendors
