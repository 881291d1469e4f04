#include "inbox/inbox_service.hpp"

#include "common/error.hpp"
#include "common/strings.hpp"
#include "db/tx.hpp"
#include "dispatch/dispatch_service.hpp"
#include "inbox/inbox_store.hpp"

namespace dh::inbox {
namespace {

void check_id(const std::optional<std::string>& id, const char* field) {
    if (id && !strings::is_uuid(*id)) throw Error::invalid_field(field, "must be a UUID");
}

/// Only a plain id-left@id-right can be echoed into In-Reply-To (anything else would fail rendering).
bool echoable_message_id(const std::string& id) {
    auto at = id.find('@');
    return !id.empty() && id.size() <= 250 && at != std::string::npos && at > 0 && at + 1 < id.size() &&
           id.find_first_of("<>\"()[]\\ \t\r\n,;:") == std::string::npos && id.find('@', at + 1) == std::string::npos;
}

}  // namespace

std::vector<InboxMessage> InboxService::list(const std::string& tenant_id, const InboxFilter& filter, int limit,
                                             const std::optional<std::string>& after_time,
                                             const std::optional<std::string>& after_id) {
    check_id(filter.vendor_id, "vendor_id");
    check_id(filter.dispatch_id, "dispatch_id");
    if (filter.kind && *filter.kind != "reply" && *filter.kind != "bounce" && *filter.kind != "complaint")
        throw Error::invalid_field("kind", "must be reply, bounce or complaint");
    return db::with_tx(pool_, db::Scope::tenant(tenant_id), [&](db::Tx& tx) {
        tx.commit_with_next(true);  // one read: BEGIN, the page and COMMIT in one round trip
        return inbox_store::list(tx, filter, limit, after_time, after_id);
    });
}

InboxMessage InboxService::get(const std::string& tenant_id, const std::string& id) {
    if (!strings::is_uuid(id)) throw Error::not_found("Message");
    return db::with_tx(pool_, db::Scope::tenant(tenant_id), [&](db::Tx& tx) {
        auto m = inbox_store::get(tx, id);
        if (!m) throw Error::not_found("Message");
        m->attachments = inbox_store::attachments(tx, id);
        return *m;
    });
}

std::pair<InboxAttachment, std::string> InboxService::attachment_file(const std::string& tenant_id,
                                                                      const std::string& message_id,
                                                                      const std::string& attachment_id) {
    auto m = get(tenant_id, message_id);
    for (auto& a : m.attachments)
        if (a.id == attachment_id) return {a, data_dir_ + "/attachments/" + a.storage_key};
    throw Error::not_found("Attachment");
}

InboxMessage InboxService::update(const std::string& tenant_id, const std::string& id, std::optional<bool> read,
                                  std::optional<bool> archived) {
    if (!strings::is_uuid(id)) throw Error::not_found("Message");
    bool found = db::with_tx(pool_, db::Scope::tenant(tenant_id),
                             [&](db::Tx& tx) { return inbox_store::update_flags(tx, id, read, archived); });
    if (!found) throw Error::not_found("Message");
    return get(tenant_id, id);
}

std::vector<ThreadEntry> InboxService::vendor_thread(const std::string& tenant_id, const std::string& vendor_id,
                                                     int limit, const std::optional<std::string>& after_time,
                                                     const std::optional<std::string>& after_id) {
    if (!strings::is_uuid(vendor_id)) throw Error::not_found("Vendor");
    return db::with_tx(pool_, db::Scope::tenant(tenant_id), [&](db::Tx& tx) {
        if (!inbox_store::vendor_exists(tx, vendor_id)) throw Error::not_found("Vendor");
        return inbox_store::vendor_thread(tx, vendor_id, limit, after_time, after_id);
    });
}

dispatch::Dispatch InboxService::reply(const auth::Principal& caller, const std::string& id,
                                       const std::string& body_markdown, const std::optional<std::string>& subject,
                                       const auth::Origin& origin) {
    auto m = get(*caller.tenant_id, id);
    if (!m.vendor_id || m.from_address.empty())
        throw Error(ErrorKind::unprocessable, "not_linked_to_vendor",
                    "This message is not linked to a vendor; reply from your mail client instead.");
    if (m.kind != "reply")
        throw Error(ErrorKind::unprocessable, "not_a_reply", "Bounce and complaint reports cannot be answered.");
    dispatch::DispatchRequest req;
    std::string base = strings::single_line(m.subject);  // as received: may hold controls a header cannot
    req.subject =
        subject ? *subject : (strings::to_lower(base.substr(0, 3)) == "re:" ? base : "Re: " + base).substr(0, 900);
    req.body_markdown = body_markdown;
    req.recipients.vendor_ids = {*m.vendor_id};
    if (m.message_id && echoable_message_id(*m.message_id)) req.in_reply_to = *m.message_id;
    auto d = dispatches_.send_reply(caller, req, m.from_address, origin);
    update(*caller.tenant_id, id, true, std::nullopt);
    return d;
}

std::vector<QuarantinedMessage> InboxService::quarantine(int limit, const std::optional<std::string>& after_time,
                                                         const std::optional<std::string>& after_id) {
    return db::with_tx(pool_, db::Scope::platform(),
                       [&](db::Tx& tx) { return inbox_store::quarantine(tx, limit, after_time, after_id); });
}

}  // namespace dh::inbox
