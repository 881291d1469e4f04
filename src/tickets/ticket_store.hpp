#pragma once
#include <optional>
#include <string>
#include <vector>

#include "tickets/ticket.hpp"

namespace dh::db {
class Tx;
}

namespace dh::tickets::ticket_store {

std::string insert(db::Tx& tx, const std::string& tenant_id, const NewTicket& t,
                   const std::optional<std::string>& opened_by, const std::string& opened_by_label);
TicketMessage add_message(db::Tx& tx, const std::string& tenant_id, const std::string& ticket_id,
                          const std::string& side, const std::optional<std::string>& author_id,
                          const std::string& author_label, const std::string& body);
std::optional<Ticket> by_id(db::Tx& tx, const std::string& id);
/// Newest first, keyset after (created_at, id); visible rows only (RLS).
std::vector<Ticket> list(db::Tx& tx, const TicketFilter& filter, int limit,
                         const std::optional<std::string>& after_created, const std::optional<std::string>& after_id);
/// Oldest first; at most `limit`.
std::vector<TicketMessage> messages(db::Tx& tx, const std::string& ticket_id, int limit);
void set_status(db::Tx& tx, const std::string& id, const std::string& status);
void update(db::Tx& tx, const std::string& id, const TicketChanges& changes);
bool is_super_admin(db::Tx& tx, const std::string& user_id);
/// Queues `notice` for the workers (platform_notifications); they resolve its audience and send it.
void enqueue_notice(db::Tx& tx, const Ticket& ticket, const Notice& notice);

}  // namespace dh::tickets::ticket_store
