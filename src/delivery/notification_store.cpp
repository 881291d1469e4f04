#include "delivery/notification_store.hpp"

#include "db/arrays.hpp"
#include "db/tx.hpp"

namespace dh::delivery::notification_store {
namespace {

constexpr const char* kUnresolved = R"SQL(
SELECT id FROM platform_notifications WHERE status = 'pending' AND recipient IS NULL
ORDER BY created_at LIMIT $1 FOR UPDATE SKIP LOCKED)SQL";

constexpr const char* kRecipients = R"SQL(
SELECT u.email, u.name FROM platform_notifications n JOIN tickets k ON k.id = n.ticket_id
JOIN users u ON u.status = 'active' AND CASE
  WHEN n.audience = 'platform' THEN u.role = 'super_admin' AND (u.id = k.assignee_id OR NOT EXISTS (
    SELECT 1 FROM users a WHERE a.id = k.assignee_id AND a.status = 'active'))
  ELSE u.tenant_id = k.tenant_id AND (u.id = k.opened_by OR (u.role = 'tenant_admin' AND NOT EXISTS (
    SELECT 1 FROM users o WHERE o.id = k.opened_by AND o.tenant_id = k.tenant_id AND o.status = 'active')))
  END
WHERE n.id = $1::uuid ORDER BY u.email)SQL";

constexpr const char* kQueueForTenantAdmins = R"SQL(
INSERT INTO platform_notifications (tenant_id, audience, event, subject, body, recipient, recipient_name)
SELECT u.tenant_id, 'user', $2, $3, $4, u.email, u.name FROM users u
WHERE u.tenant_id = $1::uuid AND u.role = 'tenant_admin' AND u.status = 'active')SQL";

constexpr const char* kAssign =
    "UPDATE platform_notifications SET recipient = $2, recipient_name = $3 WHERE id = $1::uuid";

constexpr const char* kCopy = R"SQL(
INSERT INTO platform_notifications (tenant_id, ticket_id, audience, event, subject, body, recipient, recipient_name,
                                    created_at)
SELECT n.tenant_id, n.ticket_id, n.audience, n.event, n.subject, n.body, x.email, x.name, n.created_at
FROM platform_notifications n, unnest($2::text[], $3::text[]) AS x(email, name) WHERE n.id = $1::uuid)SQL";

constexpr const char* kDrop =
    "UPDATE platform_notifications SET status = 'failed', last_error = $2 WHERE id = $1::uuid AND status = 'pending'";

// An expired lease is a dead worker's: the notification is due again (it may have left the wire).
constexpr const char* kClaim = R"SQL(
WITH picked AS (
  SELECT id FROM platform_notifications
  WHERE status = 'pending' AND recipient IS NOT NULL AND next_attempt_at <= now()
    AND (lease_expires_at IS NULL OR lease_expires_at < now())
  ORDER BY next_attempt_at LIMIT $2
  FOR UPDATE SKIP LOCKED)
UPDATE platform_notifications n SET lease_owner = $1, lease_expires_at = now() + make_interval(secs => $3),
                                    attempts = n.attempts + 1
FROM picked WHERE n.id = picked.id
RETURNING n.id, n.recipient, n.recipient_name, n.subject, n.body, n.attempts,
          extract(epoch FROM now() - n.created_at)::bigint AS age)SQL";

constexpr const char* kRenew = R"SQL(
UPDATE platform_notifications SET lease_expires_at = now() + make_interval(secs => $3)
WHERE id = ANY($2::uuid[]) AND lease_owner = $1 AND status = 'pending')SQL";

// A password reset mail carries a live token: once the mail is out (or given up), the text goes.
#define DH_SCRUBBED_BODY "CASE WHEN event = 'password_reset' THEN '' ELSE body END"

