#include "vendors/vendor_routes.hpp"

#include <ctime>

#include "audit/audit.hpp"
#include "common/bounded_json.hpp"
#include "common/error.hpp"
#include "common/strings.hpp"
#include "http/router.hpp"
#include "vendors/export_service.hpp"
#include "vendors/import_service.hpp"
#include "vendors/list_service.hpp"
#include "vendors/suppression_service.hpp"
#include "vendors/vendor_json.hpp"
#include "vendors/vendor_service.hpp"

namespace dh::vendors {
namespace {

using http::Access;
using http::Request;
using http::Response;

constexpr std::size_t kMaxImportBytes = 200u << 20;

struct Services {
    Services(db::Pool& p, const std::string& data_dir)
        : pool(p), vendors(p), imports(p, data_dir), tmp_dir(data_dir + "/tmp") {}
    db::Pool& pool;
    VendorService vendors;
    ImportService imports;  // owns the background import thread
    std::string tmp_dir;
};

std::map<std::string, std::string> mapping_param(const Request& req) {
    auto raw = req.query_param("mapping");
    if (!raw || raw->empty()) return {};
    auto j = dh::json::parse_or_null(*raw).value_or(nlohmann::json());
    if (!j.is_object()) throw Error::invalid_field("mapping", "must be a JSON object of header -> field");
    std::map<std::string, std::string> out;
    for (auto& [k, v] : j.items()) {
        if (!v.is_string()) throw Error::invalid_field("mapping." + k.substr(0, 64), "must be a string");
        out[k] = v.get<std::string>();
    }
    return out;
}

/// A vendor with its contacts and lists.
Response vendor_answer(const Vendor& v, int status = 200) {
    return http::written([&](http::JsonWriter& out) { json::write_vendor(out, v, true); }, status);
}

Response contact_answer(const Contact& c, int status = 200) {
    return http::written([&](http::JsonWriter& out) { json::write_contact(out, c); }, status);
}

void require_csv(const Request& req) {
    auto type = strings::to_lower(strings::trim(
        std::string(req.header("content-type")).substr(0, std::string(req.header("content-type")).find(';'))));
    if (!type.empty() && type != "text/csv" && type != "application/csv" && type != "text/plain" &&
        type != "application/octet-stream")
        throw Error(ErrorKind::unsupported_media_type, "unsupported_media_type", "Send the file as text/csv.");
    if (req.body_file.empty()) throw Error::invalid_field("header", "the file is empty");
}

Response import_csv(Services& s, Request& req) {
    require_csv(req);
    ImportRequest in{req.tenant_id(), req.body_file, mapping_param(req), req.caller().id,
                     audit::from_request(req, "vendor.imported")};
    auto started = s.imports.start(std::move(in));
    if (started.background) {
        auto r =
            Response::json({{"id", started.job_id}, {"status", "running"}, {"bytes_total", started.bytes_total}}, 202);
        r.header("Location", "/api/v1/imports/" + started.job_id);
        return r;
    }
    auto body = json::report(started.report);
    body["id"] = started.job_id;
    body["status"] = started.report.stop_reason ? "stopped" : "completed";
    return Response::json(body);
}

void register_vendor_crud(http::Router& router, std::shared_ptr<Services> s) {
    router.add({"GET", "/api/v1/vendors", Access::tenant_member, [s](Request& req) {
                    auto page = s->vendors.list(req.tenant_id(), json::filter_from(req), req.query_param("cursor"),
                                                http::page_limit(req));
                    return http::page_written(page.items, page.next_cursor, [](http::JsonWriter& out, const Vendor& v) {
                        json::write_vendor(out, v, false);
                    });
                }});
    router.add({"POST", "/api/v1/vendors", Access::tenant_member, [s](Request& req) {
                    auto v = s->vendors.create(req.tenant_id(), json::vendor_from(req.json()));
                    return vendor_answer(v, 201);
                }});
    router.add({"GET", "/api/v1/vendors/{id}", Access::tenant_member,
                [s](Request& req) { return vendor_answer(s->vendors.get(req.tenant_id(), req.param("id"))); }});
    router.add({"PATCH", "/api/v1/vendors/{id}", Access::tenant_member, [s](Request& req) {
                    auto v = s->vendors.update(req.tenant_id(), req.param("id"), json::vendor_input_from(req.json()));
                    return vendor_answer(v);
                }});
    router.add({"DELETE", "/api/v1/vendors/{id}", Access::tenant_member, [s](Request& req) {
                    s->vendors.remove(req.tenant_id(), req.param("id"), audit::from_request(req, "vendor.deleted"));
                    return Response::no_content();
                }});
}

void register_contacts(http::Router& router, std::shared_ptr<Services> s) {
    router.add({"POST", "/api/v1/vendors/{id}/contacts", Access::tenant_member, [s](Request& req) {
                    auto c =
                        s->vendors.add_contact(req.tenant_id(), req.param("id"), json::contact_from(req.json(), ""));
                    return contact_answer(c, 201);
                }});
    router.add({"PATCH", "/api/v1/vendors/{id}/contacts/{cid}", Access::tenant_member, [s](Request& req) {
                    auto c = s->vendors.update_contact(req.tenant_id(), req.param("id"), req.param("cid"),
                                                       json::contact_patch_from(req.json()));
                    return contact_answer(c);
                }});
    router.add({"DELETE", "/api/v1/vendors/{id}/contacts/{cid}", Access::tenant_member, [s](Request& req) {
                    s->vendors.remove_contact(req.tenant_id(), req.param("id"), req.param("cid"),
                                              audit::from_request(req, "vendor.contact_deleted"));
                    return Response::no_content();
                }});
}

void register_transfers(http::Router& router, std::shared_ptr<Services> s) {
    router.add({"POST", "/api/v1/vendors/import", Access::tenant_member,
                [s](Request& req) { return import_csv(*s, req); }, kMaxImportBytes, true});
    router.add({"GET", "/api/v1/vendors/export", Access::tenant_member, [s](Request& req) {
                    Response r;
                    r.file_path = export_vendors_csv(s->pool, req.tenant_id(), json::filter_from(req), s->tmp_dir);
                    r.remove_file_after = true;
                    r.content_type = "text/csv; charset=utf-8";
                    char date[16];
                    std::time_t now = std::time(nullptr);
                    std::tm utc{};
                    gmtime_r(&now, &utc);  // handler threads run at once: not std::gmtime's shared buffer
                    std::strftime(date, sizeof date, "%Y-%m-%d", &utc);
                    r.header("Content-Disposition", std::string("attachment; filename=\"vendors-") + date + ".csv\"");
                    return r;
                }});
    router.add({"GET", "/api/v1/imports/{id}", Access::tenant_member, [s](Request& req) {
                    return Response::json(json::job(s->imports.job(req.tenant_id(), req.param("id"))));
                }});
    router.add({"DELETE", "/api/v1/imports/{id}", Access::tenant_member, [s](Request& req) {
                    auto job = s->imports.undo(req.tenant_id(), req.param("id"),
                                               audit::from_request(req, "vendor.import_undone"));
                    return Response::json(json::job(job), 202);
                }});
}

}  // namespace

void register_vendor_routes(http::Router& router, db::Pool& pool, const std::string& data_dir) {
    auto s = std::make_shared<Services>(pool, data_dir);
    register_vendor_crud(router, s);
    register_contacts(router, s);
    register_transfers(router, s);
    register_list_routes(router, std::make_shared<ListService>(pool));
    register_suppression_routes(router, std::make_shared<SuppressionService>(pool));
}

}  // namespace dh::vendors
