-- Identity: plans, tenants, users, sessions, API keys, the audit log, login throttling.

-- Plans are platform data: tenant users may read them (their own plan), never change them.
CREATE TABLE plans (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name text NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 100),
  price_cents bigint NOT NULL DEFAULT 0 CHECK (price_cents >= 0),
  currency text NOT NULL DEFAULT 'EUR' CHECK (currency ~ '^[A-Z]{3}$'),
  overage_cents_per_1000 bigint CHECK (overage_cents_per_1000 IS NULL OR overage_cents_per_1000 >= 0),
  emails_per_period bigint NOT NULL CHECK (emails_per_period >= 0),
  recipients_per_dispatch bigint NOT NULL CHECK (recipients_per_dispatch >= 0),
  vendors_limit bigint NOT NULL CHECK (vendors_limit >= 0),
  users_limit bigint NOT NULL CHECK (users_limit >= 0),
  send_rate_per_second numeric NOT NULL CHECK (send_rate_per_second >= 0),  -- 0 = no plan limit
  attachment_bytes bigint NOT NULL CHECK (attachment_bytes >= 0),
  retired boolean NOT NULL DEFAULT false,
  is_default boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX plans_one_default ON plans (is_default) WHERE is_default;
REVOKE INSERT, UPDATE, DELETE ON plans FROM dispatchhub_app;

INSERT INTO plans (name, price_cents, currency, overage_cents_per_1000, emails_per_period, recipients_per_dispatch,
                   vendors_limit, users_limit, send_rate_per_second, attachment_bytes, is_default)
VALUES ('Standard', 4900, 'EUR', 100, 100000, 50000, 100000, 50, 0, 10485760, true);

CREATE TABLE tenants (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  slug text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$'),
  status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'suspended')),
  plan_id uuid NOT NULL REFERENCES plans(id),
  limit_overrides jsonb NOT NULL DEFAULT '{}'::jsonb,
  status_reason text,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
-- A tenant user sees its own tenant row (for /me), read-only.
ALTER TABLE tenants ENABLE ROW LEVEL SECURITY;
ALTER TABLE tenants FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_self ON tenants FOR SELECT TO dispatchhub_app USING (id = app_current_tenant());
CREATE POLICY platform_access ON tenants TO dispatchhub_platform USING (true) WITH CHECK (true);
REVOKE INSERT, UPDATE, DELETE ON tenants FROM dispatchhub_app;

CREATE TABLE users (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id uuid REFERENCES tenants(id) ON DELETE CASCADE,  -- NULL for super admins
  email text NOT NULL CHECK (email = lower(email) AND length(email) <= 254),
  name text NOT NULL DEFAULT '' CHECK (length(name) <= 200),
  role text NOT NULL CHECK (role IN ('super_admin', 'tenant_admin', 'tenant_member')),
  status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'disabled')),
  password_hash text NOT NULL,
  last_login_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CHECK ((role = 'super_admin') = (tenant_id IS NULL))
);
CREATE UNIQUE INDEX users_email_per_tenant ON users (tenant_id, email) WHERE tenant_id IS NOT NULL;
CREATE UNIQUE INDEX users_email_super_admin ON users (email) WHERE tenant_id IS NULL;
CREATE INDEX users_email ON users (email);
SELECT dh_enable_tenant_rls('users');

-- Refresh tokens, stored hashed; rotation links a family (RFC 9700 §4.14 reuse detection).
CREATE TABLE refresh_tokens (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  family_id uuid NOT NULL,
  user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  tenant_id uuid REFERENCES tenants(id) ON DELETE CASCADE,
  token_hash text NOT NULL UNIQUE,
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL,
  rotated_at timestamptz,
  revoked_at timestamptz
);
CREATE INDEX refresh_tokens_family ON refresh_tokens (family_id);
SELECT dh_enable_tenant_rls('refresh_tokens');

CREATE TABLE api_keys (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
  prefix text NOT NULL,
  key_hash text NOT NULL UNIQUE,
  role text NOT NULL CHECK (role IN ('tenant_admin', 'tenant_member')),
  created_by uuid REFERENCES users(id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  last_used_at timestamptz,
  revoked_at timestamptz
);
SELECT dh_enable_tenant_rls('api_keys');

-- Append-only: nobody but the schema owner may change or delete an entry.
CREATE TABLE audit_log (
  id bigserial PRIMARY KEY,
  tenant_id uuid REFERENCES tenants(id) ON DELETE SET NULL,
  actor_type text NOT NULL CHECK (actor_type IN ('user', 'api_key', 'system')),
  actor_id uuid,
  actor_label text NOT NULL DEFAULT '',
  action text NOT NULL,
  target_type text,
  target_id text,
  details jsonb NOT NULL DEFAULT '{}'::jsonb,
  request_id text,
  client_ip text,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX audit_log_tenant_time ON audit_log (tenant_id, created_at DESC);
CREATE INDEX audit_log_time ON audit_log (created_at DESC);
SELECT dh_enable_tenant_rls('audit_log');
REVOKE UPDATE, DELETE ON audit_log FROM dispatchhub_app, dispatchhub_platform;

-- Failed logins, per account and per client address, for throttling (shared by all API processes).
CREATE TABLE login_failures (
  key text NOT NULL,
  failed_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX login_failures_key_time ON login_failures (key, failed_at);
REVOKE ALL ON login_failures FROM dispatchhub_app;
