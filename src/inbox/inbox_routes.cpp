#include "inbox/inbox_routes.hpp"

#include "auth/auth_service.hpp"
#include "common/error.hpp"
#include "dispatch/dispatch_json.hpp"
#include "http/json_fields.hpp"
#include "http/page_response.hpp"
#include "http/router.hpp"
#include "inbox/inbox_service.hpp"
#include "inbox/ses_inbound.hpp"

namespace dh::inbox {
namespace {

using nlohmann::json;

// Member by member rather than from an initializer list, which builds a two-element array per member
// first: a page has 50 of these, and that was a large share of the inbox page's CPU.
json summary(const InboxMessage& m) {
    json j(json::value_t::object);
    j["id"] = m.id;
    j["kind"] = m.kind;
    j["routed_by"] = m.routed_by;
    j["vendor_id"] = http::opt_json(m.vendor_id);
    j["vendor_name"] = http::opt_json(m.vendor_name);
    j["contact_id"] = http::opt_json(m.contact_id);
    j["dispatch_id"] = http::opt_json(m.dispatch_id);
    j["delivery_id"] = http::opt_json(m.delivery_id);
    json from(json::value_t::object);
    from["address"] = m.from_address;
    from["name"] = m.from_name;
    j["from"] = std::move(from);
    j["to"] = m.to_addresses;
    j["subject"] = m.subject;
    j["message_id"] = http::opt_json(m.message_id);
    j["in_reply_to"] = http::opt_json(m.in_reply_to);
    j["bounce_status"] = http::opt_json(m.bounce_status);
    j["diagnostic"] = http::opt_json(m.diagnostic);
    j["size_bytes"] = m.size_bytes;
    j["read"] = m.is_read;
    j["archived"] = m.archived;
    j["received_at"] = m.received_at;
    return j;
}

json message_detail(const InboxMessage& m) {
    auto j = summary(m);
    j["text"] = m.text_body;
    j["html_text"] = m.html_text;
    j["has_html"] = m.has_html;
    j["parse_error"] = http::opt_json(m.parse_error);
    j["envelope_from"] = m.envelope_from;
    json files = json::array();
    for (auto& a : m.attachments)
        files.push_back({{"id", a.id},
                         {"filename", a.filename},
                         {"content_type", a.content_type},
                         {"content_id", http::opt_json(a.content_id)},
                         {"inline", a.is_inline},
                         {"size_bytes", a.size_bytes}});
    j["attachments"] = files;
    return j;
}

std::optional<bool> bool_param(const http::Request& req, const std::string& name) {
    auto v = req.query_param(name);
    if (!v || v->empty()) return std::nullopt;
    if (*v == "true" || *v == "1") return true;
    if (*v == "false" || *v == "0") return false;
    throw Error::invalid_field(name, "must be true or false");
}

std::optional<std::string> text_param(const http::Request& req, const std::string& name) {
    auto v = req.query_param(name);
    if (v && v->empty()) return std::nullopt;
    return v;
}

/// A received file, always as a download: it comes from outside and must never render in our origin.
http::Response download(const InboxAttachment& a, const std::string& path) {
    std::string ascii;
    for (unsigned char c : a.filename)
        ascii += (c >= 0x20 && c < 0x7f && c != '"' && c != '\\' && c != '/') ? static_cast<char>(c) : '_';
    if (ascii.empty()) ascii = "attachment";
    http::Response r;
    r.content_type = "application/octet-stream";
    r.file_path = path;
    r.header("Content-Disposition", "attachment; filename=\"" + ascii + "\"");
    r.header("X-Content-Type-Options", "nosniff");
    return r;
}

}  // namespace

void register_inbox_routes(http::Router& router, InboxService& inbox) {
    using http::Access;
    router.add({"GET", "/api/v1/inbox", Access::tenant_member, [&inbox](http::Request& req) {
                    auto page = http::Page::from(req);
                    InboxFilter f;
                    f.unread_only = bool_param(req, "unread").value_or(false);
                    f.include_archived = bool_param(req, "archived").value_or(false);
                    f.vendor_id = text_param(req, "vendor_id");
                    f.dispatch_id = text_param(req, "dispatch_id");
                    f.kind = text_param(req, "kind");
                    auto rows = inbox.list(req.tenant_id(), f, page.limit, page.after_key, page.after_id);
                    return http::Response::json(http::keyset_json(
                        rows, page.limit, [](const InboxMessage& m) { return m.received_at; }, summary));
                }});
    router.add({"GET", "/api/v1/inbox/{id}", Access::tenant_member, [&inbox](http::Request& req) {
                    return http::Response::json(message_detail(inbox.get(req.tenant_id(), req.param("id"))));
                }});
    router.add(
        {"GET", "/api/v1/inbox/{id}/attachments/{attachment_id}", Access::tenant_member, [&inbox](http::Request& req) {
             auto [a, path] = inbox.attachment_file(req.tenant_id(), req.param("id"), req.param("attachment_id"));
             return download(a, path);
         }});
    router.add({"PATCH", "/api/v1/inbox/{id}", Access::tenant_member, [&inbox](http::Request& req) {
                    auto body = req.json();
                    http::JsonFields fields(body);
                    fields.only({"read", "archived"});
                    auto m = inbox.update(req.tenant_id(), req.param("id"), fields.opt_bool("read"),
                                          fields.opt_bool("archived"));
                    return http::Response::json(message_detail(m));
                }});
    router.add({"POST", "/api/v1/inbox/{id}/reply", Access::tenant_member, [&inbox](http::Request& req) {
                    auto body = req.json();
                    http::JsonFields fields(body);
                    fields.only({"body_markdown", "subject"});
                    auto d = inbox.reply(req.caller(), req.param("id"), fields.text("body_markdown", 100000),
                                         fields.opt_text("subject", 900), {req.client_ip, req.request_id});
                    return http::Response::created(dispatch::to_json(d));
                }});
    router.add({"GET", "/api/v1/admin/quarantine", Access::super_admin, [&inbox](http::Request& req) {
                    auto page = http::Page::from(req);
                    auto rows = inbox.quarantine(page.limit, page.after_key, page.after_id);
                    return http::Response::json(http::keyset_json(
                        rows, page.limit, [](const QuarantinedMessage& q) { return q.received_at; },
                        [](const QuarantinedMessage& q) {
                            return json{{"id", q.id},
                                        {"envelope_from", q.envelope_from},
                                        {"envelope_to", q.envelope_to},
                                        {"from", q.from_address},
                                        {"subject", q.subject},
                                        {"message_id", http::opt_json(q.message_id)},
                                        {"reason", q.reason},
                                        {"size_bytes", q.size_bytes},
                                        {"received_at", q.received_at}};
                        }));
                }});
    router.add({"GET", "/api/v1/vendors/{id}/messages", Access::tenant_member, [&inbox](http::Request& req) {
                    auto page = http::Page::from(req);
                    auto rows = inbox.vendor_thread(req.tenant_id(), req.param("id"), page.limit, page.after_key,
                                                    page.after_id);
                    return http::Response::json(http::keyset_json(
                        rows, page.limit, [](const ThreadEntry& e) { return e.at; },
                        [](const ThreadEntry& e) {
                            return json{{"direction", e.direction},
                                        {"id", e.id},
                                        {"at", e.at},
                                        {"subject", e.subject},
                                        {"address", e.address},
                                        {"status", e.status},
                                        {"dispatch_id", http::opt_json(e.dispatch_id)}};
                        }));
                }});
}

void register_inbound_routes(http::Router& router, SesInbound& ses) {
    // SNS posts with Content-Type text/plain; the body is JSON either way.
    router.add({"POST", "/api/v1/inbound/ses", http::Access::public_,
                [&ses](http::Request& req) {
                    auto r = ses.handle(req.body);
                    json out = {{"type", r.type},
                                {"event", r.event},
                                {"inbox_ids", r.outcome.inbox_ids},
                                {"bounced", r.outcome.bounced}};
                    if (r.outcome.quarantine_id) out["quarantined"] = true;
                    return http::Response::json(out);
                },
                std::size_t{1} << 20});
}

}  // namespace dh::inbox
