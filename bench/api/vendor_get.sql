-- GET /api/v1/vendors/{id} (vendors/vendor_service.cpp get -> vendor_store::find_detail): the vendor,
-- its contacts, its lists. pgbench cannot draw a random uuid: it draws a number and looks the vendor
-- up in bench_vendor_ids (a statement the server does not run, outside the transaction).
\set i random(1, :vendor_count)
SELECT id AS vendor_id FROM bench_vendor_ids WHERE n = :i \gset
BEGIN;
SET LOCAL ROLE dispatchhub_app;
SELECT set_config('app.tenant_id', :tenant_id, true);
SELECT v.id, v.name, v.code, v.category, array_to_json(v.tags)::text AS tags, v.status, v.notes,
  v.custom_fields::text AS custom_fields,
  to_char(v.created_at AT TIME ZONE 'UTC', E'YYYY-MM-DD"T"HH24\072MI\072SS.MS"Z"') AS created_at,
  to_char(v.updated_at AT TIME ZONE 'UTC', E'YYYY-MM-DD"T"HH24\072MI\072SS.MS"Z"') AS updated_at,
  (SELECT count(*) FROM vendor_contacts c WHERE c.vendor_id = v.id) AS contact_count
FROM vendors v WHERE v.id = :vendor_id AND v.deleted_at IS NULL;
SELECT id, name, email, role, is_primary FROM vendor_contacts WHERE vendor_id = :vendor_id
ORDER BY is_primary DESC, created_at, email;
SELECT l.id, l.name FROM vendor_list_members m JOIN vendor_lists l ON l.id = m.list_id
WHERE m.vendor_id = :vendor_id ORDER BY l.name;
COMMIT;
