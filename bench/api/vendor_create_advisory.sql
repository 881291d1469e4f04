-- POST /api/v1/vendors with 2 contacts, as the server ran it before migration 0021: a tenant-wide
-- advisory lock, the plan limit, a count of the tenant's live vendors, the insert, one insert per
-- contact, then the vendor read back with its contacts and lists (vendors/vendor_store.cpp kLock,
-- kLimit, kCount, kInsert, kInsertContact, kFind, kContacts, kLists). Used when the database has no
-- tenant_counts table.
\set seq :seq + 1
\set code :code_base + :client_id * 100000000 + :seq
BEGIN;
SET LOCAL ROLE dispatchhub_app;
SELECT set_config('app.tenant_id', :tenant_id, true);
SELECT pg_advisory_xact_lock(hashtextextended('vendors\072' || :tenant_id, 0));
SELECT vendors AS lim FROM effective_limits(:tenant_id::uuid);
SELECT count(*) AS n FROM vendors WHERE deleted_at IS NULL;
INSERT INTO vendors (tenant_id, name, code, category, tags, status, notes, custom_fields)
VALUES (:tenant_id, :code, :code, :category, ARRAY(SELECT jsonb_array_elements_text(:tags::jsonb)), :status, :notes,
        :custom_fields::jsonb)
ON CONFLICT (tenant_id, code) DO NOTHING
RETURNING id
\gset new_
INSERT INTO vendor_contacts (tenant_id, vendor_id, name, email, role, is_primary)
VALUES (:tenant_id, :new_id, :contact1_name, :contact1_email, :contact1_role, :contact1_primary)
ON CONFLICT (vendor_id, email) DO NOTHING
RETURNING id, name, email, role, is_primary;
INSERT INTO vendor_contacts (tenant_id, vendor_id, name, email, role, is_primary)
VALUES (:tenant_id, :new_id, :contact2_name, :contact2_email, :contact2_role, :contact2_primary)
ON CONFLICT (vendor_id, email) DO NOTHING
RETURNING id, name, email, role, is_primary;
SELECT v.id, v.name, v.code, v.category, array_to_json(v.tags)::text AS tags, v.status, v.notes,
  v.custom_fields::text AS custom_fields,
  to_char(v.created_at AT TIME ZONE 'UTC', E'YYYY-MM-DD"T"HH24\072MI\072SS.MS"Z"') AS created_at,
  to_char(v.updated_at AT TIME ZONE 'UTC', E'YYYY-MM-DD"T"HH24\072MI\072SS.MS"Z"') AS updated_at,
  (SELECT count(*) FROM vendor_contacts c WHERE c.vendor_id = v.id) AS contact_count
FROM vendors v WHERE v.id = :new_id AND v.deleted_at IS NULL;
SELECT id, name, email, role, is_primary FROM vendor_contacts WHERE vendor_id = :new_id
ORDER BY is_primary DESC, created_at, email;
SELECT l.id, l.name FROM vendor_list_members m JOIN vendor_lists l ON l.id = m.list_id
WHERE m.vendor_id = :new_id ORDER BY l.name;
COMMIT;
