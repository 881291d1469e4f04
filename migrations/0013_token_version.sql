-- Immediate revocation of access tokens. Every access token carries the token_version of its user
-- (claim `ver`); each request compares it with the stored one, so raising the number ends every
-- access token of that user at once instead of when it expires (up to 15 minutes later).
ALTER TABLE users ADD COLUMN token_version bigint NOT NULL DEFAULT 0;

-- A change of password, role or status (disable, enable) ends the user's access tokens, whichever
-- code path or SQL made it: the rule lives here so that no path can forget it.
CREATE FUNCTION dh_users_token_version() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.password_hash IS DISTINCT FROM OLD.password_hash OR NEW.role IS DISTINCT FROM OLD.role
     OR NEW.status IS DISTINCT FROM OLD.status THEN
    NEW.token_version := OLD.token_version + 1;
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER users_token_version BEFORE UPDATE ON users FOR EACH ROW EXECUTE FUNCTION dh_users_token_version();

-- Suspending (or reactivating) a tenant ends the access tokens of all its users: a token issued
-- before a suspension does not come back to life when the tenant is activated again.
CREATE FUNCTION dh_tenants_token_version() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.status IS DISTINCT FROM OLD.status THEN
    UPDATE users SET token_version = token_version + 1 WHERE tenant_id = NEW.id;
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER tenants_token_version AFTER UPDATE ON tenants FOR EACH ROW EXECUTE FUNCTION dh_tenants_token_version();
