#include "dispatch/dispatch_service.hpp"

#include <nlohmann/json.hpp>

#include "audit/audit.hpp"
#include "common/error.hpp"
#include "common/strings.hpp"
#include "db/tx.hpp"
#include "dispatch/message_template.hpp"
#include "dispatch/recipient_attachment_store.hpp"
#include "domains/sender_domain.hpp"
#include "mail/header_values.hpp"

namespace dh::dispatch {
namespace {

using namespace dispatch_store;

/// Checks what every kind of send shares (the subject as the builder will see it, the body) and
/// parses the templates.
MessageTemplate prepare(const DispatchRequest& r) {
    mail::check_subject("subject", r.subject);
    if (r.body_markdown && r.body_html)
        throw Error::invalid_field("body_html", "give body_markdown or body_html, not both");
    if (r.body_html) return prepare_html_message(r.subject, *r.body_html);
    if (r.body_markdown) return prepare_markdown_message(r.subject, *r.body_markdown);
    throw Error::invalid_field("body_markdown", "is required (or body_html)");
}

nlohmann::json recipients_json(const Recipients& r) {
    return {{"list_ids", r.list_ids},
            {"vendor_ids", r.vendor_ids},
            {"contact_role", r.contact_role ? nlohmann::json(*r.contact_role) : nlohmann::json()}};
}

Error quota_error(long long remaining, long long wanted) {
    return Error(ErrorKind::quota_exceeded, "quota_exceeded",
                 "This dispatch needs " + std::to_string(wanted) + " emails but only " + std::to_string(remaining) +
                     " remain in this billing period.")
        .with("remaining", static_cast<std::int64_t>(remaining))
        .with("requested", static_cast<std::int64_t>(wanted));
}

/// Attachments must be the tenant's own, and the encoded message must stay within the plan's size.
/// Returns the shared attachments' total size.
long long check_attachments(db::Tx& tx, const std::vector<std::string>& ids, long long limit_bytes) {
    for (auto& id : ids)
        if (!strings::is_uuid(id)) throw Error::invalid_field("attachment_ids", "no such attachment: " + id);
    auto [found, bytes] = attachments_found(tx, ids);
    if (found != static_cast<long long>(ids.size())) throw Error::invalid_field("attachment_ids", "no such attachment");
    if (bytes * 4 / 3 > limit_bytes)
        throw Error::invalid_field("attachment_ids", "the attachments exceed " + std::to_string(limit_bytes) +
                                                         " bytes per message after encoding");
    return bytes;
}

/// Per-recipient files: each must be the tenant's, for a vendor that is a recipient of this dispatch,
/// and each vendor's message (shared plus its own files) must stay within the plan's size.
/// A test send goes to the sample vendor only: files for other vendors are then skipped, not refused.
void attach_recipient_files(db::Tx& tx, const std::string& tenant_id, const std::string& dispatch_id,
                            const std::vector<RecipientAttachment>& items, long long shared_bytes,
                            long long limit_bytes, bool skip_other_vendors = false) {
    if (items.empty()) return;
    auto resolved = recipient_attachment_store::resolve(tx, dispatch_id, items);
    std::vector<std::string> vendor_ids, attachment_ids;
    for (std::size_t i = 0; i < resolved.size(); ++i) {
        auto& r = resolved[i];
        auto field = "recipient_attachments[" + std::to_string(i) + "]";
        if (!r.attachment_found) throw Error::invalid_field(field + ".attachment_id", "no such attachment");
        if (!r.vendor_code)
            throw Error::invalid_field(field + ".vendor_code",
                                       "give the vendor code (none in the file name " + r.filename + ")");
        if (!r.vendor_exists)
            throw Error::invalid_field(field + ".vendor_code", "no vendor has the code " + *r.vendor_code);
        if (!r.recipient_vendor_id && skip_other_vendors) continue;
        if (!r.recipient_vendor_id)
            throw Error::invalid_field(field + ".vendor_code",
                                       "vendor " + *r.vendor_code + " is not a recipient of this dispatch");
        vendor_ids.push_back(*r.recipient_vendor_id);
        attachment_ids.push_back(items[i].attachment_id);
    }
    if (vendor_ids.empty()) return;
    recipient_attachment_store::insert(tx, tenant_id, dispatch_id, vendor_ids, attachment_ids);
    auto largest = shared_bytes + recipient_attachment_store::largest_per_vendor_bytes(tx, dispatch_id);
    if (largest * 4 / 3 > limit_bytes)
        throw Error::invalid_field(
            "recipient_attachments",
            "a vendor's attachments exceed " + std::to_string(limit_bytes) + " bytes per message after encoding");
}

void check_recipients_exist(db::Tx& tx, const Recipients& r) {
    if (auto id = unknown_list(tx, r.list_ids))
        throw Error::invalid_field("recipients.list_ids", "no such list: " + *id);
    if (auto id = unknown_vendor(tx, r.vendor_ids))
        throw Error::invalid_field("recipients.vendor_ids", "no such vendor: " + *id);
}

void throw_missing_value(const std::string& field, const std::string& who) {
    throw Error(ErrorKind::unprocessable, "missing_merge_value",
                "Recipient " + who + " has no value for {{" + field + "}}.")
        .with("field", field)
        .with("recipient", who);
}

/// {{dispatch.reference}} needs the dispatch to have a reference.
void check_reference_value(const MessageTemplate& tmpl, const DispatchRequest& req) {
    if (tmpl.required_fields().count("dispatch.reference") && (!req.reference || req.reference->empty()))
        throw Error(ErrorKind::unprocessable, "missing_merge_value",
                    "The message uses {{dispatch.reference}} but the dispatch has no reference.")
            .with("field", "dispatch.reference");
}

/// The merge fields whose value comes from each recipient and that have no default, in the
/// template's order (a field with a default is never missing).
std::vector<std::string> recipient_fields(const MessageTemplate& tmpl) {
    std::vector<std::string> out;
    for (auto& field : tmpl.required_fields())
        if (is_recipient_field(field)) out.push_back(field);
    return out;
}

/// Every recipient must have a value for every merge field used: a broken mail is refused now,
/// naming the recipient, not sent later. (Dispatches to lists check this inside the fan-out.)
void check_merge_values(db::Tx& tx, const std::string& dispatch_id, const MessageTemplate& tmpl,
                        const DispatchRequest& req) {
    check_reference_value(tmpl, req);
    for (auto& field : recipient_fields(tmpl))
        if (auto who = recipient_missing(tx, dispatch_id, field)) throw_missing_value(field, *who);
}

struct From {
    std::string email, name;
    std::optional<std::string> identity_id;
};

/// An identity sends only from a domain the tenant proved (one that fails its check now is
/// accepted: the dispatch holds until the domain verifies again).
From proven(db::Tx& tx, const std::string& tenant_id, const SenderIdentity& id, const std::string& mail_domain) {
    auto slug = tenant_name_and_slug(tx, tenant_id).second;
    domains::require_sending_domain(tx, id.email, {slug, mail_domain, true}, "sender_identity_id");
    return {id.email, id.name, id.id};
}

/// The dispatch's sender: the given identity, the tenant's default one, or <slug>@MAIL_DOMAIN.
From sender(db::Tx& tx, const std::string& tenant_id, const std::optional<std::string>& identity_id,
            const std::string& mail_domain) {
    if (identity_id) {
        auto id = strings::is_uuid(*identity_id) ? sender_identity(tx, *identity_id) : std::nullopt;
        if (!id) throw Error::invalid_field("sender_identity_id", "no such sender identity");
        return proven(tx, tenant_id, *id, mail_domain);
    }
    if (auto d = default_sender_identity(tx)) return proven(tx, tenant_id, *d, mail_domain);
    auto [name, slug] = tenant_name_and_slug(tx, tenant_id);
    return {slug + "@" + mail_domain, name, std::nullopt};
}

/// The columns every kind of dispatch takes from its request and sender.
NewDispatch new_dispatch(const std::string& tenant_id, DispatchState state, const DispatchRequest& req,
                         const From& from, const std::string& period_start, const auth::Principal& caller) {
    NewDispatch d{
        tenant_id,   state, req.subject, from.email, from.name, period_start, recipients_json(req.recipients).dump(),
        caller.label};
    d.body_markdown = req.body_markdown;
    d.body_html = req.body_html;
    d.reply_to = req.reply_to;
    return d;
}

}  // namespace

CreateResult DispatchService::create(const auth::Principal& caller, const DispatchRequest& req,
                                     const std::optional<std::string>& key, const std::string& request_hash,
                                     const auth::Origin& origin) {
    auto tmpl = prepare(req);
    if (req.recipients.list_ids.empty() && req.recipients.vendor_ids.empty())
        throw Error::invalid_field("recipients", "choose at least one list or vendor");
    const auto& tenant_id = *caller.tenant_id;
    return db::with_tx(pool_, db::Scope::tenant(tenant_id), [&](db::Tx& tx) -> CreateResult {
        if (key) {
            auto claim = claim_idempotency_key(tx, tenant_id, *key, request_hash);
            if (!claim.fresh) {
                if (claim.request_hash != request_hash)
                    throw Error::conflict("idempotency_key_reused",
                                          "This Idempotency-Key was used with a different request.");
                if (!claim.dispatch_id)
                    throw Error::conflict("idempotency_key_in_use",
                                          "A request with this Idempotency-Key is in progress.");
                return {*by_id(tx, *claim.dispatch_id), true};
            }
        }
        check_recipients_exist(tx, req.recipients);
        if (req.send_at && dispatch_store::in_past(tx, *req.send_at))
            throw Error::invalid_field("send_at", "lies in the past; choose a later time or send now");
        auto limits = dispatch_store::limits(tx, tenant_id);
        auto shared_bytes = check_attachments(tx, req.attachment_ids, limits.attachment_bytes);
        auto [period_start, period_end] = current_period(tx, tenant_id);
        auto from = sender(tx, tenant_id, req.sender_identity_id, mail_domain_);
        auto d = new_dispatch(tenant_id, req.send_at ? DispatchState::scheduled : DispatchState::queued, req, from,
                              period_start, caller);
        d.send_at = req.send_at;
        d.reference = req.reference;
        d.sender_identity_id = from.identity_id;
        if (caller.kind == auth::Principal::Kind::user) d.created_by = caller.id;
        d.attachment_ids = req.attachment_ids;
        check_reference_value(tmpl, req);
        auto id = insert_dispatch(tx, d);
        auto required = recipient_fields(tmpl);
        auto fan = fan_out(tx, tenant_id, id, req.recipients, required);
        if (fan.queued + fan.suppressed == 0)
            throw Error::invalid_field("recipients", "the chosen lists and vendors have no active contacts");
        if (fan.queued > limits.recipients_per_dispatch)
            throw Error(ErrorKind::quota_exceeded, "recipients_limit_exceeded",
                        "The plan allows " + std::to_string(limits.recipients_per_dispatch) +
                            " recipients per dispatch; this one has " + std::to_string(fan.queued) + ".")
                .with("limit", static_cast<std::int64_t>(limits.recipients_per_dispatch));
        for (std::size_t i = 0; i < required.size(); ++i)
            if (fan.missing[i]) throw_missing_value(required[i], *fan.missing[i]);
        attach_recipient_files(tx, tenant_id, id, req.recipient_attachments, shared_bytes, limits.attachment_bytes);
        if (!reserve(tx, tenant_id, period_start, period_end, fan.queued, limits.emails_per_period))
            throw quota_error(dispatch_store::usage(tx, tenant_id, limits.emails_per_period).remaining(), fan.queued);
        // Quota is reserved either way; a dispatch above the tenant's approval threshold waits.
        auto threshold = dispatch_store::approval_threshold(tx);
        bool held = threshold && fan.queued > *threshold;
        set_totals(tx, id, fan.queued + fan.suppressed,
                   fan.queued == 0 ? DispatchState::completed
                   : held          ? DispatchState::pending_approval
                                   : d.status);
        if (key) bind_idempotency_key(tx, *key, id);
        if (!held) notify_workers(tx, id);
        auto e = audit::by(caller, origin.request_id, origin.client_ip, "dispatch.created", "dispatch", id);
        e.details = {{"recipients", fan.queued}, {"suppressed", fan.suppressed}, {"subject", req.subject}};
        audit::record(tx, e);
        return {*by_id(tx, id), false};
    });
}

Preview DispatchService::preview(const std::string& tenant_id, const DispatchRequest& req,
                                 const std::optional<std::string>& vendor_id) {
    auto tmpl = prepare(req);
    return db::with_tx(pool_, db::Scope::tenant(tenant_id), [&](db::Tx& tx) {
        check_recipients_exist(tx, req.recipients);
        auto sample = sample_recipient(tx, tenant_id, req.recipients, vendor_id);
        if (!sample) throw Error::invalid_field("recipients", "the chosen lists and vendors have no active contacts");
        auto ctx = recipient_context(sample->vendor_name, sample->vendor_code, sample->contact_name, sample->email,
                                     sample->custom_json);
        ctx.tenant_name = tenant_name_and_slug(tx, tenant_id).first;
        ctx.dispatch_reference = req.reference;
        auto rendered = render_message(tmpl, ctx);
        auto summary = summarize_recipients(tx, tenant_id, req.recipients, recipient_fields(tmpl));
        return Preview{sample->email, rendered.subject,         rendered.text,
                       rendered.html, summary.recipients_total, summary};
    });
}

Dispatch DispatchService::test_send(const auth::Principal& caller, const DispatchRequest& req, const std::string& to,
                                    const auth::Origin& origin) {
    return single(caller, req, to, true, origin);
}

Dispatch DispatchService::send_reply(const auth::Principal& caller, const DispatchRequest& req, const std::string& to,
                                     const auth::Origin& origin) {
    return single(caller, req, to, false, origin);
}

Dispatch DispatchService::single(const auth::Principal& caller, const DispatchRequest& req, const std::string& to_in,
                                 bool is_test, const auth::Origin& origin) {
    auto to = mail::normalized_header_address("to", to_in);
    auto tmpl = prepare(req);
    const auto& tenant_id = *caller.tenant_id;
    return db::with_tx(pool_, db::Scope::tenant(tenant_id), [&](db::Tx& tx) {
        check_recipients_exist(tx, req.recipients);
        auto sample = sample_recipient(tx, tenant_id, req.recipients, std::nullopt);
        auto limits = dispatch_store::limits(tx, tenant_id);
        auto shared_bytes = check_attachments(tx, req.attachment_ids, limits.attachment_bytes);
        auto [period_start, period_end] = current_period(tx, tenant_id);
        auto from = sender(tx, tenant_id, req.sender_identity_id, mail_domain_);
        auto d = new_dispatch(tenant_id, DispatchState::queued, req, from, period_start, caller);
        d.reference = req.reference;
        d.in_reply_to = req.in_reply_to;
        d.is_test = is_test;
        d.attachment_ids = req.attachment_ids;
        auto id = insert_dispatch(tx, d);
        insert_single_delivery(tx, tenant_id, id, to, sample ? std::optional(sample->vendor_id) : std::nullopt,
                               sample ? sample->contact_name : "");
        check_merge_values(tx, id, tmpl, req);
        attach_recipient_files(tx, tenant_id, id, req.recipient_attachments, shared_bytes, limits.attachment_bytes,
                               true);
        if (!reserve(tx, tenant_id, period_start, period_end, 1, limits.emails_per_period))
            throw quota_error(dispatch_store::usage(tx, tenant_id, limits.emails_per_period).remaining(), 1);
        set_totals(tx, id, 1, DispatchState::queued);
        notify_workers(tx, id);
        auto e = audit::by(caller, origin.request_id, origin.client_ip,
                           is_test ? "dispatch.test_sent" : "dispatch.reply_sent", "dispatch", id);
        e.details = {{"to", to}};
        audit::record(tx, e);
        return *by_id(tx, id);
    });
}

Dispatch DispatchService::get(const std::string& tenant_id, const std::string& id) {
    if (!strings::is_uuid(id)) throw Error::not_found("Dispatch");
    auto d = db::with_tx(pool_, db::Scope::tenant(tenant_id), [&](db::Tx& tx) { return by_id(tx, id); });
    if (!d) throw Error::not_found("Dispatch");
    return *d;
}

std::vector<Dispatch> DispatchService::list(const std::string& tenant_id, int limit,
                                            const std::optional<std::string>& after_created,
                                            const std::optional<std::string>& after_id,
                                            std::optional<DispatchState> status) {
    return db::with_tx(pool_, db::Scope::tenant(tenant_id),
                       [&](db::Tx& tx) { return dispatch_store::list(tx, limit, after_created, after_id, status); });
}

std::vector<Delivery> DispatchService::deliveries(const std::string& tenant_id, const std::string& id, int limit,
                                                  const std::optional<std::string>& after_email,
                                                  const std::optional<std::string>& after_id,
                                                  std::optional<DeliveryState> status) {
    get(tenant_id, id);  // 404 for other tenants' dispatches
    return db::with_tx(pool_, db::Scope::tenant(tenant_id), [&](db::Tx& tx) {
        return dispatch_store::deliveries(tx, id, limit, after_email, after_id, status);
    });
}

Dispatch DispatchService::control(const auth::Principal& caller, const std::string& id, DispatchAction action,
                                  const auth::Origin& origin) {
    using enum DispatchState;
    if (!strings::is_uuid(id)) throw Error::not_found("Dispatch");
    const auto& tenant_id = *caller.tenant_id;
    return db::with_tx(pool_, db::Scope::tenant(tenant_id), [&](db::Tx& tx) {
        auto d = by_id(tx, id);
        if (!d) throw Error::not_found("Dispatch");
        auto refuse = [&] {
            return Error::conflict("invalid_state", "A " + std::string(to_string(d->status)) + " dispatch cannot be " +
                                                        std::string(past_tense(action)) + ".");
        };
        switch (action) {
            case DispatchAction::pause:
                if (!set_status(tx, id, {queued, sending, scheduled}, paused)) throw refuse();
                break;
            case DispatchAction::resume:
                if (!set_status(tx, id, {paused}, queued)) throw refuse();
                break;
            case DispatchAction::cancel:
                if (!set_status(tx, id, {queued, sending, scheduled, paused, pending_approval}, cancelled))
                    throw refuse();
                release(tx, tenant_id, d->period_start, cancel_pending(tx, id));
                break;
            case DispatchAction::retry_failed: {
                if (d->status == cancelled) throw refuse();
                auto limits = dispatch_store::limits(tx, tenant_id);
                auto n = requeue_failed(tx, id);
                auto [start, end] = current_period(tx, tenant_id);
                if (n > 0 && !reserve(tx, tenant_id, d->period_start, end, n, limits.emails_per_period))
                    throw quota_error(dispatch_store::usage(tx, tenant_id, limits.emails_per_period).remaining(), n);
                if (n > 0) set_status(tx, id, {completed, sending, queued}, queued);
                break;
            }
        }
        notify_workers(tx, id);
        audit::record(tx, audit::by(caller, origin.request_id, origin.client_ip,
                                    "dispatch." + std::string(past_tense(action)), "dispatch", id));
        return *by_id(tx, id);
    });
}

Dispatch DispatchService::approve(const auth::Principal& caller, const std::string& id, const auth::Origin& origin) {
    if (!strings::is_uuid(id)) throw Error::not_found("Dispatch");
    return db::with_tx(pool_, db::Scope::tenant(*caller.tenant_id), [&](db::Tx& tx) {
        auto d = by_id(tx, id);
        if (!d) throw Error::not_found("Dispatch");
        if (d->status != DispatchState::pending_approval)
            throw Error::conflict("invalid_state",
                                  "A " + std::string(to_string(d->status)) + " dispatch needs no approval.");
        if (caller.kind != auth::Principal::Kind::user || creator(tx, id) == std::optional<std::string>(caller.id))
            throw Error::forbidden("Another tenant admin must approve this dispatch.");
        set_status(tx, id, {DispatchState::pending_approval},
                   d->send_at ? DispatchState::scheduled : DispatchState::queued);
        notify_workers(tx, id);
        audit::record(tx, audit::by(caller, origin.request_id, origin.client_ip, "dispatch.approved", "dispatch", id));
        return *by_id(tx, id);
    });
}

std::optional<long long> DispatchService::approval_threshold(const std::string& tenant_id) {
    return db::with_tx(pool_, db::Scope::tenant(tenant_id),
                       [&](db::Tx& tx) { return dispatch_store::approval_threshold(tx); });
}

void DispatchService::set_approval_threshold(const auth::Principal& caller, const std::optional<long long>& threshold,
                                             const auth::Origin& origin) {
    db::with_tx(pool_, db::Scope::tenant(*caller.tenant_id), [&](db::Tx& tx) {
        dispatch_store::set_approval_threshold(tx, *caller.tenant_id, threshold);
        auto e = audit::by(caller, origin.request_id, origin.client_ip, "settings.approval_changed", "tenant",
                           *caller.tenant_id);
        e.details = {{"approval_threshold", threshold ? nlohmann::json(*threshold) : nlohmann::json()}};
        audit::record(tx, e);
    });
}

Dispatch DispatchService::pause(const auth::Principal& c, const std::string& id, const auth::Origin& o) {
    return control(c, id, DispatchAction::pause, o);
}
Dispatch DispatchService::resume(const auth::Principal& c, const std::string& id, const auth::Origin& o) {
    return control(c, id, DispatchAction::resume, o);
}
Dispatch DispatchService::cancel(const auth::Principal& c, const std::string& id, const auth::Origin& o) {
    return control(c, id, DispatchAction::cancel, o);
}
Dispatch DispatchService::retry_failed(const auth::Principal& c, const std::string& id, const auth::Origin& o) {
    return control(c, id, DispatchAction::retry_failed, o);
}

Usage DispatchService::usage(const std::string& tenant_id) {
    return db::with_tx(pool_, db::Scope::tenant(tenant_id), [&](db::Tx& tx) {
        return dispatch_store::usage(tx, tenant_id, dispatch_store::limits(tx, tenant_id).emails_per_period);
    });
}

std::vector<SenderIdentity> DispatchService::sender_identities(const std::string& tenant_id) {
    return db::with_tx(pool_, db::Scope::tenant(tenant_id), [&](db::Tx& tx) {
        auto all = dispatch_store::sender_identities(tx);
        if (std::none_of(all.begin(), all.end(), [](auto& s) { return s.is_default; })) {
            auto [name, slug] = tenant_name_and_slug(tx, tenant_id);
            all.insert(all.begin(), SenderIdentity{"default", slug + "@" + mail_domain_, name, true});
        }
        return all;
    });
}

SenderIdentity DispatchService::add_sender_identity(const auth::Principal& caller, const std::string& email,
                                                    const std::string& name, bool is_default,
                                                    const auth::Origin& origin) {
    auto address = mail::normalized_header_address("email", email);
    mail::check_display_name("name", name);
    return db::with_tx(pool_, db::Scope::tenant(*caller.tenant_id), [&](db::Tx& tx) {
        auto slug = tenant_name_and_slug(tx, *caller.tenant_id).second;
        domains::require_sending_domain(tx, address, {slug, mail_domain_, false}, "email");
        if (is_default) clear_default_sender_identity(tx);
        auto s = insert_sender_identity(tx, *caller.tenant_id, address, name, is_default);
        audit::record(tx, audit::by(caller, origin.request_id, origin.client_ip, "sender_identity.created",
                                    "sender_identity", s.id));
        return s;
    });
}

void DispatchService::remove_sender_identity(const auth::Principal& caller, const std::string& id,
                                             const auth::Origin& origin) {
    if (!strings::is_uuid(id)) throw Error::not_found("Sender identity");
    db::with_tx(pool_, db::Scope::tenant(*caller.tenant_id), [&](db::Tx& tx) {
        if (!delete_sender_identity(tx, id)) throw Error::not_found("Sender identity");
        audit::record(tx, audit::by(caller, origin.request_id, origin.client_ip, "sender_identity.deleted",
                                    "sender_identity", id));
    });
}

}  // namespace dh::dispatch
