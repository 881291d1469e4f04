-- Vendors, their contacts, vendor lists, the suppression list and CSV import jobs.
-- Child tables reference their parent through (tenant_id, id), so that even a buggy statement
-- cannot attach a row of one tenant to another tenant's vendor or list.

CREATE TABLE vendors (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  code text CHECK (code IS NULL OR length(code) BETWEEN 1 AND 64),
  category text CHECK (category IS NULL OR length(category) <= 100),
  tags text[] NOT NULL DEFAULT '{}',
  status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'inactive')),
  notes text CHECK (notes IS NULL OR length(notes) <= 10000),
  custom_fields jsonb NOT NULL DEFAULT '{}'::jsonb CHECK (jsonb_typeof(custom_fields) = 'object'),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (tenant_id, id),
  UNIQUE (tenant_id, code)  -- NULLs are distinct: vendors without a code never collide
);
SELECT dh_enable_tenant_rls('vendors');
-- Keyset pagination of the list and the export (ORDER BY name, id).
CREATE INDEX vendors_tenant_name ON vendors (tenant_id, name, id);

CREATE TABLE vendor_contacts (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  vendor_id uuid NOT NULL,
  name text NOT NULL DEFAULT '' CHECK (length(name) <= 200),
  email text NOT NULL CHECK (length(email) BETWEEN 3 AND 254),
  role text CHECK (role IS NULL OR length(role) BETWEEN 1 AND 100),
  is_primary boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  FOREIGN KEY (tenant_id, vendor_id) REFERENCES vendors (tenant_id, id) ON DELETE CASCADE,
  UNIQUE (vendor_id, email)
);
SELECT dh_enable_tenant_rls('vendor_contacts');
CREATE UNIQUE INDEX vendor_contacts_one_primary ON vendor_contacts (vendor_id) WHERE is_primary;

CREATE TABLE vendor_lists (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  description text CHECK (description IS NULL OR length(description) <= 2000),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (tenant_id, id),
  UNIQUE (tenant_id, name)
);
SELECT dh_enable_tenant_rls('vendor_lists');

CREATE TABLE vendor_list_members (
  tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  list_id uuid NOT NULL,
  vendor_id uuid NOT NULL,
  contact_role text CHECK (contact_role IS NULL OR length(contact_role) BETWEEN 1 AND 100),
  added_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (list_id, vendor_id),
  FOREIGN KEY (tenant_id, list_id) REFERENCES vendor_lists (tenant_id, id) ON DELETE CASCADE,
  FOREIGN KEY (tenant_id, vendor_id) REFERENCES vendors (tenant_id, id) ON DELETE CASCADE
);
SELECT dh_enable_tenant_rls('vendor_list_members');
CREATE INDEX vendor_list_members_vendor ON vendor_list_members (vendor_id);

-- Addresses that are never mailed. Same normalization as vendor_contacts.email.
CREATE TABLE suppressions (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  address text NOT NULL CHECK (length(address) BETWEEN 3 AND 254),
  reason text NOT NULL CHECK (reason IN ('bounce', 'complaint', 'manual', 'unsubscribe')),
  source text CHECK (source IS NULL OR length(source) <= 200),
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (tenant_id, address)
);
SELECT dh_enable_tenant_rls('suppressions');
CREATE INDEX suppressions_tenant_time ON suppressions (tenant_id, created_at DESC, id DESC);

-- CSV imports; large ones run in the background and report progress here. heartbeat_at moves with
-- every batch, so a job whose process died shows as failed instead of running forever.
CREATE TABLE import_jobs (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  status text NOT NULL DEFAULT 'running' CHECK (status IN ('running', 'completed', 'failed')),
  rows_processed bigint NOT NULL DEFAULT 0,
  bytes_processed bigint NOT NULL DEFAULT 0,
  bytes_total bigint NOT NULL DEFAULT 0,
  report jsonb,
  error text,
  created_by uuid,  -- user or API key id (no foreign key: either table)
  created_at timestamptz NOT NULL DEFAULT now(),
  heartbeat_at timestamptz NOT NULL DEFAULT now(),
  finished_at timestamptz
);
SELECT dh_enable_tenant_rls('import_jobs');
