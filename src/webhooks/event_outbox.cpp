#include "webhooks/event_outbox.hpp"

#include <fmt/format.h>

#include "db/sql_text.hpp"
#include "delivery/status_counts_sql.hpp"

namespace dh::webhooks::event_outbox {

bool is_event_type(const std::string& type) {
    for (auto* known : {kDeliverySent, kDeliveryFailed, kDeliveryBounced, kDispatchCompleted, kInboxReceived})
        if (type == known) return true;
    return false;
}

std::string delivery_data() {
    return "jsonb_build_object('delivery_id', s.id, 'dispatch_id', s.dispatch_id, 'email', s.email, 'vendor_id', "
           "s.vendor_id, 'status', s.status, 'smtp_code', s.smtp_code, 'reason', s.reason, 'relay_reply', "
           "s.relay_reply, "
           "'at', " DH_SQL_TIMESTAMP("s.updated_at") ")";
}

std::string dispatch_completed_data() {
    return R"SQL(
  jsonb_build_object('dispatch_id', s.id, 'subject', s.subject, 'reference', s.reference, 'is_test', s.is_test,
    'recipients_total', s.recipients_total, 'completed_at', )SQL" DH_SQL_TIMESTAMP("s.completed_at") R"SQL(,
    'counts', )SQL" DH_SQL_DISPATCH_COUNTS("s.id") ")";
}

// The uncorrelated EXISTS is evaluated once per statement (a one-time filter): with no endpoint at
// all, the source rows are not even looked at. Types come from the constants above, never from
// input, so they can be spelled into the SQL text.
std::string emit(const std::string& name, const std::string& source, const std::string& type,
                 const std::string& data_sql) {
    return fmt::format(R"SQL(, {0}_events AS (
  INSERT INTO webhook_events (tenant_id, type, data)
  SELECT s.tenant_id, '{2}', {3} FROM {1} s
  WHERE EXISTS (SELECT 1 FROM webhook_endpoints)
    AND EXISTS (SELECT 1 FROM webhook_endpoints e WHERE e.tenant_id = s.tenant_id AND '{2}' = ANY (e.events))
  RETURNING id, tenant_id
), {0}_deliveries AS (
  INSERT INTO webhook_deliveries (tenant_id, event_id, endpoint_id)
  SELECT ev.tenant_id, ev.id, e.id FROM {0}_events ev
  JOIN webhook_endpoints e ON e.tenant_id = ev.tenant_id AND '{2}' = ANY (e.events)
))SQL",
                       name, source, type, data_sql);
}

}  // namespace dh::webhooks::event_outbox
