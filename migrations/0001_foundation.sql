-- Foundation: helpers every tenant table uses.
-- Runs as dispatchhub_owner (see src/db/migrate.cpp), so every object here is owned by the schema
-- owner, never by the application role.

-- The tenant of the current transaction, from SET LOCAL app.tenant_id; '' or unset means none,
-- which makes every tenant-scoped policy match zero rows.
CREATE FUNCTION app_current_tenant() RETURNS uuid
LANGUAGE sql STABLE AS $$
  SELECT NULLIF(current_setting('app.tenant_id', true), '')::uuid
$$;

-- Puts a table with a tenant_id column under forced row-level security:
--   dispatchhub_app sees and writes only rows of app_current_tenant();
--   dispatchhub_platform (the explicit cross-tenant path) sees all rows.
-- Every tenant table calls this right after CREATE TABLE.
CREATE FUNCTION dh_enable_tenant_rls(target regclass) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
  EXECUTE format('ALTER TABLE %s ENABLE ROW LEVEL SECURITY', target);
  EXECUTE format('ALTER TABLE %s FORCE ROW LEVEL SECURITY', target);
  EXECUTE format('CREATE POLICY tenant_isolation ON %s TO dispatchhub_app '
                 'USING (tenant_id = app_current_tenant()) WITH CHECK (tenant_id = app_current_tenant())', target);
  EXECUTE format('CREATE POLICY platform_access ON %s TO dispatchhub_platform USING (true) WITH CHECK (true)', target);
END $$;
