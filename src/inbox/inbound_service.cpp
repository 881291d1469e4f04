#include "inbox/inbound_service.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <chrono>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <set>

#include "audit/audit.hpp"
#include "common/error.hpp"
#include "common/log.hpp"
#include "common/random.hpp"
#include "common/strings.hpp"
#include "db/tx.hpp"
#include "inbox/dsn.hpp"
#include "inbox/inbox_store.hpp"
#include "inbox/sns.hpp"
#include "mail/message_id.hpp"
#include "mail/mime_parser.hpp"
#include "vendors/suppression_store.hpp"

namespace fs = std::filesystem;

namespace dh::inbox {
namespace {

std::string domain_of(std::string_view address) {
    auto at = address.rfind('@');
    if (at == std::string_view::npos) return {};
    auto d = address.substr(at + 1);
    if (!d.empty() && d.back() == '>') d.remove_suffix(1);
    return strings::to_lower(d);
}

std::string today() {
    auto t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[16];
    std::strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
    return buf;
}

void write_all(int fd, std::string_view data, const std::string& path) {
    while (!data.empty()) {
        auto n = ::write(fd, data.data(), data.size());
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) throw std::runtime_error("cannot write " + path);
        data.remove_prefix(static_cast<std::size_t>(n));
    }
}

void fsync_path(const std::string& path, int flags) {
    int fd = ::open(path.c_str(), flags | O_CLOEXEC);
    if (fd < 0) throw std::runtime_error("cannot open " + path);
    int rc = ::fsync(fd);
    ::close(fd);
    if (rc != 0) throw std::runtime_error("cannot fsync " + path);
}

/// The worst class among the report's recipients, preferring those that name `address`.
const ReportRecipient* pick_recipient(const Report& report, const std::string& address) {
    const ReportRecipient* best = nullptr;
    for (auto& r : report.recipients) {
        bool same = strings::to_lower(r.address) == strings::to_lower(address);
        if (!best || (same && strings::to_lower(best->address) != strings::to_lower(address)) ||
            static_cast<int>(r.bounce) > static_cast<int>(best->bounce))
            best = &r;
    }
    return best;
}

std::string clean(std::string_view s) {
    return mail::repair_utf8(s);
}

/// A hard bounce or complaint: the delivery changes state (usage untouched: it was counted when
/// sent), the address goes on the tenant's suppression list, and both are audited.
bool apply_bounce(db::Tx& tx, const DeliveryRef& d, bool complaint, const std::string& status,
                  const std::string& diagnostic, const std::string& source) {
    std::string reason = complaint
                             ? "the recipient reported the message as spam"
                             : "the recipient's server returned it (" + (status.empty() ? "bounce" : status) + ")";
    bool changed = inbox_store::mark_bounced(tx, d.id, complaint ? "complained" : "bounced", reason, diagnostic);
    vendors::Suppression s;
    s.address = d.email;
    s.reason = complaint ? "complaint" : "bounce";
    s.source = source;
    if (vendors::suppression_store::insert(tx, d.tenant_id, s)) {
        audit::Entry e;
        e.tenant_id = d.tenant_id;
        e.action = "suppression.added";
        e.target_type = "suppression";
        e.target_id = d.email;
        e.details = {{"reason", s.reason}, {"delivery_id", d.id}, {"status", status}};
        audit::record(tx, e);
    }
    return changed;
}

}  // namespace

struct InboundService::Target {
    std::string tenant_id;
    RoutedBy by;
    std::optional<DeliveryRef> delivery;
    std::optional<std::string> vendor_id, contact_id;
};

const char* to_string(RoutedBy r) {
    switch (r) {
        case RoutedBy::reply_token:
            return "reply_token";
        case RoutedBy::bounce_token:
            return "bounce_token";
        case RoutedBy::thread:
            return "thread";
        case RoutedBy::sender:
            return "sender";
        case RoutedBy::ses:
            return "ses";
    }
    return "sender";
}

InboundService::InboundService(db::Pool& pool, std::string data_dir, std::string mail_domain, std::string routing_key)
    : pool_(pool),
      data_dir_(std::move(data_dir)),
      mail_domain_(strings::to_lower(mail_domain)),
      routing_key_(std::move(routing_key)),
      files_(data_dir_) {}

