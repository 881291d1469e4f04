-- GET /api/v1/vendors?limit=50 (vendors/vendor_store.cpp, kList): no filter, first page.
-- The :null_* variables are never defined: pgbench -M prepared sends an undefined variable as NULL,
-- as the server sends the absent filters (bench/api_bench.sh checks this before relying on it).
-- pgbench numbers each use of a variable as its own parameter where the server reuses $1..$4. The
-- server starts the first page after ('', the zero uuid); pgbench -D takes no empty value, so the
-- name is ' ', which sorts before every name as '' does.
BEGIN;
SET LOCAL ROLE dispatchhub_app;
SELECT set_config('app.tenant_id', :tenant_id, true);
SELECT v.id, v.name, v.code, v.category, array_to_json(v.tags)::text AS tags, v.status, v.notes,
  v.custom_fields::text AS custom_fields,
  to_char(v.created_at AT TIME ZONE 'UTC', E'YYYY-MM-DD"T"HH24\072MI\072SS.MS"Z"') AS created_at,
  to_char(v.updated_at AT TIME ZONE 'UTC', E'YYYY-MM-DD"T"HH24\072MI\072SS.MS"Z"') AS updated_at,
  (SELECT count(*) FROM vendor_contacts c WHERE c.vendor_id = v.id) AS contact_count
FROM vendors v
WHERE v.deleted_at IS NULL AND (:null_q::text IS NULL OR v.name ILIKE :null_q OR v.code ILIKE :null_q
    OR EXISTS (SELECT 1 FROM vendor_contacts c WHERE c.vendor_id = v.id AND c.email ILIKE :null_q))
  AND (:null_status::text IS NULL OR v.status = :null_status)
  AND (:null_tag::text IS NULL OR :null_tag = ANY (v.tags))
  AND (:null_list::uuid IS NULL OR EXISTS (SELECT 1 FROM vendor_list_members m
                                           WHERE m.vendor_id = v.id AND m.list_id = :null_list))
  AND (v.name, v.id) > (:after_name, :after_id::uuid)
ORDER BY v.name, v.id LIMIT :page_limit;
COMMIT;
