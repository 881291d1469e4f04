#pragma once
#include <string>

/// The transactional outbox of webhook events: SQL that state-changing statements take into their
/// own WITH clause, so an event commits (or rolls back) with the change it reports.
namespace dh::webhooks::event_outbox {

/// Event types, as endpoints subscribe to them.
constexpr const char* kDeliverySent = "delivery.sent";
constexpr const char* kDeliveryFailed = "delivery.failed";
constexpr const char* kDeliveryBounced = "delivery.bounced";
constexpr const char* kDispatchCompleted = "dispatch.completed";
constexpr const char* kInboxReceived = "inbox.received";

/// What a statement reporting delivery changes returns from `deliveries l`, for delivery_data().
constexpr const char* kDeliveryColumns =
    "l.id, l.tenant_id, l.dispatch_id, l.email, l.vendor_id, l.status, l.smtp_code, l.reason, l.relay_reply, "
    "l.updated_at";
/// The data of a delivery.* event over a source CTE row `s` with kDeliveryColumns.
std::string delivery_data();

/// What a statement completing dispatches returns from `dispatches d`, for dispatch_completed_data().
constexpr const char* kDispatchCompletedColumns =
    "d.id, d.tenant_id, d.subject, d.reference, d.is_test, d.recipients_total, d.completed_at";
/// The data of a dispatch.completed event over a row `s` with kDispatchCompletedColumns.
std::string dispatch_completed_data();

/// Whether `type` is one of the event types above.
bool is_event_type(const std::string& type);

/// Common table expressions (", name_events AS (…), name_deliveries AS (…)") to append to a WITH
/// clause: for each row `s` of the CTE `source` (which has a tenant_id column), an event of `type`
/// with `data_sql` (a jsonb expression over `s`) and a delivery for every endpoint of that tenant
/// subscribed to `type`. Rows of tenants without such an endpoint write nothing, and a database
/// without any endpoint skips the source rows altogether: the send path stays as fast as before.
std::string emit(const std::string& name, const std::string& source, const std::string& type,
                 const std::string& data_sql);

}  // namespace dh::webhooks::event_outbox