// The token's MAC proves the address is ours whatever the domain; a tenant's bounce.<domain> only
// ever carries envelope senders, so only bounce tokens are taken there.
std::optional<mail::RoutedAddress> InboundService::routed(std::string_view rcpt) const {
    auto domain = domain_of(rcpt);
    bool return_path = domain.starts_with("bounce.") && domain != mail_domain_;
    if (domain != mail_domain_ && !return_path) return std::nullopt;
    auto r = mail::parse_routing(rcpt, routing_key_);
    if (!r || (return_path && r->kind != mail::RoutingKind::bounce)) return std::nullopt;
    return r;
}

bool InboundService::routable_recipient(std::string_view rcpt) const {
    return routed(rcpt).has_value();
}

std::string InboundService::keep_raw(std::string_view raw) const {
    const std::string day = today();
    const std::string dir = data_dir_ + "/inbound/" + day;
    if (!fs::exists(dir)) {
        fs::create_directories(dir);
        fsync_path(data_dir_ + "/inbound", O_RDONLY | O_DIRECTORY);
    }
    const std::string rel = day + "/" + random::uuid() + ".eml";
    const std::string path = data_dir_ + "/inbound/" + rel;
    int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) throw std::runtime_error("cannot create " + path);
    try {
        write_all(fd, raw, path);
        if (::fsync(fd) != 0) throw std::runtime_error("cannot fsync " + path);
    } catch (...) {
        ::close(fd);
        ::unlink(path.c_str());
        throw;
    }
    ::close(fd);
    fsync_path(dir, O_RDONLY | O_DIRECTORY);
    return rel;
}

std::optional<DeliveryRef> InboundService::delivery_of_message_id(const std::string& message_id) const {
    auto id = message_id;
    if (!id.empty() && id.front() == '<') id = id.substr(1);
    if (!id.empty() && id.back() == '>') id.pop_back();
    auto at = id.rfind('@');
    if (at == std::string::npos || strings::to_lower(id.substr(at + 1)) != mail_domain_) return std::nullopt;
    auto local = strings::to_lower(id.substr(0, at));
    if (!strings::is_uuid(local)) return std::nullopt;
    return db::with_tx(pool_, db::Scope::platform(), [&](db::Tx& tx) { return inbox_store::delivery(tx, local); });
}

std::optional<InboundService::Target> InboundService::route(const Received& r, const mail::ParsedMessage& m,
                                                            const Report& report) const {
    Target t;
    // 1. The per-delivery routing token of an envelope recipient.
    for (auto& rcpt : r.recipients) {
        auto routed = this->routed(rcpt);
        if (!routed) continue;
        t.delivery = db::with_tx(pool_, db::Scope::platform(),
                                 [&](db::Tx& tx) { return inbox_store::delivery(tx, routed->delivery_id); });
        if (!t.delivery) continue;
        t.by = routed->kind == mail::RoutingKind::bounce ? RoutedBy::bounce_token : RoutedBy::reply_token;
        break;
    }
    // 2. Threading headers (newest reference first), and the returned message of a report.
    if (!t.delivery) {
        std::vector<std::string> ids;
        if (!report.original_message_id.empty()) ids.push_back(report.original_message_id);
        if (!m.in_reply_to.empty()) ids.push_back(m.in_reply_to);
        for (auto it = m.references.rbegin(); it != m.references.rend(); ++it) ids.push_back(*it);
        for (auto& id : ids) {
            t.delivery = delivery_of_message_id(id);
            if (t.delivery) break;
        }
        t.by = RoutedBy::thread;
    }
    if (t.delivery) {
        t.tenant_id = t.delivery->tenant_id;
        t.vendor_id = t.delivery->vendor_id;
        t.contact_id = t.delivery->contact_id;
        if (!t.vendor_id && !m.from.address.empty()) {  // e.g. a test send: the sender may still be a vendor contact
            auto c = db::with_tx(pool_, db::Scope::tenant(t.tenant_id),
                                 [&](db::Tx& tx) { return inbox_store::contact_in_tenant(tx, m.from.address); });
            if (c) std::tie(t.vendor_id, t.contact_id) = *c;
        }
        return t;
    }
    // 3. The sender address, when exactly one tenant knows it as a vendor contact.
    if (m.from.address.empty() || report.kind != ReportKind::none) return std::nullopt;
    auto contacts = db::with_tx(pool_, db::Scope::platform(),
                                [&](db::Tx& tx) { return inbox_store::contacts_by_address(tx, m.from.address, 10); });
    std::set<std::string> tenants;
    for (auto& c : contacts) tenants.insert(c.tenant_id);
    if (tenants.size() != 1) return std::nullopt;
    t.tenant_id = contacts.front().tenant_id;
    t.vendor_id = contacts.front().vendor_id;
    t.contact_id = contacts.front().contact_id;
    t.by = RoutedBy::sender;
    return t;
}

