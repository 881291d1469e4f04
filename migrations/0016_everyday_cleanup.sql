-- Everyday clean-up and account self-service: soft-deleted vendors, undoable imports, password
-- change and reset by mail, deliveries in natural order.

-- A deleted vendor keeps its row, so the Sent view and the audit log still name it; it leaves every
-- list, search and new dispatch. Its code moves to deleted_code, so the code can be given to a new
-- vendor (the (tenant_id, code) key stays as it is for every other path).
ALTER TABLE vendors ADD COLUMN deleted_at timestamptz, ADD COLUMN deleted_code text;
CREATE INDEX vendors_live_name ON vendors (tenant_id, name, id) WHERE deleted_at IS NULL;

-- Undo of an import: what each import created, and what the vendors it updated looked like before
-- (fields, contacts, list memberships), so that undo can soft-delete the one and restore the other.
ALTER TABLE import_jobs DROP CONSTRAINT import_jobs_status_check;
ALTER TABLE import_jobs ADD CONSTRAINT import_jobs_status_check CHECK (status IN ('running', 'completed', 'failed', 'undone'));
ALTER TABLE import_jobs ADD COLUMN undone_at timestamptz;

CREATE TABLE import_changes (
  tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  import_id uuid NOT NULL REFERENCES import_jobs(id) ON DELETE CASCADE,
  vendor_id uuid NOT NULL,
  created boolean NOT NULL,  -- true: the import created the vendor; false: it updated it
  before jsonb,              -- the vendor as it was before the import (updated vendors only)
  PRIMARY KEY (import_id, vendor_id)
);
SELECT dh_enable_tenant_rls('import_changes');

-- Password reset by mail: only a hash of the token is stored; a token is used once and expires.
CREATE TABLE password_resets (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  token_hash text NOT NULL UNIQUE,
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL,
  used_at timestamptz
);
SELECT dh_enable_tenant_rls('password_resets');
CREATE INDEX password_resets_user ON password_resets (user_id, created_at);

-- The reset mail goes out as a platform notification addressed to the user directly (no ticket).
ALTER TABLE platform_notifications ALTER COLUMN ticket_id DROP NOT NULL;
ALTER TABLE platform_notifications DROP CONSTRAINT platform_notifications_audience_check;
ALTER TABLE platform_notifications ADD CONSTRAINT platform_notifications_audience_check
  CHECK (audience IN ('platform', 'tenant', 'user'));

-- Deliveries listed in natural order: contact2@ before contact10@ (ICU numeric collation).
CREATE COLLATION dh_natural (provider = icu, locale = 'und-u-kn-true');
CREATE INDEX deliveries_dispatch_natural ON deliveries (dispatch_id, (email COLLATE dh_natural), id);
