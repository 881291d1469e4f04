#include "tickets/ticket_store.hpp"

#include "db/sql_text.hpp"
#include "db/tx.hpp"

namespace dh::tickets::ticket_store {
namespace {

constexpr const char* kColumns =
    "k.id, k.tenant_id, t.name AS tenant_name, k.subject, k.category, k.priority, k.status, k.opened_by_label, "
    "k.assignee_id, u.email AS assignee_label, "
    "(SELECT count(*) FROM ticket_messages m WHERE m.ticket_id = k.id) AS message_count, " DH_SQL_TIMESTAMP(
        "k.created_at") " AS created_at, " DH_SQL_TIMESTAMP("k.updated_at") " AS updated_at";
constexpr const char* kFrom =
    " FROM tickets k JOIN tenants t ON t.id = k.tenant_id LEFT JOIN users u ON u.id = k.assignee_id ";

const std::string kById = std::string("SELECT ") + kColumns + kFrom + "WHERE k.id = $1::uuid";
const std::string kList = std::string("SELECT ") + kColumns + kFrom + R"SQL(
WHERE ($2::timestamptz IS NULL OR (k.created_at, k.id) < ($2::timestamptz, $3::uuid))
  AND ($4::text IS NULL OR k.status = $4) AND ($5::uuid IS NULL OR k.tenant_id = $5::uuid)
  AND ($6::text IS NULL OR k.priority = $6) AND ($7::uuid IS NULL OR k.assignee_id = $7::uuid)
ORDER BY k.created_at DESC, k.id DESC LIMIT $1)SQL";
constexpr const char* kInsert = R"SQL(
INSERT INTO tickets (tenant_id, subject, category, priority, opened_by, opened_by_label)
VALUES ($1::uuid, $2, coalesce($3, 'general'), coalesce($4, 'normal'), $5::uuid, $6) RETURNING id)SQL";
constexpr const char* kMessageColumns =
    "id, ticket_id, author_side, author_label, body, " DH_SQL_TIMESTAMP("created_at") " AS created_at";
const std::string kAddMessage = std::string(R"SQL(
INSERT INTO ticket_messages (tenant_id, ticket_id, author_side, author_id, author_label, body)
VALUES ($1::uuid, $2::uuid, $3, $4::uuid, $5, $6) RETURNING )SQL") +
                                kMessageColumns;
const std::string kMessages = std::string("SELECT ") + kMessageColumns +
                              " FROM ticket_messages WHERE ticket_id = $1::uuid ORDER BY created_at, id LIMIT $2";
constexpr const char* kSetStatus = "UPDATE tickets SET status = $2, updated_at = now() WHERE id = $1::uuid";
constexpr const char* kUpdate = R"SQL(
UPDATE tickets SET status = coalesce($2, status), priority = coalesce($3, priority),
                   assignee_id = CASE WHEN $4 THEN $5::uuid ELSE assignee_id END, updated_at = now()
WHERE id = $1::uuid)SQL";
constexpr const char* kIsSuperAdmin =
    "SELECT 1 FROM users WHERE id = $1::uuid AND role = 'super_admin' AND status = 'active'";
// No RETURNING: tenant transactions may insert notices but not read them back.
constexpr const char* kEnqueueNotice = R"SQL(
INSERT INTO platform_notifications (tenant_id, ticket_id, audience, event, subject, body)
VALUES ($1::uuid, $2::uuid, $3, $4, $5, $6))SQL";

Ticket ticket_from(const db::Result& r, int i) {
    return {r.text(i, "id"),
            r.text(i, "tenant_id"),
            r.text(i, "tenant_name"),
            r.text(i, "subject"),
            r.text(i, "category"),
            r.text(i, "priority"),
            r.text(i, "status"),
            r.text(i, "opened_by_label"),
            r.opt(i, "assignee_id"),
            r.opt(i, "assignee_label"),
            r.integer(i, "message_count"),
            r.text(i, "created_at"),
            r.text(i, "updated_at")};
}

TicketMessage message_from(const db::Result& r, int i) {
    return {r.text(i, "id"),           r.text(i, "ticket_id"), r.text(i, "author_side"),
            r.text(i, "author_label"), r.text(i, "body"),      r.text(i, "created_at")};
}

}  // namespace

std::string insert(db::Tx& tx, const std::string& tenant_id, const NewTicket& t,
                   const std::optional<std::string>& opened_by, const std::string& opened_by_label) {
    return tx.exec(kInsert, {tenant_id, t.subject, t.category, t.priority, opened_by, opened_by_label}).text(0, "id");
}

TicketMessage add_message(db::Tx& tx, const std::string& tenant_id, const std::string& ticket_id,
                          const std::string& side, const std::optional<std::string>& author_id,
                          const std::string& author_label, const std::string& body) {
    return message_from(tx.exec(kAddMessage, {tenant_id, ticket_id, side, author_id, author_label, body}), 0);
}

std::optional<Ticket> by_id(db::Tx& tx, const std::string& id) {
    auto r = tx.exec(kById, {id});
    if (r.empty()) return std::nullopt;
    return ticket_from(r, 0);
}

std::vector<Ticket> list(db::Tx& tx, const TicketFilter& f, int limit, const std::optional<std::string>& after_created,
                         const std::optional<std::string>& after_id) {
    auto r = tx.exec(kList, {limit, after_created, after_id, f.status, f.tenant_id, f.priority, f.assignee_id});
    std::vector<Ticket> out;
    for (int i = 0; i < r.rows(); ++i) out.push_back(ticket_from(r, i));
    return out;
}

std::vector<TicketMessage> messages(db::Tx& tx, const std::string& ticket_id, int limit) {
    auto r = tx.exec(kMessages, {ticket_id, limit});
    std::vector<TicketMessage> out;
    for (int i = 0; i < r.rows(); ++i) out.push_back(message_from(r, i));
    return out;
}

void set_status(db::Tx& tx, const std::string& id, const std::string& status) {
    tx.exec(kSetStatus, {id, status});
}

void update(db::Tx& tx, const std::string& id, const TicketChanges& c) {
    std::optional<std::string> assignee = c.assignee_id ? *c.assignee_id : std::nullopt;
    tx.exec(kUpdate, {id, c.status, c.priority, c.assignee_id.has_value(), assignee});
}

bool is_super_admin(db::Tx& tx, const std::string& user_id) {
    return !tx.exec(kIsSuperAdmin, {user_id}).empty();
}

void enqueue_notice(db::Tx& tx, const Ticket& t, const Notice& n) {
    tx.exec(kEnqueueNotice, {t.tenant_id, t.id, n.audience, n.event, n.subject, n.body});
}

}  // namespace dh::tickets::ticket_store
