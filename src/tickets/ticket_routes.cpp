#include "tickets/ticket_routes.hpp"

#include "common/error.hpp"
#include "http/json_fields.hpp"
#include "http/page_response.hpp"
#include "http/route_support.hpp"
#include "http/router.hpp"
#include "tickets/ticket_service.hpp"

namespace dh::tickets {
namespace {

using http::opt_json;
using http::origin;

nlohmann::json to_json(const TicketMessage& m) {
    return {{"id", m.id},
            {"ticket_id", m.ticket_id},
            {"author_side", m.author_side},
            {"author", {{"name", m.author_label}, {"role", m.author_side}}},
            {"body", m.body},
            {"created_at", m.created_at}};
}

nlohmann::json to_json(const Ticket& t) {
    return {{"id", t.id},
            {"tenant_id", t.tenant_id},
            {"tenant", {{"id", t.tenant_id}, {"name", t.tenant_name}}},
            {"subject", t.subject},
            {"category", t.category},
            {"priority", t.priority},
            {"status", t.status},
            {"opened_by", t.opened_by_label},
            {"assignee_id", opt_json(t.assignee_id)},
            {"assignee", opt_json(t.assignee_label)},
            {"message_count", t.message_count},
            {"created_at", t.created_at},
            {"updated_at", t.updated_at}};
}

nlohmann::json with_messages(const std::pair<Ticket, std::vector<TicketMessage>>& tm) {
    auto out = to_json(tm.first);
    auto items = nlohmann::json::array();
    for (auto& m : tm.second) items.push_back(to_json(m));
    if (!tm.second.empty()) out["body"] = tm.second.front().body;
    out["messages"] = items;
    return out;
}

http::Response messages_page(const std::vector<TicketMessage>& messages) {
    auto items = nlohmann::json::array();
    for (auto& m : messages) items.push_back(to_json(m));
    return http::Response::json(http::page_json(std::move(items), std::nullopt));
}

http::Response tickets_page(const std::vector<Ticket>& rows, int limit) {
    return http::keyset_page(rows, limit, [](const Ticket& t) { return to_json(t); });
}

TicketFilter filter_of(const http::Request& req, bool platform) {
    TicketFilter f{req.query_param("status"), std::nullopt, req.query_param("priority"), std::nullopt};
    if (platform) {
        f.tenant_id = req.query_param("tenant_id");
        f.assignee_id = req.query_param("assignee_id");
    }
    return f;
}

std::string body_of(const http::Request& req) {
    auto body = req.json();
    http::JsonFields f(body);
    f.only({"body"});
    return f.text("body", 20000);
}

void register_tenant_routes(http::Router& router, TicketService& svc) {
    using http::Access;
    router.add({"POST", "/api/v1/tickets", Access::tenant_member, [&svc](http::Request& req) {
                    auto body = req.json();
                    http::JsonFields f(body);
                    f.only({"subject", "body", "category", "priority"});
                    NewTicket in{f.text("subject", 200), f.text("body", 20000), f.opt_text("category", 40),
                                 f.opt_text("priority", 20)};
                    auto t = svc.open(req.caller(), in, origin(req));
                    return http::Response::created(with_messages(svc.own(req.tenant_id(), t.id)));
                }});
    router.add({"GET", "/api/v1/tickets", Access::tenant_member, [&svc](http::Request& req) {
                    auto page = http::Page::from(req);
                    auto rows =
                        svc.list_own(req.tenant_id(), filter_of(req, false), page.limit, page.after_key, page.after_id);
                    return tickets_page(rows, page.limit);
                }});
    router.add({"GET", "/api/v1/tickets/{id}", Access::tenant_member, [&svc](http::Request& req) {
                    return http::Response::json(with_messages(svc.own(req.tenant_id(), req.param("id"))));
                }});
    router.add({"GET", "/api/v1/tickets/{id}/messages", Access::tenant_member, [&svc](http::Request& req) {
                    return messages_page(svc.own(req.tenant_id(), req.param("id")).second);
                }});
    router.add({"POST", "/api/v1/tickets/{id}/messages", Access::tenant_member, [&svc](http::Request& req) {
                    auto m = svc.reply_own(req.caller(), req.param("id"), body_of(req), origin(req));
                    return http::Response::created(to_json(m));
                }});
    router.add({"POST", "/api/v1/tickets/{id}/close", Access::tenant_member, [&svc](http::Request& req) {
                    return http::Response::json(to_json(svc.close_own(req.caller(), req.param("id"), origin(req))));
                }});
}

void register_admin_routes(http::Router& router, TicketService& svc) {
    using http::Access;
    router.add({"GET", "/api/v1/admin/tickets", Access::super_admin, [&svc](http::Request& req) {
                    auto page = http::Page::from(req);
                    return tickets_page(svc.list(filter_of(req, true), page.limit, page.after_key, page.after_id),
                                        page.limit);
                }});
    router.add({"GET", "/api/v1/admin/tickets/{id}", Access::super_admin,
                [&svc](http::Request& req) { return http::Response::json(with_messages(svc.get(req.param("id")))); }});
    router.add({"GET", "/api/v1/admin/tickets/{id}/messages", Access::super_admin,
                [&svc](http::Request& req) { return messages_page(svc.get(req.param("id")).second); }});
    router.add({"POST", "/api/v1/admin/tickets/{id}/messages", Access::super_admin, [&svc](http::Request& req) {
                    auto m = svc.reply(req.caller(), req.param("id"), body_of(req), origin(req));
                    return http::Response::created(to_json(m));
                }});
    router.add({"PATCH", "/api/v1/admin/tickets/{id}", Access::super_admin, [&svc](http::Request& req) {
                    auto body = req.json();
                    http::JsonFields f(body);
                    f.only({"status", "priority", "assignee_id"});
                    TicketChanges c{f.opt_text("status", 20), f.opt_text("priority", 20), std::nullopt};
                    if (body.contains("assignee_id")) c.assignee_id = f.opt_text("assignee_id", 36);
                    return http::Response::json(to_json(svc.update(req.caller(), req.param("id"), c, origin(req))));
                }});
}

}  // namespace

void register_ticket_routes(http::Router& router, TicketService& tickets) {
    register_tenant_routes(router, tickets);
    register_admin_routes(router, tickets);
}

}  // namespace dh::tickets
