#include "dispatch/dispatch_json.hpp"

#include <regex>

#include "common/error.hpp"
#include "common/strings.hpp"
#include "http/json_fields.hpp"
#include "mail/header_values.hpp"

namespace dh::dispatch {
namespace {

std::vector<std::string> uuid_array(const nlohmann::json& parent, const std::string& key, const std::string& field) {
    std::vector<std::string> out;
    if (!parent.contains(key) || parent[key].is_null()) return out;
    if (!parent[key].is_array()) throw Error::invalid_field(field, "must be an array of ids");
    for (auto& v : parent[key]) {
        if (!v.is_string() || !strings::is_uuid(v.get<std::string>()))
            throw Error::invalid_field(field, "must be an array of ids");
        out.push_back(strings::to_lower(v.get<std::string>()));
    }
    if (out.size() > 10000) throw Error::invalid_field(field, "at most 10,000 ids");
    return out;
}

/// "recipient_attachments": [{"attachment_id", "vendor_code"?}]
std::vector<RecipientAttachment> recipient_attachments(const nlohmann::json& body) {
    std::vector<RecipientAttachment> out;
    if (!body.contains("recipient_attachments") || body["recipient_attachments"].is_null()) return out;
    auto& items = body["recipient_attachments"];
    if (!items.is_array())
        throw Error::invalid_field("recipient_attachments", "must be an array of {attachment_id, vendor_code}");
    if (items.size() > 10000) throw Error::invalid_field("recipient_attachments", "at most 10,000 files");
    for (std::size_t i = 0; i < items.size(); ++i) {
        auto field = "recipient_attachments[" + std::to_string(i) + "]";
        if (!items[i].is_object()) throw Error::invalid_field(field, "must be an object with attachment_id");
        http::JsonFields f(items[i], field);
        f.only({"attachment_id", "vendor_code"});
        auto id = f.opt_text("attachment_id", 36);
        if (!id || !strings::is_uuid(*id))
            throw Error::invalid_field(field + ".attachment_id", "must be an attachment id");
        auto code = f.opt_text("vendor_code", 64);
        if (code && (code->empty() || strings::has_line_break_or_nul(*code)))
            throw Error::invalid_field(field + ".vendor_code", "must be a vendor code");
        out.push_back({strings::to_lower(*id), code});
    }
    return out;
}

std::optional<std::string> one_line(const http::JsonFields& f, const std::string& key, std::size_t max) {
    auto v = f.opt_text(key, max);
    if (v && strings::has_line_break_or_nul(*v)) throw Error::invalid_field(key, "must be one line (no CR or LF)");
    return v;
}

/// The members every answer of a dispatch has (its object's braces are the caller's).
void write_members(http::JsonWriter& out, const Dispatch& d) {
    long long done = 0;
    for (auto s : kDeliveryStates)
        if (auto it = d.counts.find(std::string(to_string(s))); !is_live(s) && it != d.counts.end()) done += it->second;
    out.key("id").string(d.id);
    out.key("status").string(to_string(d.status));
    out.key("subject").string(d.subject);
    out.key("body_markdown").string(d.body_markdown);
    out.key("body_html").string(d.body_html);
    out.key("from").begin_object().key("email").string(d.from_email).key("name").string(d.from_name).end_object();
    out.key("sender_identity_id").string(d.sender_identity_id);
    out.key("reply_to").string(d.reply_to);
    out.key("reference").string(d.reference);
    out.key("send_at").string(d.send_at);
    out.key("recipients").json_text(d.recipients_json);  // jsonb output of the stored object
    out.key("attachment_ids").begin_array();
    for (auto& id : d.attachment_ids) out.string(id);
    out.end_array();
    out.key("recipient_attachments").json_text(d.recipient_attachments_json);  // json_agg output
    out.key("recipients_total").number(d.recipients_total);
    out.key("counts").begin_object();
    for (auto& [status, n] : d.counts) out.key(status).number(n);
    out.end_object();
    out.key("progress")
        .fraction(d.recipients_total ? static_cast<double>(done) / static_cast<double>(d.recipients_total) : 1.0);
    out.key("is_test").boolean(d.is_test);
    out.key("created_at").string(d.created_at);
    out.key("updated_at").string(d.updated_at);
    out.key("completed_at").string(d.completed_at);
    out.key("relay_problem").string(d.relay_problem);
}

}  // namespace

void write_dispatch(http::JsonWriter& out, const Dispatch& d) {
    out.begin_object();
    write_members(out, d);
    out.end_object();
}

nlohmann::json to_json(const Delivery& d) {
    return {{"id", d.id},
            {"dispatch_id", d.dispatch_id},
            {"email", d.email},
            {"contact_name", d.contact_name},
            {"vendor_id", http::opt_json(d.vendor_id)},
            {"vendor_name", http::opt_json(d.vendor_name)},
            {"status", std::string(to_string(d.status))},
            {"attempts", d.attempts},
            {"reason", http::opt_json(d.reason)},
            {"last_error", http::opt_json(d.reason)},
            {"smtp_code", d.smtp_code ? nlohmann::json(*d.smtp_code) : nlohmann::json()},
            {"relay_reply", http::opt_json(d.relay_reply)},
            {"sent_at", http::opt_json(d.sent_at)},
            {"next_attempt_at", http::opt_json(d.next_attempt_at)},
            {"created_at", d.created_at},
            {"updated_at", d.updated_at}};
}

nlohmann::json to_json(const Usage& u) {
    return {{"period_start", u.period_start}, {"period_end", u.period_end}, {"limit", u.limit}, {"sent", u.sent},
            {"reserved", u.reserved},         {"remaining", u.remaining()}};
}

Recipients recipients_from_json(const nlohmann::json& body) {
    if (!body.contains("recipients") || !body["recipients"].is_object())
        throw Error::invalid_field("recipients", "must be an object with list_ids and/or vendor_ids");
    auto& rec = body["recipients"];
    http::JsonFields rf(rec, "recipients");
    rf.only({"list_ids", "vendor_ids", "contact_role"});
    Recipients r;
    r.list_ids = uuid_array(rec, "list_ids", "recipients.list_ids");
    r.vendor_ids = uuid_array(rec, "vendor_ids", "recipients.vendor_ids");
    r.contact_role = rf.opt_text("contact_role", 100);
    return r;
}

void write_view(http::JsonWriter& out, const DispatchView& v) {
    out.begin_object();
    write_members(out, v.dispatch);
    out.key("attachments").begin_array();
    for (auto& a : v.attachments)
        out.begin_object()
            .key("id")
            .string(a.id)
            .key("filename")
            .string(a.filename)
            .key("content_type")
            .string(a.content_type)
            .key("size_bytes")
            .number(a.size_bytes)
            .end_object();
    out.end_array();
    out.key("message").begin_object();
    out.key("subject").string(v.message.subject).key("text").string(v.message.text).key("html").string(v.message.html);
    out.end_object().end_object();
}

nlohmann::json to_json(const dispatch_reader_store::ResolvedRecipient& r) {
    return {
        {"vendor_id", r.vendor_id},   {"vendor_name", r.vendor_name},   {"vendor_code", http::opt_json(r.vendor_code)},
        {"contact_id", r.contact_id}, {"contact_name", r.contact_name}, {"role", http::opt_json(r.role)},
        {"email", r.email},           {"suppressed", r.suppressed}};
}

DispatchRequest request_from_json(const nlohmann::json& body, const char* route_field) {
    http::JsonFields f(body);
    std::vector<const char*> allowed = {
        "subject",        "body_markdown",         "body_html", "recipients", "sender_identity_id", "reply_to",
        "attachment_ids", "recipient_attachments", "send_at",   "reference"};
    if (route_field) allowed.push_back(route_field);
    f.only(allowed);
    DispatchRequest r;
    auto subject = one_line(f, "subject", 998);
    if (!subject || strings::trim(*subject).empty()) throw Error::invalid_field("subject", "is required");
    r.subject = *subject;
    r.body_markdown = f.opt_text("body_markdown", 512 * 1024);
    r.body_html = f.opt_text("body_html", 1024 * 1024);
    r.recipients = recipients_from_json(body);
    r.sender_identity_id = f.opt_text("sender_identity_id", 36);
    r.reply_to = one_line(f, "reply_to", 254);
    if (r.reply_to) r.reply_to = mail::normalized_header_address("reply_to", *r.reply_to);
    r.attachment_ids = uuid_array(body, "attachment_ids", "attachment_ids");
    r.recipient_attachments = recipient_attachments(body);
    r.reference = one_line(f, "reference", 200);
    r.send_at = f.opt_text("send_at", 40);
    static const std::regex iso(R"(^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$)");
    if (r.send_at && !std::regex_match(*r.send_at, iso))
        throw Error::invalid_field("send_at", "must be an ISO 8601 time with a zone, e.g. 2026-12-01T09:00:00Z");
    return r;
}

}  // namespace dh::dispatch