constexpr const char* kSent = R"SQL(
UPDATE platform_notifications SET status = 'sent', sent_at = now(), last_error = NULL, lease_owner = NULL,
                                  lease_expires_at = NULL, body = )SQL" DH_SCRUBBED_BODY R"SQL(
WHERE id = $2::uuid AND lease_owner = $1 AND status = 'pending')SQL";

constexpr const char* kRetry = R"SQL(
UPDATE platform_notifications SET next_attempt_at = now() + make_interval(secs => $3), last_error = $4,
                                  attempts = attempts - CASE WHEN $5 THEN 0 ELSE 1 END, lease_owner = NULL,
                                  lease_expires_at = NULL
WHERE id = $2::uuid AND lease_owner = $1 AND status = 'pending')SQL";

constexpr const char* kFailed = R"SQL(
UPDATE platform_notifications SET status = 'failed', last_error = $3, lease_owner = NULL, lease_expires_at = NULL,
                                  body = )SQL" DH_SCRUBBED_BODY R"SQL(
WHERE id = $2::uuid AND lease_owner = $1 AND status = 'pending')SQL";

}  // namespace

std::vector<std::string> unresolved(db::Tx& tx, int limit) {
    auto r = tx.exec(kUnresolved, {limit});
    std::vector<std::string> out;
    for (int i = 0; i < r.rows(); ++i) out.push_back(r.text(i, "id"));
    return out;
}

void queue_for_tenant_admins(db::Tx& tx, const std::string& tenant_id, const std::string& event,
                             const std::string& subject, const std::string& body) {
    tx.exec(kQueueForTenantAdmins, {tenant_id, event, subject, body});
}

std::vector<Recipient> recipients(db::Tx& tx, const std::string& id) {
    auto r = tx.exec(kRecipients, {id});
    std::vector<Recipient> out;
    for (int i = 0; i < r.rows(); ++i) out.push_back({r.text(i, "email"), r.text(i, "name")});
    return out;
}

void assign(db::Tx& tx, const std::string& id, const std::vector<Recipient>& recipients) {
    if (recipients.empty()) return;
    tx.exec(kAssign, {id, recipients.front().email, recipients.front().name});
    if (recipients.size() == 1) return;
    std::vector<std::string> emails, names;
    for (std::size_t i = 1; i < recipients.size(); ++i) {
        emails.push_back(recipients[i].email);
        names.push_back(recipients[i].name);
    }
    tx.exec(kCopy, {id, db::text_array(emails), db::text_array(names)});
}

void drop(db::Tx& tx, const std::string& id, const std::string& reason) {
    tx.exec(kDrop, {id, reason});
}

std::vector<Claimed> claim(db::Tx& tx, const std::string& owner, int limit, int lease_seconds) {
    auto r = tx.exec(kClaim, {owner, limit, lease_seconds});
    std::vector<Claimed> out;
    for (int i = 0; i < r.rows(); ++i)
        out.push_back({r.text(i, "id"),
                       {r.text(i, "recipient"), r.text(i, "recipient_name")},
                       r.text(i, "subject"),
                       r.text(i, "body"),
                       static_cast<int>(r.integer(i, "attempts")),
                       r.integer(i, "age")});
    return out;
}

void renew(db::Tx& tx, const std::string& owner, const std::vector<std::string>& ids, int lease_seconds) {
    tx.exec(kRenew, {owner, db::text_array(ids), lease_seconds});
}

void record(db::Tx& tx, const std::string& owner, const std::vector<Outcome>& outcomes) {
    for (auto& o : outcomes) {
        switch (o.kind) {
            case Outcome::Kind::sent:
                tx.exec(kSent, {owner, o.id});
                break;
            case Outcome::Kind::retry:
                tx.exec(kRetry, {owner, o.id, o.delay_seconds, o.reason, o.counted});
                break;
            case Outcome::Kind::failed:
                tx.exec(kFailed, {owner, o.id, o.reason});
                break;
        }
    }
}

}  // namespace dh::delivery::notification_store
