#include "dispatch/dispatch_routes.hpp"

#include "common/digest.hpp"
#include "common/error.hpp"
#include "common/strings.hpp"
#include "dispatch/attachment_service.hpp"
#include "dispatch/dispatch_json.hpp"
#include "dispatch/dispatch_service.hpp"
#include "http/json_fields.hpp"
#include "http/page_response.hpp"
#include "http/route_support.hpp"
#include "http/router.hpp"

namespace dh::dispatch {
namespace {

using http::origin;

/// The `status` query parameter: absent or empty for every state, else a state's name (422 otherwise).
template <class State>
std::optional<State> status_filter(const http::Request& req, std::optional<State> (*parse)(std::string_view)) {
    auto s = req.query_param("status");
    if (!s || s->empty()) return std::nullopt;
    if (auto state = parse(*s)) return state;
    throw Error::invalid_field("status", "is not a known state: " + *s);
}

/// A dispatch as every answer but the read of one shows it (see write_dispatch).
http::Response dispatch_answer(const Dispatch& d, int status = 200) {
    return http::written([&](http::JsonWriter& out) { write_dispatch(out, d); }, status);
}

void register_compose(http::Router& router, DispatchService& svc) {
    using http::Access;
    router.add({"POST", "/api/v1/dispatches", Access::tenant_member,
                [&svc](http::Request& req) {
                    auto body = req.json();
                    auto request = request_from_json(body);
                    std::optional<std::string> key;
                    if (auto k = req.header("idempotency-key"); !k.empty()) {
                        if (k.size() > 200) throw Error::invalid_field("Idempotency-Key", "at most 200 characters");
                        key = std::string(k);
                    }
                    auto result = svc.create(req.caller(), request, key, digest::sha256_hex(body.dump()), origin(req));
                    auto r = dispatch_answer(result.dispatch, result.replayed ? 200 : 201);
                    if (result.replayed) r.header("Idempotent-Replayed", "true");
                    return r;
                },
                4 << 20});
    router.add({"POST", "/api/v1/dispatches/preview", Access::tenant_member,
                [&svc](http::Request& req) {
                    auto body = req.json();
                    std::optional<std::string> vendor_id;
                    if (body.contains("vendor_id") && body["vendor_id"].is_string()) vendor_id = body["vendor_id"];
                    auto p = svc.preview(req.tenant_id(), request_from_json(body, "vendor_id"), vendor_id);
                    nlohmann::json missing = nlohmann::json::array();
                    for (auto& [field, count] : p.recipients.missing)
                        missing.push_back({{"field", field}, {"count", count}});
                    return http::Response::json({{"to", p.to},
                                                 {"subject", p.subject},
                                                 {"text", p.text},
                                                 {"html", p.html},
                                                 {"recipients_total", p.recipients_total},
                                                 {"excluded",
                                                  {{"suppressed", p.recipients.suppressed},
                                                   {"no_matching_contact", p.recipients.no_matching_contact},
                                                   {"inactive", p.recipients.inactive}}},
                                                 {"missing_values", missing}});
                },
                4 << 20});
    router.add({"POST", "/api/v1/dispatches/test", Access::tenant_member,
                [&svc](http::Request& req) {
                    auto body = req.json();
                    auto to = http::JsonFields(body).text("to", 254);
                    auto d = svc.test_send(req.caller(), request_from_json(body, "to"), to, origin(req));
                    return dispatch_answer(d, 202);
                },
                4 << 20});
}

void register_views(http::Router& router, DispatchReader& reader) {
    using http::Access;
    router.add({"GET", "/api/v1/dispatches/{id}", Access::tenant_member, [&reader](http::Request& req) {
                    auto view = reader.view(req.tenant_id(), req.param("id"));
                    return http::written([&](http::JsonWriter& out) { write_view(out, view); });
                }});
    router.add({"POST", "/api/v1/dispatches/preview/recipients", Access::tenant_member, [&reader](http::Request& req) {
                    auto body = req.json();
                    http::JsonFields f(body);
                    f.only({"recipients", "q", "missing_field"});
                    auto page = http::Page::from(req);
                    dispatch_reader_store::RecipientFilter filter{f.opt_text("q", 200),
                                                                  f.opt_text("missing_field", 200), page.limit,
                                                                  page.after_key, page.after_id};
                    if (filter.search && strings::trim(*filter.search).empty()) filter.search.reset();
                    auto result = reader.recipients(req.tenant_id(), recipients_from_json(body), filter);
                    auto items = nlohmann::json::array();
                    for (auto& r : result.items) items.push_back(to_json(r));
                    std::optional<std::string> next;
                    if (static_cast<int>(result.items.size()) == page.limit)
                        next = http::Page::cursor(result.items.back().email, result.items.back().contact_id);
                    auto answer = http::page_json(std::move(items), next);
                    answer["total"] = result.total;
                    return http::Response::json(answer);
                }});
    router.add({"GET", "/api/v1/vendors/{id}/sent-subjects", Access::tenant_member, [&reader](http::Request& req) {
                    auto ids_param = req.query_param("ids").value_or("");
                    std::vector<std::string> ids;
                    if (!ids_param.empty()) ids = strings::split(ids_param, ',');
                    auto items = nlohmann::json::array();
                    for (auto& s : reader.sent_subjects(req.tenant_id(), req.param("id"), ids))
                        items.push_back({{"delivery_id", s.delivery_id}, {"subject", s.subject}});
                    return http::Response::json(http::page_json(std::move(items), std::nullopt));
                }});
}

void register_reading(http::Router& router, DispatchService& svc) {
    using http::Access;
    router.add({"GET", "/api/v1/dispatches", Access::tenant_member, [&svc](http::Request& req) {
                    auto page = http::Page::from(req);
                    auto rows = svc.list(req.tenant_id(), page.limit, page.after_key, page.after_id,
                                         status_filter(req, &dispatch_state_from));
                    return http::keyset_written(
                        rows, page.limit, [](const Dispatch& d) { return d.created_at; }, write_dispatch);
                }});
    router.add({"GET", "/api/v1/dispatches/{id}/deliveries", Access::tenant_member, [&svc](http::Request& req) {
                    auto page = http::Page::from(req);
                    auto rows = svc.deliveries(req.tenant_id(), req.param("id"), page.limit, page.after_key,
                                               page.after_id, status_filter(req, &delivery_state_from));
                    return http::Response::json(http::keyset_json(
                        rows, page.limit, [](const Delivery& d) { return d.email; },
                        [](const Delivery& d) { return to_json(d); }));
                }});
    router.add({"GET", "/api/v1/usage", Access::tenant_member,
                [&svc](http::Request& req) { return http::Response::json(to_json(svc.usage(req.tenant_id()))); }});
}

void register_controls(http::Router& router, DispatchService& svc) {
    using http::Access;
    using Control = Dispatch (DispatchService::*)(const auth::Principal&, const std::string&, const auth::Origin&);
    const std::pair<DispatchAction, Control> controls[] = {
        {DispatchAction::pause, &DispatchService::pause},
        {DispatchAction::resume, &DispatchService::resume},
        {DispatchAction::cancel, &DispatchService::cancel},
        {DispatchAction::retry_failed, &DispatchService::retry_failed}};
    for (auto& [action, fn] : controls) {
        router.add({"POST", "/api/v1/dispatches/{id}/" + std::string(to_string(action)), Access::tenant_member,
                    [&svc, fn = fn](http::Request& req) {
                        return dispatch_answer((svc.*fn)(req.caller(), req.param("id"), origin(req)));
                    }});
    }
}

void register_approval(http::Router& router, DispatchService& svc) {
    using http::Access;
    router.add({"POST", "/api/v1/dispatches/{id}/approve", Access::tenant_admin, [&svc](http::Request& req) {
                    return dispatch_answer(svc.approve(req.caller(), req.param("id"), origin(req)));
                }});
    router.add({"GET", "/api/v1/settings/approval", Access::tenant_member, [&svc](http::Request& req) {
                    auto t = svc.approval_threshold(req.tenant_id());
                    return http::Response::json({{"approval_threshold", t ? nlohmann::json(*t) : nlohmann::json()}});
                }});
    router.add({"PUT", "/api/v1/settings/approval", Access::tenant_admin, [&svc](http::Request& req) {
                    auto body = req.json();
                    http::JsonFields f(body);
                    f.only({"approval_threshold"});
                    auto t = f.opt_int("approval_threshold", 1, 1'000'000'000);
                    svc.set_approval_threshold(req.caller(), t, origin(req));
                    return http::Response::json({{"approval_threshold", t ? nlohmann::json(*t) : nlohmann::json()}});
                }});
}

nlohmann::json identity_json(const dispatch_store::SenderIdentity& s) {
    return {{"id", s.id}, {"email", s.email}, {"name", s.name}, {"is_default", s.is_default}};
}

nlohmann::json attachment_json(const AttachmentInfo& a) {
    return {{"id", a.id},
            {"filename", a.filename},
            {"content_type", a.content_type},
            {"size_bytes", a.size_bytes},
            {"sha256", a.sha256},
            {"created_at", a.created_at}};
}

void register_senders_and_files(http::Router& router, DispatchService& svc, AttachmentService& files) {
    using http::Access;
    router.add({"GET", "/api/v1/sender-identities", Access::tenant_member, [&svc](http::Request& req) {
                    auto items = nlohmann::json::array();
                    for (auto& s : svc.sender_identities(req.tenant_id())) items.push_back(identity_json(s));
                    return http::Response::json(http::page_json(std::move(items), std::nullopt));
                }});
    router.add({"POST", "/api/v1/sender-identities", Access::tenant_admin, [&svc](http::Request& req) {
                    auto body = req.json();
                    http::JsonFields f(body);
                    f.only({"email", "name", "is_default"});
                    auto s = svc.add_sender_identity(req.caller(), f.text("email", 254),
                                                     f.opt_text("name", 200).value_or(""),
                                                     f.opt_bool("is_default").value_or(false), origin(req));
                    return http::Response::created(identity_json(s));
                }});
    router.add({"DELETE", "/api/v1/sender-identities/{id}", Access::tenant_admin, [&svc](http::Request& req) {
                    svc.remove_sender_identity(req.caller(), req.param("id"), origin(req));
                    return http::Response::no_content();
                }});
    router.add({"POST", "/api/v1/attachments", Access::tenant_member,
                [&files](http::Request& req) {
                    auto name = req.query_param("filename").value_or(std::string(req.header("x-filename")));
                    return http::Response::created(attachment_json(files.store(req.caller(), name, req.body_file)));
                },
                static_cast<std::size_t>(AttachmentService::kMaxFileBytes), true});
    router.add({"GET", "/api/v1/attachments/{id}", Access::tenant_member, [&files](http::Request& req) {
                    auto a = files.get(req.tenant_id(), req.param("id"));
                    if (!a) throw Error::not_found("Attachment");
                    return http::Response::json(attachment_json(*a));
                }});
}

}  // namespace

void register_dispatch_routes(http::Router& router, DispatchService& dispatches, AttachmentService& attachments,
                              DispatchReader& reader) {
    register_compose(router, dispatches);
    register_views(router, reader);
    register_reading(router, dispatches);
    register_controls(router, dispatches);
    register_approval(router, dispatches);
    register_senders_and_files(router, dispatches, attachments);
}

}  // namespace dh::dispatch
