-- POST /api/v1/vendors with 2 contacts, as the server runs it (vendors/vendor_store.cpp
-- kInsertWithContacts, kVendorRoom): the vendor and both contacts in one statement, then the plan
-- limit checked on the tenant's counter row (migration 0023), then COMMIT; the server sends all of it
-- in one round trip, pgbench one statement at a time.
-- :code is unique per transaction (client number, a per-client counter and a per-run base).
\set seq :seq + 1
\set code :code_base + :client_id * 100000000 + :seq
BEGIN;
SET LOCAL ROLE dispatchhub_app;
SELECT set_config('app.tenant_id', :tenant_id, true);
WITH v AS (
  INSERT INTO vendors AS v (tenant_id, name, code, category, tags, status, notes, custom_fields)
  VALUES (:tenant_id, :code, :code, :category, ARRAY(SELECT jsonb_array_elements_text(:tags::jsonb)), :status, :notes,
          :custom_fields::jsonb)
  RETURNING v.id, v.name, v.code, v.category, array_to_json(v.tags)::text AS tags, v.status, v.notes,
    v.custom_fields::text AS custom_fields,
    to_char(v.created_at AT TIME ZONE 'UTC', E'YYYY-MM-DD"T"HH24\072MI\072SS.MS"Z"') AS created_at,
    to_char(v.updated_at AT TIME ZONE 'UTC', E'YYYY-MM-DD"T"HH24\072MI\072SS.MS"Z"') AS updated_at,
    (SELECT count(*) FROM vendor_contacts c WHERE c.vendor_id = v.id) AS contact_count
), added AS (
  INSERT INTO vendor_contacts (tenant_id, vendor_id, name, email, role, is_primary)
  SELECT :tenant_id, v.id, c.name, c.email, c.role, c.is_primary
  FROM v CROSS JOIN jsonb_to_recordset(:contacts_json::jsonb) AS c(name text, email text, role text, is_primary boolean)
  RETURNING id, name, email, role, is_primary
)
SELECT v.*, (SELECT json_agg(json_build_array(a.id, a.name, a.email, a.role, a.is_primary)
                             ORDER BY a.is_primary DESC, a.email) FROM added a)::text AS contacts
FROM v;
SELECT dh_require_vendor_room(:tenant_id::uuid);
COMMIT;