void InboundService::stage_attachments(const std::string& tenant_id, const mail::ParsedMessage& m,
                                       files::StagedFiles& staged, std::vector<InboxAttachment>& out) const {
    for (auto& a : m.attachments) {
        InboxAttachment x;
        x.filename = clean(a.filename);
        x.content_type = clean(a.content_type.empty() ? "application/octet-stream" : a.content_type);
        if (!a.content_id.empty()) x.content_id = clean(a.content_id);
        x.is_inline = a.is_inline;
        x.size_bytes = static_cast<long long>(a.data.size());
        x.storage_key = tenant_id + "/inbound-" + random::uuid();
        staged.write(x.storage_key, a.data);
        out.push_back(std::move(x));
    }
}

std::string InboundService::record(const Target& t, const Received& r, const mail::ParsedMessage& m,
                                   const Report& report, Outcome& outcome) {
    InboxMessage row;
    row.tenant_id = t.tenant_id;
    row.routed_by = to_string(t.by);
    row.vendor_id = t.vendor_id;
    row.contact_id = t.contact_id;
    if (t.delivery) {
        row.dispatch_id = t.delivery->dispatch_id;
        row.delivery_id = t.delivery->id;
    }
    row.from_address = clean(m.from.address);
    row.from_name = clean(m.from.name);
    for (auto& to : m.to) row.to_addresses += (row.to_addresses.empty() ? "" : ", ") + clean(to.address);
    row.subject = clean(m.subject);
    if (!m.message_id.empty()) row.message_id = clean(m.message_id);
    if (!m.in_reply_to.empty()) row.in_reply_to = clean(m.in_reply_to);
    row.text_body = clean(m.text_body);
    row.html_text = clean(m.html_text);
    row.has_html = !m.html_body.empty();
    if (!m.parse_error.empty()) row.parse_error = clean(m.parse_error);
    row.envelope_from = clean(r.envelope_from);
    row.raw_path = r.raw_path;
    row.size_bytes = static_cast<long long>(r.raw.size());

    const ReportRecipient* rr = nullptr;
    if (report.kind != ReportKind::none) {
        row.kind = report.kind == ReportKind::complaint ? "complaint" : "bounce";
        rr = pick_recipient(report, t.delivery ? t.delivery->email : std::string());
        if (rr) {
            if (!rr->status.empty()) row.bounce_status = clean(rr->status);
            if (!rr->diagnostic.empty()) row.diagnostic = clean(rr->diagnostic);
        }
    }
    std::vector<InboxAttachment> files;
    files::StagedFiles staged(files_);  // the files take their keys only once their rows are committed
    stage_attachments(t.tenant_id, m, staged, files);
    const bool complaint = report.kind == ReportKind::complaint;
    const bool hard = rr && rr->bounce == BounceClass::hard;
    bool changed = false;
    auto id = db::with_tx(pool_, db::Scope::tenant(t.tenant_id), [&](db::Tx& tx) {
        changed = t.delivery && (complaint || hard) &&
                  apply_bounce(tx, *t.delivery, complaint, row.bounce_status.value_or(""), row.diagnostic.value_or(""),
                               complaint ? "complaint report" : "delivery status notification");
        auto inserted = inbox_store::insert_message(tx, row);
        for (auto& f : files) inbox_store::insert_attachment(tx, t.tenant_id, inserted, f);
        return inserted;
    });
    staged.publish();
    if (changed) ++outcome.bounced;
    return id;
}

