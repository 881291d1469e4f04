#include "dispatch/dispatch_reader.hpp"

#include "common/error.hpp"
#include "common/strings.hpp"
#include "db/tx.hpp"
#include "dispatch/dispatch_store.hpp"

namespace dh::dispatch {
namespace {

/// The message as a template a person can read; a stored text that no longer parses is shown as is.
RenderedMessage render_readable(const Dispatch& d) {
    try {
        auto tmpl = d.body_html ? prepare_html_message(d.subject, *d.body_html)
                                : prepare_markdown_message(d.subject, d.body_markdown.value_or(""));
        return render_message(tmpl, readable_context(tmpl.fields()));
    } catch (const Error&) {
        return {d.subject, d.body_markdown.value_or(""), ""};
    }
}

std::size_t text_bytes(const Dispatch& d, const RenderedMessage& m) {
    return d.subject.size() + (d.body_markdown ? d.body_markdown->size() : 0) +
           (d.body_html ? d.body_html->size() : 0) + m.subject.size() + m.text.size() + m.html.size();
}

}  // namespace

// Rendering a template on every read of a dispatch costs more than the read's statement; the
// rendering is kept per dispatch, within kKeptMessageBytes.
RenderedMessage DispatchReader::readable_message(const Dispatch& d) {
    {
        std::lock_guard lock(kept_mutex_);
        auto it = kept_.find(d.id);
        if (it != kept_.end() && it->second.subject == d.subject && it->second.markdown == d.body_markdown &&
            it->second.html == d.body_html)
            return it->second.message;
    }
    auto message = render_readable(d);
    const auto bytes = text_bytes(d, message);
    std::lock_guard lock(kept_mutex_);
    if (bytes > kKeptMessageBytes / 4) return message;
    if (kept_bytes_ + bytes > kKeptMessageBytes) {
        kept_.clear();
        kept_bytes_ = 0;
    }
    auto [it, added] = kept_.try_emplace(d.id);
    if (!added) kept_bytes_ -= it->second.bytes;
    it->second = KeptMessage{d.subject, d.body_markdown, d.body_html, message, bytes};
    kept_bytes_ += bytes;
    return message;
}

DispatchView DispatchReader::view(const std::string& tenant_id, const std::string& id) {
    if (!strings::is_uuid(id)) throw Error::not_found("Dispatch");
    // One round trip for a dispatch without shared files (BEGIN, scope, the dispatch with its counts,
    // COMMIT); its files, when it has some, in a second read. A dispatch's files are fixed when it is
    // created, so the two reads need not share a transaction.
    auto d = db::with_tx(pool_, db::Scope::tenant(tenant_id), [&](db::Tx& tx) {
        tx.commit_with_next(true);
        return dispatch_store::by_id(tx, id);
    });
    if (!d) throw Error::not_found("Dispatch");
    std::vector<dispatch_reader_store::SharedAttachment> files;
    if (!d->attachment_ids.empty())
        files = db::with_tx(pool_, db::Scope::tenant(tenant_id), [&](db::Tx& tx) {
            tx.commit_with_next(true);
            return dispatch_reader_store::shared_attachments(tx, d->attachment_ids);
        });
    auto message = readable_message(*d);
    return DispatchView{std::move(*d), std::move(files), std::move(message)};
}

dispatch_reader_store::RecipientPage DispatchReader::recipients(const std::string& tenant_id, const Recipients& r,
                                                                const dispatch_reader_store::RecipientFilter& filter) {
    if (filter.missing_field &&
        (!is_known_field(*filter.missing_field) || !dispatch_store::is_recipient_field(*filter.missing_field)))
        throw Error::invalid_field("missing_field",
                                   "must be a merge field of the recipient, e.g. vendor.custom.region");
    if (r.list_ids.empty() && r.vendor_ids.empty())
        throw Error::invalid_field("recipients", "must name lists or vendors");
    return db::with_tx(pool_, db::Scope::tenant(tenant_id),
                       [&](db::Tx& tx) { return dispatch_reader_store::recipients(tx, tenant_id, r, filter); });
}

std::vector<SentSubject> DispatchReader::sent_subjects(const std::string& tenant_id, const std::string& vendor_id,
                                                       const std::vector<std::string>& delivery_ids) {
    if (!strings::is_uuid(vendor_id)) throw Error::not_found("Vendor");
    if (delivery_ids.size() > kMaxSubjects)
        throw Error::invalid_field("ids", "at most " + std::to_string(kMaxSubjects) + " ids");
    for (auto& id : delivery_ids)
        if (!strings::is_uuid(id)) throw Error::invalid_field("ids", "must be delivery ids");
    auto rows = db::with_tx(pool_, db::Scope::tenant(tenant_id), [&](db::Tx& tx) {
        return dispatch_reader_store::sent_values(tx, vendor_id, delivery_ids);
    });
    std::vector<SentSubject> out;
    for (auto& v : rows) {
        if (v.sent_subject) {  // kept when it was sent: today's vendor values must not rewrite it
            out.push_back({v.delivery_id, std::move(*v.sent_subject)});
            continue;
        }
        auto ctx = recipient_context(v.vendor_name, v.vendor_code, v.contact_name, v.email, v.custom_json);
        ctx.tenant_name = v.tenant_name;
        ctx.dispatch_reference = v.reference;
        std::string subject;
        try {
            subject = render_subject(v.subject, ctx);
        } catch (const Error&) {
            subject = v.subject;  // stored before today's rules: shown as stored
        }
        out.push_back({v.delivery_id, std::move(subject)});
    }
    return out;
}

}  // namespace dh::dispatch
