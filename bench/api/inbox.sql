-- GET /api/v1/inbox (inbox/inbox_service.cpp list -> inbox_store.cpp kListFrom, the filters that
-- apply, kListOrder): the first 50 messages that are not archived. Unfiltered, the only condition is
-- the default one (archived messages are left out).
BEGIN;
SET LOCAL ROLE dispatchhub_app;
SELECT set_config('app.tenant_id', :tenant_id, true);
SELECT
  m.id, m.tenant_id, m.kind, m.routed_by, m.vendor_id, m.contact_id, m.dispatch_id, m.delivery_id, m.from_address,
  m.from_name, m.to_addresses, m.subject, m.message_id, m.in_reply_to, m.has_html, m.bounce_status, m.diagnostic,
  m.parse_error, m.envelope_from, m.raw_path, m.size_bytes, m.is_read, m.archived,
  (SELECT v.name FROM vendors v WHERE v.id = m.vendor_id) AS vendor_name,
  to_char(m.received_at AT TIME ZONE 'UTC', E'YYYY-MM-DD"T"HH24\072MI\072SS.US"Z"') AS received_at,
  '' AS text_body, '' AS html_text
FROM inbox_messages m
WHERE true AND (NOT m.archived)
ORDER BY m.received_at DESC, m.id DESC LIMIT :inbox_limit;
COMMIT;
