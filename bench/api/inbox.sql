-- GET /api/v1/inbox (inbox/inbox_service.cpp list -> inbox_store.cpp kList): the first 50 messages
-- that are not archived. The :null_* variables are never defined and go as NULL (see vendor_list.sql).
BEGIN;
SET LOCAL ROLE dispatchhub_app;
SELECT set_config('app.tenant_id', :tenant_id, true);
SELECT
  m.id, m.tenant_id, m.kind, m.routed_by, m.vendor_id, m.contact_id, m.dispatch_id, m.delivery_id, m.from_address,
  m.from_name, m.to_addresses, m.subject, m.message_id, m.in_reply_to, m.has_html, m.bounce_status, m.diagnostic,
  m.parse_error, m.envelope_from, m.raw_path, m.size_bytes, m.is_read, m.archived, v.name AS vendor_name,
  to_char(m.received_at AT TIME ZONE 'UTC', E'YYYY-MM-DD"T"HH24\072MI\072SS.US"Z"') AS received_at,
  '' AS text_body, '' AS html_text
FROM inbox_messages m LEFT JOIN vendors v ON v.id = m.vendor_id
WHERE (NOT :unread_only::boolean OR NOT m.is_read) AND (:include_archived::boolean OR NOT m.archived)
  AND (:null_vendor::uuid IS NULL OR m.vendor_id = :null_vendor::uuid)
  AND (:null_dispatch::uuid IS NULL OR m.dispatch_id = :null_dispatch::uuid)
  AND (:null_kind::text IS NULL OR m.kind = :null_kind)
  AND (:null_time::timestamptz IS NULL OR (m.received_at, m.id) < (:null_time::timestamptz, :null_id::uuid))
ORDER BY m.received_at DESC, m.id DESC LIMIT :inbox_limit;
COMMIT;
