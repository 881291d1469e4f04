-- Authentication keeps what it read for a few seconds (src/auth/principal_cache.hpp). Every change
-- that can end or narrow a session is announced on channel dispatchhub_principals when its
-- transaction commits, whichever process or SQL made it, so that every server drops what it kept:
--   u:<user id>   a user's token_version changed (password, role or status; every user of a tenant
--                 whose status changed, migration 0013), its email changed, or it was deleted;
--   t:<tenant id> a tenant's status changed or it was deleted (its API keys);
--   k:<key id>    an API key was revoked, changed or deleted.
-- A sign-in's last_login_at and an API key's last_used_at are not changes of the session.
CREATE FUNCTION dh_notify_principal() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  row_id uuid := CASE WHEN TG_OP = 'DELETE' THEN OLD.id ELSE NEW.id END;
BEGIN
  PERFORM pg_notify('dispatchhub_principals', TG_ARGV[0] || ':' || row_id::text);
  RETURN NULL;
END $$;

CREATE TRIGGER users_principal_notice AFTER UPDATE ON users FOR EACH ROW
  WHEN (OLD.token_version IS DISTINCT FROM NEW.token_version OR OLD.email IS DISTINCT FROM NEW.email
        OR OLD.tenant_id IS DISTINCT FROM NEW.tenant_id)
  EXECUTE FUNCTION dh_notify_principal('u');
CREATE TRIGGER users_principal_gone AFTER DELETE ON users FOR EACH ROW EXECUTE FUNCTION dh_notify_principal('u');

CREATE TRIGGER tenants_principal_notice AFTER UPDATE ON tenants FOR EACH ROW
  WHEN (OLD.status IS DISTINCT FROM NEW.status)
  EXECUTE FUNCTION dh_notify_principal('t');
CREATE TRIGGER tenants_principal_gone AFTER DELETE ON tenants FOR EACH ROW EXECUTE FUNCTION dh_notify_principal('t');

CREATE TRIGGER api_keys_principal_notice AFTER UPDATE ON api_keys FOR EACH ROW
  WHEN (OLD.revoked_at IS DISTINCT FROM NEW.revoked_at OR OLD.role IS DISTINCT FROM NEW.role
        OR OLD.key_hash IS DISTINCT FROM NEW.key_hash OR OLD.tenant_id IS DISTINCT FROM NEW.tenant_id)
  EXECUTE FUNCTION dh_notify_principal('k');
CREATE TRIGGER api_keys_principal_gone AFTER DELETE ON api_keys FOR EACH ROW EXECUTE FUNCTION dh_notify_principal('k');
