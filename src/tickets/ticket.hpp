#pragma once
#include <optional>
#include <string>
#include <vector>

namespace dh::tickets {

struct TicketMessage {
    std::string id;
    std::string ticket_id;
    std::string author_side;  ///< tenant | platform
    std::string author_label;
    std::string body;
    std::string created_at;
};

struct Ticket {
    std::string id;
    std::string tenant_id;
    std::string tenant_name;
    std::string subject;
    std::string category;  ///< general | billing | technical | deliverability | account
    std::string priority;  ///< low | normal | high | urgent
    std::string status;    ///< open | pending | resolved | closed
    std::string opened_by_label;
    std::optional<std::string> assignee_id;
    std::optional<std::string> assignee_label;
    long long message_count = 0;
    std::string created_at;
    std::string updated_at;
};

struct NewTicket {
    std::string subject, body;
    std::optional<std::string> category, priority;
};

/// Queue filters (super admin); every member optional.
struct TicketFilter {
    std::optional<std::string> status, tenant_id, priority, assignee_id;
};

/// What a super admin may change on a ticket.
struct TicketChanges {
    std::optional<std::string> status, priority;
    std::optional<std::optional<std::string>> assignee_id;  ///< set to none: unassign
};

/// An email about a ticket to its other side: composed with the change, in its transaction, and sent
/// later by the workers from the platform sender.
struct Notice {
    std::string audience;  ///< platform: the assignee, else every super admin | tenant: the opener, else its admins
    std::string event;     ///< ticket.opened | ticket.replied | ticket.status_changed
    std::string subject;
    std::string body;  ///< plain text
};

}  // namespace dh::tickets
