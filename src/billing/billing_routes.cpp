#include "billing/billing_routes.hpp"

#include "billing/billing_service.hpp"
#include "billing/invoice_json.hpp"
#include "common/error.hpp"
#include "http/json_fields.hpp"
#include "http/page_response.hpp"
#include "http/route_support.hpp"
#include "http/router.hpp"

namespace dh::billing {
namespace {

using http::origin;

http::Response page_of(const std::vector<Invoice>& rows, int limit) {
    return http::keyset_page(rows, limit, [](const Invoice& v) {
        auto j = to_json(v);  // lists carry no lines or payments: the detail view has them
        j.erase("lines");
        j.erase("payments");
        return j;
    });
}

/// JSON, or the printable page with ?format=html.
http::Response invoice_response(const http::Request& req, const Invoice& v) {
    if (req.query_param("format").value_or("json") != "html") return http::Response::json(to_json(v));
    http::Response r;
    r.content_type = "text/html; charset=utf-8";
    r.body = to_html(v);
    return r;
}

void register_admin_routes(http::Router& router, BillingService& svc) {
    using http::Access;
    router.add({"GET", "/api/v1/admin/tenants/{id}/invoice-preview", Access::super_admin,
                [&svc](http::Request& req) { return http::Response::json(to_json(svc.preview(req.param("id")))); }});
    router.add({"POST", "/api/v1/admin/billing/close-period", Access::super_admin, [&svc](http::Request& req) {
                    std::optional<std::string> period;
                    if (!req.body.empty()) {
                        auto body = req.json();
                        http::JsonFields f(body);
                        f.only({"period"});
                        period = f.opt_text("period", 7);
                    }
                    return http::Response::json(to_json(svc.close_period_by(req.caller(), period, origin(req))));
                }});
    router.add({"GET", "/api/v1/admin/invoices", Access::super_admin, [&svc](http::Request& req) {
                    auto page = http::Page::from(req);
                    InvoiceFilter f{req.query_param("status"), req.query_param("tenant_id")};
                    return page_of(svc.list(f, page.limit, page.after_key, page.after_id), page.limit);
                }});
    router.add({"GET", "/api/v1/admin/invoices/{id}", Access::super_admin,
                [&svc](http::Request& req) { return invoice_response(req, svc.get(req.param("id"))); }});
    router.add({"POST", "/api/v1/admin/invoices/{id}/issue", Access::super_admin, [&svc](http::Request& req) {
                    return http::Response::json(to_json(svc.issue(req.caller(), req.param("id"), origin(req))));
                }});
    router.add({"POST", "/api/v1/admin/invoices/{id}/void", Access::super_admin, [&svc](http::Request& req) {
                    auto body = req.json();
                    http::JsonFields f(body);
                    f.only({"reason"});
                    auto v = svc.void_invoice(req.caller(), req.param("id"), f.text("reason", 1000), origin(req));
                    return http::Response::json(to_json(v));
                }});
    router.add({"POST", "/api/v1/admin/invoices/{id}/payments", Access::super_admin, [&svc](http::Request& req) {
                    auto body = req.json();
                    http::JsonFields f(body);
                    f.only({"amount_cents", "paid_on", "reference"});
                    auto amount = f.opt_int("amount_cents", 1, 1'000'000'000'000LL);
                    if (!amount) throw Error::invalid_field("amount_cents", "is required");
                    auto v = svc.add_payment(req.caller(), req.param("id"), *amount, f.text("paid_on", 10),
                                             f.opt_text("reference", 200).value_or(""), origin(req));
                    return http::Response::created(to_json(v));
                }});
}

void register_tenant_routes(http::Router& router, BillingService& svc) {
    using http::Access;
    router.add({"GET", "/api/v1/billing/invoices", Access::tenant_admin, [&svc](http::Request& req) {
                    auto page = http::Page::from(req);
                    return page_of(svc.list_own(req.tenant_id(), page.limit, page.after_key, page.after_id),
                                   page.limit);
                }});
    router.add({"GET", "/api/v1/billing/invoices/{id}", Access::tenant_admin, [&svc](http::Request& req) {
                    return invoice_response(req, svc.own(req.tenant_id(), req.param("id")));
                }});
}

}  // namespace

void register_billing_routes(http::Router& router, BillingService& billing) {
    register_admin_routes(router, billing);
    register_tenant_routes(router, billing);
}

}  // namespace dh::billing
