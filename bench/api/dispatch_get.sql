-- GET /api/v1/dispatches/{id} (dispatch/dispatch_reader.cpp view -> dispatch_store.cpp kById): the
-- dispatch with its per-status counts (summed from dispatch_status_counts, migration 0026). A dispatch
-- without shared attachments needs no other statement.
BEGIN;
SET LOCAL ROLE dispatchhub_app;
SELECT set_config('app.tenant_id', :tenant_id, true);
SELECT
  d.id, d.tenant_id, d.status, d.subject, d.body_markdown, d.body_html, d.sender_identity_id, d.from_email, d.from_name,
  d.reply_to, d.recipients::text AS recipients, array_to_string(d.attachment_ids, ',') AS attachment_ids,
  to_char(d.send_at AT TIME ZONE 'UTC', E'YYYY-MM-DD"T"HH24\072MI\072SS"Z"') AS send_at, d.reference, d.is_test,
  to_char(d.period_start, 'YYYY-MM-DD') AS period_start, d.recipients_total,
  to_char(d.created_at AT TIME ZONE 'UTC', E'YYYY-MM-DD"T"HH24\072MI\072SS.US"Z"') AS created_at,
  to_char(d.updated_at AT TIME ZONE 'UTC', E'YYYY-MM-DD"T"HH24\072MI\072SS"Z"') AS updated_at,
  to_char(d.completed_at AT TIME ZONE 'UTC', E'YYYY-MM-DD"T"HH24\072MI\072SS"Z"') AS completed_at,
  (SELECT coalesce(jsonb_object_agg(x.status, x.n), '{}') FROM (SELECT c.status, sum(c.n)::bigint AS n FROM dispatch_status_counts c WHERE c.dispatch_id = d.id GROUP BY c.status HAVING sum(c.n) <> 0) x)::text AS counts,
  (SELECT coalesce(json_agg(json_build_object('attachment_id', ra.attachment_id, 'vendor_id', ra.vendor_id,
                                              'vendor_code', v.code, 'filename', a.filename)
                            ORDER BY v.code, a.filename), '[]')::text
   FROM dispatch_recipient_attachments ra JOIN attachments a ON a.id = ra.attachment_id
   LEFT JOIN vendors v ON v.id = ra.vendor_id WHERE ra.dispatch_id = d.id) AS recipient_attachments,
  CASE WHEN d.status IN ('scheduled', 'queued', 'sending') THEN coalesce(
    (SELECT 'Held: the sending domain ' || s.domain || ' fails its DNS check (DKIM or ownership record); '
            'sending resumes when the domain verifies again.'
     FROM sending_domains s
     WHERE s.tenant_id = d.tenant_id AND s.domain = lower(split_part(d.from_email, '@', 2)) AND s.status = 'failing'),
    CASE WHEN d.status <> 'scheduled' THEN
      (SELECT w.relay_problem FROM worker_heartbeats w
       WHERE w.relay_problem IS NOT NULL AND w.seen_at > now() - interval '30 seconds' ORDER BY w.seen_at DESC LIMIT 1)
    END)
  END AS relay_problem
FROM dispatches d WHERE d.id = :dispatch_id::uuid;
COMMIT;
