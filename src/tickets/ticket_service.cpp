#include "tickets/ticket_service.hpp"

#include <set>

#include "audit/audit.hpp"
#include "common/error.hpp"
#include "common/strings.hpp"
#include "db/tx.hpp"
#include "tickets/ticket_store.hpp"

namespace dh::tickets {
namespace {

constexpr int kMaxMessages = 1000;

void check_in(const std::optional<std::string>& value, const std::set<std::string>& allowed, const std::string& field) {
    if (!value || allowed.count(*value)) return;
    std::string list;
    for (auto& a : allowed) list += (list.empty() ? "" : ", ") + a;
    throw Error::invalid_field(field, "must be one of " + list);
}

db::Scope scope_of(const auth::Principal& caller) {
    return db::Scope::tenant(*caller.tenant_id);
}

Ticket existing(db::Tx& tx, const std::string& id) {
    if (!strings::is_uuid(id)) throw Error::not_found("Ticket");
    auto t = ticket_store::by_id(tx, id);
    if (!t) throw Error::not_found("Ticket");
    return *t;
}

void record(db::Tx& tx, const auth::Principal& actor, const auth::Origin& origin, const std::string& action,
            const Ticket& t, nlohmann::json details = nlohmann::json::object()) {
    auto e = audit::by(actor, origin.request_id, origin.client_ip, action, "ticket", t.id);
    e.tenant_id = t.tenant_id;  // platform actions on a ticket show in the tenant's own log too
    e.details = std::move(details);
    audit::record(tx, e);
}

void check_body(const std::string& body) {
    if (strings::trim(body).empty()) throw Error::invalid_field("body", "is required");
}

/// Every subject names the ticket, so that mail clients thread a ticket's notices together.
std::string tagged(const Ticket& t, const std::string& what) {
    return "[Ticket " + t.id.substr(0, 8) + "] " + what + t.subject;
}

std::string footer(const std::string& where, const Ticket& t) {
    return "\n\n-- \n" + where + " in DispatchHub, ticket " + t.id + ".\nReplies to this email are not read.\n";
}

}  // namespace

void validate(const NewTicket& t) {
    if (strings::trim(t.subject).empty() || t.subject.size() > 200 || strings::has_line_break_or_nul(t.subject))
        throw Error::invalid_field("subject", "must be 1 to 200 characters on one line");
    check_body(t.body);
    check_in(t.category, {"general", "billing", "technical", "deliverability", "account"}, "category");
    check_in(t.priority, {"low", "normal", "high", "urgent"}, "priority");
}

void validate(const TicketChanges& c) {
    check_in(c.status, {"open", "pending", "resolved", "closed"}, "status");
    check_in(c.priority, {"low", "normal", "high", "urgent"}, "priority");
    if (c.assignee_id && *c.assignee_id && !strings::is_uuid(**c.assignee_id))
        throw Error::invalid_field("assignee_id", "must be the id of a super admin");
}

std::string status_after_reply(const std::string& current, const std::string& side) {
    if (current == "closed") throw Error::conflict("ticket_closed", "The ticket is closed; open a new one.");
    return side == "tenant" ? "open" : "pending";
}

Notice notice_to_platform(const Ticket& t, const std::string& author, const std::string& body, bool opened) {
    auto tenant = strings::single_line(t.tenant_name);  // free text: it goes into the subject header
    auto what =
        opened ? "opened a ticket (priority " + t.priority + ", category " + t.category + ")" : "wrote on a ticket";
    return {"platform", opened ? "ticket.opened" : "ticket.replied",
            tagged(t, (opened ? "New ticket from " : "New message from ") + tenant + ": "),
            author + " of " + tenant + " " + what + ": " + t.subject + "\n\n" + body +
                footer("Answer it under Admin > Tickets", t)};
}

Notice notice_of_reply(const Ticket& t, const std::string& body) {
    return {"tenant", "ticket.replied", tagged(t, "Support replied: "),
            "Support replied to your ticket \"" + t.subject + "\":\n\n" + body + footer("Reply under Support", t)};
}

Notice notice_of_status(const Ticket& t, const std::string& status) {
    return {"tenant", "ticket.status_changed", tagged(t, "Now " + status + ": "),
            "Support set your ticket \"" + t.subject + "\" to " + status + "." + footer("See it under Support", t)};
}

Ticket TicketService::open(const auth::Principal& caller, const NewTicket& input, const auth::Origin& origin) {
    validate(input);
    return db::with_tx(pool_, scope_of(caller), [&](db::Tx& tx) {
        std::optional<std::string> user;
        if (caller.kind == auth::Principal::Kind::user) user = caller.id;
        auto id = ticket_store::insert(tx, *caller.tenant_id, input, user, caller.label);
        ticket_store::add_message(tx, *caller.tenant_id, id, "tenant", user, caller.label, input.body);
        auto t = *ticket_store::by_id(tx, id);
        record(tx, caller, origin, "ticket.opened", t, {{"subject", t.subject}, {"priority", t.priority}});
        ticket_store::enqueue_notice(tx, t, notice_to_platform(t, caller.label, input.body, true));
        return t;
    });
}

std::vector<Ticket> TicketService::list_own(const std::string& tenant_id, const TicketFilter& filter, int limit,
                                            const std::optional<std::string>& after_created,
                                            const std::optional<std::string>& after_id) {
    return db::with_tx(pool_, db::Scope::tenant(tenant_id),
                       [&](db::Tx& tx) { return ticket_store::list(tx, filter, limit, after_created, after_id); });
}

std::pair<Ticket, std::vector<TicketMessage>> TicketService::own(const std::string& tenant_id, const std::string& id) {
    return db::with_tx(pool_, db::Scope::tenant(tenant_id), [&](db::Tx& tx) {
        auto t = existing(tx, id);
        return std::make_pair(t, ticket_store::messages(tx, id, kMaxMessages));
    });
}

TicketMessage TicketService::reply_own(const auth::Principal& caller, const std::string& id, const std::string& body,
                                       const auth::Origin& origin) {
    check_body(body);
    return db::with_tx(pool_, scope_of(caller), [&](db::Tx& tx) {
        auto t = existing(tx, id);
        ticket_store::set_status(tx, id, status_after_reply(t.status, "tenant"));
        std::optional<std::string> user;
        if (caller.kind == auth::Principal::Kind::user) user = caller.id;
        auto m = ticket_store::add_message(tx, t.tenant_id, id, "tenant", user, caller.label, body);
        record(tx, caller, origin, "ticket.replied", t);
        ticket_store::enqueue_notice(tx, t, notice_to_platform(t, caller.label, body, false));
        return m;
    });
}

Ticket TicketService::close_own(const auth::Principal& caller, const std::string& id, const auth::Origin& origin) {
    return db::with_tx(pool_, scope_of(caller), [&](db::Tx& tx) {
        auto t = existing(tx, id);
        ticket_store::set_status(tx, id, "closed");
        record(tx, caller, origin, "ticket.closed", t);
        return *ticket_store::by_id(tx, id);
    });
}

std::vector<Ticket> TicketService::list(const TicketFilter& filter, int limit,
                                        const std::optional<std::string>& after_created,
                                        const std::optional<std::string>& after_id) {
    TicketFilter checked = filter;
    if (checked.tenant_id && !strings::is_uuid(*checked.tenant_id))
        throw Error::invalid_field("tenant_id", "must be a UUID");
    if (checked.assignee_id && !strings::is_uuid(*checked.assignee_id))
        throw Error::invalid_field("assignee_id", "must be a UUID");
    validate(TicketChanges{checked.status, checked.priority, std::nullopt});
    return db::with_tx(pool_, db::Scope::platform(),
                       [&](db::Tx& tx) { return ticket_store::list(tx, checked, limit, after_created, after_id); });
}

std::pair<Ticket, std::vector<TicketMessage>> TicketService::get(const std::string& id) {
    return db::with_tx(pool_, db::Scope::platform(), [&](db::Tx& tx) {
        auto t = existing(tx, id);
        return std::make_pair(t, ticket_store::messages(tx, id, kMaxMessages));
    });
}

TicketMessage TicketService::reply(const auth::Principal& actor, const std::string& id, const std::string& body,
                                   const auth::Origin& origin) {
    check_body(body);
    return db::with_tx(pool_, db::Scope::platform(), [&](db::Tx& tx) {
        auto t = existing(tx, id);
        ticket_store::set_status(tx, id, status_after_reply(t.status, "platform"));
        auto m = ticket_store::add_message(tx, t.tenant_id, id, "platform", actor.id, actor.label, body);
        record(tx, actor, origin, "ticket.replied", t);
        ticket_store::enqueue_notice(tx, t, notice_of_reply(t, body));
        return m;
    });
}

Ticket TicketService::update(const auth::Principal& actor, const std::string& id, const TicketChanges& changes,
                             const auth::Origin& origin) {
    validate(changes);
    return db::with_tx(pool_, db::Scope::platform(), [&](db::Tx& tx) {
        auto t = existing(tx, id);
        if (changes.assignee_id && *changes.assignee_id && !ticket_store::is_super_admin(tx, **changes.assignee_id))
            throw Error::invalid_field("assignee_id", "must be the id of an active super admin");
        ticket_store::update(tx, id, changes);
        auto details = nlohmann::json::object();
        if (changes.status) details["status"] = *changes.status;
        if (changes.priority) details["priority"] = *changes.priority;
        if (changes.assignee_id)
            details["assignee_id"] = *changes.assignee_id ? nlohmann::json(**changes.assignee_id) : nlohmann::json();
        record(tx, actor, origin, changes.assignee_id ? "ticket.assigned" : "ticket.updated", t, details);
        if (changes.status && *changes.status != t.status)
            ticket_store::enqueue_notice(tx, t, notice_of_status(t, *changes.status));
        return *ticket_store::by_id(tx, id);
    });
}

}  // namespace dh::tickets
