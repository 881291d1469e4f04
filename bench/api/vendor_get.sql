-- GET /api/v1/vendors/{id} (vendors/vendor_service.cpp get -> vendor_store::find_detail): the vendor
-- with its contacts and its lists, in one statement. pgbench cannot draw a random uuid: it draws a number and looks the vendor
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
  ,(SELECT json_agg(json_build_array(c.id, c.name, c.email, c.role, c.is_primary)
                   ORDER BY c.is_primary DESC, c.created_at, c.email)
     FROM vendor_contacts c WHERE c.vendor_id = v.id)::text AS contacts,
  (SELECT json_agg(json_build_array(l.id, l.name) ORDER BY l.name)
     FROM vendor_list_members m JOIN vendor_lists l ON l.id = m.list_id WHERE m.vendor_id = v.id)::text AS lists
FROM vendors v WHERE v.id = :vendor_id AND v.deleted_at IS NULL;
COMMIT;
