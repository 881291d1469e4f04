-- Per-tenant counts of live vendors and of users, kept by triggers in the transaction that adds or
-- removes the rows: a plan limit is checked against this one row, locked by the creator
-- (vendor_store::lock_vendor_count, user_store::lock_user_count), instead of counting every vendor
-- of the tenant under a tenant-wide lock. The cost of creating a vendor no longer grows with the
-- tenant, and concurrent creators cannot both take the last place.
CREATE TABLE tenant_counts (
  tenant_id uuid PRIMARY KEY REFERENCES tenants(id) ON DELETE CASCADE,
  vendors bigint NOT NULL DEFAULT 0 CHECK (vendors >= 0),
  users bigint NOT NULL DEFAULT 0 CHECK (users >= 0)
);

-- The counts as they stand. vendors and users force row-level security; the owner running this
-- migration needs it lifted meanwhile.
ALTER TABLE vendors NO FORCE ROW LEVEL SECURITY;
ALTER TABLE users NO FORCE ROW LEVEL SECURITY;
INSERT INTO tenant_counts (tenant_id, vendors, users)
SELECT t.id,
       (SELECT count(*) FROM vendors v WHERE v.tenant_id = t.id AND v.deleted_at IS NULL),
       (SELECT count(*) FROM users u WHERE u.tenant_id = t.id)
FROM tenants t;
ALTER TABLE vendors FORCE ROW LEVEL SECURITY;
ALTER TABLE users FORCE ROW LEVEL SECURITY;
SELECT dh_enable_tenant_rls('tenant_counts');

-- Every tenant has its row from the start.
CREATE FUNCTION dh_tenant_counts_row() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO tenant_counts (tenant_id) SELECT id FROM new_rows;
  RETURN NULL;
END $$;
CREATE TRIGGER tenants_counts_row AFTER INSERT ON tenants
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION dh_tenant_counts_row();

-- Vendors: inserted and hard-deleted rows once per statement (an import adds thousands in one),
-- soft deletes and restores per row (a changed deleted_at is rare; the WHEN clause keeps every other
-- update free of the trigger).
CREATE FUNCTION dh_count_vendor_rows() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    UPDATE tenant_counts c SET vendors = c.vendors + d.n
    FROM (SELECT tenant_id, count(*) AS n FROM new_rows WHERE deleted_at IS NULL GROUP BY tenant_id) d
    WHERE c.tenant_id = d.tenant_id;
  ELSE
    UPDATE tenant_counts c SET vendors = c.vendors - d.n
    FROM (SELECT tenant_id, count(*) AS n FROM old_rows WHERE deleted_at IS NULL GROUP BY tenant_id) d
    WHERE c.tenant_id = d.tenant_id;
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER vendors_count_insert AFTER INSERT ON vendors
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION dh_count_vendor_rows();
CREATE TRIGGER vendors_count_delete AFTER DELETE ON vendors
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION dh_count_vendor_rows();

CREATE FUNCTION dh_count_vendor_state() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  UPDATE tenant_counts SET vendors = vendors + CASE WHEN NEW.deleted_at IS NULL THEN 1 ELSE -1 END
  WHERE tenant_id = NEW.tenant_id;
  RETURN NULL;
END $$;
CREATE TRIGGER vendors_count_state AFTER UPDATE OF deleted_at ON vendors
  FOR EACH ROW WHEN ((OLD.deleted_at IS NULL) <> (NEW.deleted_at IS NULL))
  EXECUTE FUNCTION dh_count_vendor_state();

-- Users of a tenant (super admins have none).
CREATE FUNCTION dh_count_user_rows() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    UPDATE tenant_counts c SET users = c.users + d.n
    FROM (SELECT tenant_id, count(*) AS n FROM new_rows WHERE tenant_id IS NOT NULL GROUP BY tenant_id) d
    WHERE c.tenant_id = d.tenant_id;
  ELSE
    UPDATE tenant_counts c SET users = c.users - d.n
    FROM (SELECT tenant_id, count(*) AS n FROM old_rows WHERE tenant_id IS NOT NULL GROUP BY tenant_id) d
    WHERE c.tenant_id = d.tenant_id;
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER users_count_insert AFTER INSERT ON users
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION dh_count_user_rows();
CREATE TRIGGER users_count_delete AFTER DELETE ON users
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION dh_count_user_rows();
