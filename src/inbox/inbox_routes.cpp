#include "inbox/inbox_routes.hpp"

#include "auth/auth_service.hpp"
#include "common/error.hpp"
#include "dispatch/dispatch_json.hpp"
#include "http/json_fields.hpp"
#include "http/json_writer.hpp"
#include "http/page_response.hpp"
#include "http/router.hpp"
#include "inbox/inbox_service.hpp"
#include "inbox/ses_inbound.hpp"

namespace dh::inbox {
namespace {

using nlohmann::json;

// Written straight into the answer (http::JsonWriter): a page has 50 of these, and building them
// as nlohmann::json trees was most of the inbox page's CPU.
void write_summary_members(http::JsonWriter& out, const InboxMessage& m) {
    out.key("id").string(m.id);
    out.key("kind").string(m.kind);
    out.key("routed_by").string(m.routed_by);
    out.key("vendor_id").string(m.vendor_id);
    out.key("vendor_name").string(m.vendor_name);
    out.key("contact_id").string(m.contact_id);
    out.key("dispatch_id").string(m.dispatch_id);
    out.key("delivery_id").string(m.delivery_id);
    out.key("from").begin_object().key("address").string(m.from_address).key("name").string(m.from_name).end_object();
    out.key("to").string(m.to_addresses);
    out.key("subject").string(m.subject);
    out.key("message_id").string(m.message_id);
    out.key("in_reply_to").string(m.in_reply_to);
    out.key("bounce_status").string(m.bounce_status);
    out.key("diagnostic").string(m.diagnostic);
    out.key("size_bytes").number(m.size_bytes);
    out.key("read").boolean(m.is_read);
    out.key("archived").boolean(m.archived);
    out.key("received_at").string(m.received_at);
}

void write_summary(http::JsonWriter& out, const InboxMessage& m) {
    out.begin_object();
    write_summary_members(out, m);
    out.end_object();
}

void write_detail(http::JsonWriter& out, const InboxMessage& m) {
    out.begin_object();
    write_summary_members(out, m);
    out.key("text").string(m.text_body);
    out.key("html_text").string(m.html_text);
    out.key("has_html").boolean(m.has_html);
    out.key("parse_error").string(m.parse_error);
    out.key("envelope_from").string(m.envelope_from);
    out.key("attachments").begin_array();
    for (auto& a : m.attachments) {
        out.begin_object();
        out.key("id").string(a.id);
        out.key("filename").string(a.filename);
        out.key("content_type").string(a.content_type);
        out.key("content_id").string(a.content_id);
        out.key("inline").boolean(a.is_inline);
        out.key("size_bytes").number(a.size_bytes);
        out.end_object();
    }
    out.end_array().end_object();
}

http::Response message_detail(const InboxMessage& m) {
    return http::written([&](http::JsonWriter& out) { write_detail(out, m); });
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
                    return http::keyset_written(
                        rows, page.limit, [](const InboxMessage& m) { return m.received_at; }, write_summary);
                }});
    router.add({"GET", "/api/v1/inbox/{id}", Access::tenant_member,
                [&inbox](http::Request& req) { return message_detail(inbox.get(req.tenant_id(), req.param("id"))); }});
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
                    return message_detail(m);
                }});
    router.add({"POST", "/api/v1/inbox/{id}/reply", Access::tenant_member, [&inbox](http::Request& req) {
                    auto body = req.json();
                    http::JsonFields fields(body);
                    fields.only({"body_markdown", "subject"});
                    auto d = inbox.reply(req.caller(), req.param("id"), fields.text("body_markdown", 100000),
                                         fields.opt_text("subject", 900), {req.client_ip, req.request_id});
                    return http::written([&](http::JsonWriter& out) { dispatch::write_dispatch(out, d); }, 201);
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
