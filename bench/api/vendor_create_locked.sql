-- POST /api/v1/vendors with 2 contacts, as a server with migrations 0021 (tenant_counts) and without
-- 0023 runs it:
-- the tenant's counter row locked with the plan limit, the vendor inserted and returned, both contacts
-- in one statement; no read-back (vendors/vendor_store.cpp kLockCount, kInsert, kInsertContacts).
-- :code is unique per transaction (client number, a per-client counter and a per-run base).
\set seq :seq + 1
\set code :code_base + :client_id * 100000000 + :seq
BEGIN;
SET LOCAL ROLE dispatchhub_app;
SELECT set_config('app.tenant_id', :tenant_id, true);
SELECT c.vendors AS n, l.vendors AS lim FROM tenant_counts c CROSS JOIN effective_limits(:tenant_id::uuid) l
WHERE c.tenant_id = :tenant_id::uuid FOR UPDATE OF c;
INSERT INTO vendors AS v (tenant_id, name, code, category, tags, status, notes, custom_fields)
VALUES (:tenant_id, :code, :code, :category, ARRAY(SELECT jsonb_array_elements_text(:tags::jsonb)), :status, :notes,
        :custom_fields::jsonb)
ON CONFLICT (tenant_id, code) DO NOTHING
RETURNING v.id, v.name, v.code, v.category, array_to_json(v.tags)::text AS tags, v.status, v.notes,
  v.custom_fields::text AS custom_fields,
  to_char(v.created_at AT TIME ZONE 'UTC', E'YYYY-MM-DD"T"HH24\072MI\072SS.MS"Z"') AS created_at,
  to_char(v.updated_at AT TIME ZONE 'UTC', E'YYYY-MM-DD"T"HH24\072MI\072SS.MS"Z"') AS updated_at,
  (SELECT count(*) FROM vendor_contacts c WHERE c.vendor_id = v.id) AS contact_count
\gset new_
WITH added AS (
  INSERT INTO vendor_contacts (tenant_id, vendor_id, name, email, role, is_primary)
  SELECT :tenant_id, :new_id, c.name, c.email, c.role, c.is_primary
  FROM jsonb_to_recordset(:contacts_json::jsonb) AS c(name text, email text, role text, is_primary boolean)
  ON CONFLICT (vendor_id, email) DO NOTHING
  RETURNING id, name, email, role, is_primary
)
SELECT * FROM added ORDER BY is_primary DESC, email;
COMMIT;