std::string InboundService::quarantine(const Received& r, const mail::ParsedMessage& m, const std::string& reason) {
    std::string rcpts;
    for (auto& x : r.recipients) rcpts += (rcpts.empty() ? "" : ",") + clean(x);
    std::optional<std::string> mid;
    if (!m.message_id.empty()) mid = clean(m.message_id);
    return db::with_tx(pool_, db::Scope::platform(), [&](db::Tx& tx) {
        return inbox_store::insert_quarantine(tx, clean(r.envelope_from), rcpts, clean(m.from.address),
                                              clean(m.subject), mid, reason, r.raw_path,
                                              static_cast<long long>(r.raw.size()));
    });
}

Outcome InboundService::process(const Received& r) {
    Outcome outcome;
    auto m = mail::parse_message(r.raw);
    auto report = parse_report(m, r.envelope_from.empty());
    auto target = route(r, m, report);
    if (!target) {
        outcome.quarantine_id = quarantine(r, m, "no tenant matched the recipient, threading headers or sender");
        log::info("inbound message quarantined", {{"raw", r.raw_path}});
        return outcome;
    }
    try {
        outcome.inbox_ids.push_back(record(*target, r, m, report, outcome));
    } catch (const Error& e) {
        if (e.kind() == ErrorKind::unavailable) throw;
        // Content the database refuses must not lose the message: keep it for an operator.
        log::warn("inbound message not recorded", {{"raw", r.raw_path}, {"error", e.what()}});
        outcome.quarantine_id = quarantine(r, m, "could not be recorded: " + e.code());
        return outcome;
    }
    log::info("inbound message routed", {{"raw", r.raw_path},
                                         {"tenant", target->tenant_id},
                                         {"routed_by", to_string(target->by)},
                                         {"bounced", outcome.bounced}});
    return outcome;
}

Outcome InboundService::apply_ses_event(const SesEvent& event, const std::string& raw_path, std::size_t size) {
    Outcome outcome;
    if (event.type != SesEventType::bounce && event.type != SesEventType::complaint) return outcome;
    auto d = delivery_of_message_id(event.header_message_id);
    if (!d) return outcome;
    bool complaint = event.type == SesEventType::complaint;
    const SesRecipient* rr = nullptr;
    for (auto& x : event.recipients)
        if (!rr || strings::to_lower(x.address) == strings::to_lower(d->email)) rr = &x;
    bool hard = complaint || (rr && rr->bounce == BounceClass::hard);
    InboxMessage row;
    row.tenant_id = d->tenant_id;
    row.kind = complaint ? "complaint" : "bounce";
    row.routed_by = to_string(RoutedBy::ses);
    row.vendor_id = d->vendor_id;
    row.contact_id = d->contact_id;
    row.dispatch_id = d->dispatch_id;
    row.delivery_id = d->id;
    row.from_address = "ses";
    row.to_addresses = d->email;
    row.subject = complaint ? "Complaint (" + clean(event.complaint_feedback_type) + ")"
                            : "Bounce (" + clean(event.bounce_type) + ", " + clean(event.bounce_sub_type) + ")";
    if (rr && !rr->status.empty()) row.bounce_status = clean(rr->status);
    if (rr && !rr->diagnostic.empty()) row.diagnostic = clean(rr->diagnostic);
    row.raw_path = raw_path;
    row.size_bytes = static_cast<long long>(size);
    bool changed = false;
    auto id = db::with_tx(pool_, db::Scope::tenant(d->tenant_id), [&](db::Tx& tx) {
        changed = hard && apply_bounce(tx, *d, complaint, row.bounce_status.value_or(""), row.diagnostic.value_or(""),
                                       complaint ? "SES complaint" : "SES bounce");
        return inbox_store::insert_message(tx, row);
    });
    if (changed) ++outcome.bounced;
    outcome.inbox_ids.push_back(id);
    return outcome;
}

}  // namespace dh::inbox
