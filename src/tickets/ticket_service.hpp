#pragma once
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "auth/auth_service.hpp"
#include "auth/principal.hpp"
#include "tickets/ticket.hpp"

namespace dh::db {
class Pool;
}

namespace dh::tickets {

/// Throws a validation error for a bad category, priority or status (pure).
void validate(const NewTicket& t);
void validate(const TicketChanges& c);
/// The status after a reply from `side`: a tenant reply reopens, a platform reply waits for the tenant.
std::string status_after_reply(const std::string& current, const std::string& side);

/// The mail to the platform side when a tenant user opens a ticket (`opened`) or writes on it.
Notice notice_to_platform(const Ticket& t, const std::string& author, const std::string& body, bool opened);
/// The mail to the ticket's opener when support answers.
Notice notice_of_reply(const Ticket& t, const std::string& body);
/// The mail to the ticket's opener when support moves the ticket to `status`.
Notice notice_of_status(const Ticket& t, const std::string& status);

/// Support tickets. Tenant calls run under the caller's tenant (RLS); platform calls are audited.
/// Each message and status change by one side enqueues a notice to the other in its transaction.
class TicketService {
public:
    explicit TicketService(db::Pool& pool) : pool_(pool) {}

    // Tenant side.
    Ticket open(const auth::Principal& caller, const NewTicket& input, const auth::Origin& origin);
    std::vector<Ticket> list_own(const std::string& tenant_id, const TicketFilter& filter, int limit,
                                 const std::optional<std::string>& after_created,
                                 const std::optional<std::string>& after_id);
    std::pair<Ticket, std::vector<TicketMessage>> own(const std::string& tenant_id, const std::string& id);
    TicketMessage reply_own(const auth::Principal& caller, const std::string& id, const std::string& body,
                            const auth::Origin& origin);
    Ticket close_own(const auth::Principal& caller, const std::string& id, const auth::Origin& origin);

    // Platform side (super admins).
    std::vector<Ticket> list(const TicketFilter& filter, int limit, const std::optional<std::string>& after_created,
                             const std::optional<std::string>& after_id);
    std::pair<Ticket, std::vector<TicketMessage>> get(const std::string& id);
    TicketMessage reply(const auth::Principal& actor, const std::string& id, const std::string& body,
                        const auth::Origin& origin);
    Ticket update(const auth::Principal& actor, const std::string& id, const TicketChanges& changes,
                  const auth::Origin& origin);

private:
    db::Pool& pool_;
};

}  // namespace dh::tickets
