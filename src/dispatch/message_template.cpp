#include "dispatch/message_template.hpp"

#include <nlohmann/json.hpp>
#include <vector>

#include "common/error.hpp"
#include "common/random.hpp"
#include "mail/markdown.hpp"

namespace dh::dispatch {
namespace {

MergeTemplate parse_in(std::string_view text, const char* where) {
    try {
        return MergeTemplate::parse(text);
    } catch (Error& e) {
        // The request field holding the text, so the form can point at it.
        e.with("in", where);
        e.item({{"field", std::string(where)}, {"reason", e.message()}});
        throw;
    }
}

/// A placeholder prefix that does not occur in `source` (so only our placeholders are swapped back).
std::string fresh_prefix(std::string_view source) {
    while (true) {
        std::string prefix = "DHMF" + random::hex(6) + "X";
        if (source.find(prefix) == std::string_view::npos) return prefix;
    }
}

bool is_whole_document(std::string_view html) {
    auto head = html.substr(0, 1024);
    for (std::string_view marker : {"<html", "<HTML", "<!DOCTYPE", "<!doctype"}) {
        if (head.find(marker) != std::string_view::npos) return true;
    }
    return false;
}

}  // namespace

std::set<std::string> MessageTemplate::fields() const {
    std::set<std::string> all = subject.fields();
    all.insert(text.fields().begin(), text.fields().end());
    all.insert(html.fields().begin(), html.fields().end());
    return all;
}

std::set<std::string> MessageTemplate::required_fields() const {
    std::set<std::string> all = subject.required_fields();
    all.insert(text.required_fields().begin(), text.required_fields().end());
    all.insert(html.required_fields().begin(), html.required_fields().end());
    return all;
}

MessageTemplate prepare_markdown_message(std::string_view subject, std::string_view body_markdown) {
    MessageTemplate t;
    t.subject = parse_in(subject, "subject");
    auto body = parse_in(body_markdown, "body_markdown");
    std::string prefix = fresh_prefix(body_markdown);
    std::vector<MergeField> fields;
    std::string source = body.with_placeholders(prefix, fields);
    t.html = MergeTemplate::from_placeholders(mail::html_document(mail::markdown_to_html(source)), prefix, fields);
    t.text = MergeTemplate::from_placeholders(mail::markdown_to_text(source), prefix, fields);
    return t;
}

MessageTemplate prepare_html_message(std::string_view subject, std::string_view body_html) {
    MessageTemplate t;
    t.subject = parse_in(subject, "subject");
    auto body = parse_in(body_html, "body_html");
    std::string prefix = fresh_prefix(body_html);
    std::vector<MergeField> fields;
    std::string source = body.with_placeholders(prefix, fields);
    std::string html = is_whole_document(source) ? source : mail::html_document(source);
    t.html = MergeTemplate::from_placeholders(html, prefix, fields);
    t.text = MergeTemplate::from_placeholders(mail::html_to_text(source), prefix, fields);
    return t;
}

RenderedMessage render_message(const MessageTemplate& tmpl, const MergeContext& ctx) {
    return {render_subject(tmpl.subject, ctx), tmpl.text.render(ctx, Escape::none),
            tmpl.html.render(ctx, Escape::html)};
}

std::string render_subject(const MergeTemplate& subject, const MergeContext& ctx) {
    return subject.render(ctx, Escape::single_line);
}

std::string render_subject(std::string_view subject, const MergeContext& ctx) {
    return render_subject(parse_in(subject, "subject"), ctx);
}

MergeContext recipient_context(std::optional<std::string> vendor_name, std::optional<std::string> vendor_code,
                               std::optional<std::string> contact_name, std::optional<std::string> contact_email,
                               const std::string& custom_fields_json) {
    MergeContext ctx;
    ctx.vendor_name = std::move(vendor_name);
    ctx.vendor_code = std::move(vendor_code);
    ctx.contact_name = std::move(contact_name);
    ctx.contact_email = std::move(contact_email);
    const auto parsed = nlohmann::json::parse(custom_fields_json.empty() ? "{}" : custom_fields_json, nullptr, false);
    if (parsed.is_object())
        for (auto& [k, v] : parsed.items())
            if (v.is_string()) ctx.vendor_custom[k] = v.get<std::string>();
    return ctx;
}

MergeContext readable_context(const std::set<std::string>& fields) {
    MergeContext ctx;
    auto shown = [](const std::string& field) { return "\u2039" + field + "\u203a"; };
    for (auto& field : fields) {
        if (auto key = custom_key(field))
            ctx.vendor_custom[*key] = shown(field);
        else if (field == "vendor.name")
            ctx.vendor_name = shown(field);
        else if (field == "vendor.code")
            ctx.vendor_code = shown(field);
        else if (field == "contact.name")
            ctx.contact_name = shown(field);
        else if (field == "contact.email")
            ctx.contact_email = shown(field);
        else if (field == "tenant.name")
            ctx.tenant_name = shown(field);
        else if (field == "dispatch.reference")
            ctx.dispatch_reference = shown(field);
    }
    return ctx;
}

}  // namespace dh::dispatch
