-- Dispatches: sender identities, uploaded attachments, usage and quota, the dispatch and its
-- deliveries (the delivery queue itself: transactional outbox), idempotency keys.

CREATE TABLE sender_identities (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  email text NOT NULL CHECK (length(email) BETWEEN 3 AND 254),
  name text NOT NULL DEFAULT '' CHECK (length(name) <= 200),
  is_default boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (tenant_id, email),
  UNIQUE (tenant_id, id)
);
SELECT dh_enable_tenant_rls('sender_identities');

CREATE TABLE attachments (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  filename text NOT NULL CHECK (length(filename) BETWEEN 1 AND 255),
  content_type text NOT NULL,
  size_bytes bigint NOT NULL CHECK (size_bytes >= 0),
  sha256 text NOT NULL,
  storage_key text NOT NULL,  -- relative to DATA_DIR/attachments (an object-store key later)
  created_by uuid,
  created_at timestamptz NOT NULL DEFAULT now()
);
SELECT dh_enable_tenant_rls('attachments');

-- Usage per tenant and billing period (calendar month). Invariant I1: sent + reserved <= limit is
-- enforced by a conditional UPDATE at reservation; invariant I2: sent equals the number of
-- deliveries with counted = true in the period.
CREATE TABLE usage_periods (
  tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  period_start date NOT NULL,
  period_end date NOT NULL,
  sent bigint NOT NULL DEFAULT 0 CHECK (sent >= 0),
  reserved bigint NOT NULL DEFAULT 0 CHECK (reserved >= 0),
  PRIMARY KEY (tenant_id, period_start)
);
SELECT dh_enable_tenant_rls('usage_periods');

CREATE TABLE dispatches (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  status text NOT NULL CHECK (status IN ('scheduled', 'pending_approval', 'queued', 'sending', 'paused', 'completed', 'cancelled')),
  subject text NOT NULL,
  body_markdown text,
  body_html text,
  sender_identity_id uuid,
  from_email text NOT NULL,
  from_name text NOT NULL DEFAULT '',
  reply_to text,
  recipients jsonb NOT NULL,
  attachment_ids uuid[] NOT NULL DEFAULT '{}',
  send_at timestamptz,
  reference text,
  is_test boolean NOT NULL DEFAULT false,
  period_start date NOT NULL,
  recipients_total integer NOT NULL DEFAULT 0,
  created_by uuid,
  created_by_label text NOT NULL DEFAULT '',
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  completed_at timestamptz,
  UNIQUE (tenant_id, id)
);
SELECT dh_enable_tenant_rls('dispatches');
CREATE INDEX dispatches_tenant_time ON dispatches (tenant_id, created_at DESC, id DESC);
CREATE INDEX dispatches_active ON dispatches (status) WHERE status IN ('scheduled', 'queued', 'sending');

-- One row per recipient: the delivery queue. Workers claim ready rows with FOR UPDATE SKIP LOCKED
-- and a lease; a dead worker's leased rows return to the queue when the lease expires.
CREATE TABLE deliveries (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  dispatch_id uuid NOT NULL,
  vendor_id uuid,
  contact_id uuid,
  email text NOT NULL,
  contact_name text NOT NULL DEFAULT '',
  status text NOT NULL CHECK (status IN ('queued', 'sending', 'sent', 'deferred', 'failed', 'bounced', 'complained',
                                          'suppressed', 'cancelled')),
  attempts integer NOT NULL DEFAULT 0,
  next_attempt_at timestamptz NOT NULL DEFAULT now(),
  first_attempt_at timestamptz,
  lease_owner text,
  lease_expires_at timestamptz,
  counted boolean NOT NULL DEFAULT false,  -- usage counted once (I2)
  reason text,                             -- plain language, for the UI
  smtp_code integer,
  relay_reply text,
  sent_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  FOREIGN KEY (tenant_id, dispatch_id) REFERENCES dispatches (tenant_id, id) ON DELETE CASCADE
);
SELECT dh_enable_tenant_rls('deliveries');
CREATE INDEX deliveries_ready ON deliveries (tenant_id, next_attempt_at) WHERE status IN ('queued', 'deferred');
CREATE INDEX deliveries_leased ON deliveries (lease_expires_at) WHERE status = 'sending';
CREATE INDEX deliveries_dispatch ON deliveries (dispatch_id, status);
CREATE INDEX deliveries_dispatch_page ON deliveries (dispatch_id, email, id);

-- Idempotency-Key of dispatch creation: the same key and body within 24 h return the first result.
CREATE TABLE idempotency_keys (
  tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  key text NOT NULL,
  request_hash text NOT NULL,
  dispatch_id uuid,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, key)
);
SELECT dh_enable_tenant_rls('idempotency_keys');
