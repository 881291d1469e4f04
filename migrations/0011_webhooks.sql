-- Event webhooks: HTTPS endpoints a tenant admin registers, the events state changes write (in the
-- same transaction as the change: a transactional outbox, so no event is lost), and one delivery per
-- event and subscribed endpoint, which the workers POST, sign and retry (src/webhooks).

CREATE TABLE webhook_endpoints (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  url text NOT NULL CHECK (length(url) BETWEEN 1 AND 2000),
  events text[] NOT NULL CHECK (cardinality(events) > 0 AND events <@ ARRAY['delivery.sent', 'delivery.failed',
                                'delivery.bounced', 'dispatch.completed', 'inbox.received']),
  description text NOT NULL DEFAULT '' CHECK (length(description) <= 200),
  -- The signing secret, encrypted under a key derived from JWT_SECRET (webhooks/secret_seal.cpp): the
  -- worker needs it in clear to sign, so it cannot be hashed like API keys. Shown once, at creation.
  secret_sealed text NOT NULL,
  created_by uuid,
  created_by_label text NOT NULL DEFAULT '',
  created_at timestamptz NOT NULL DEFAULT now(),
  last_success_at timestamptz,
  last_failure_at timestamptz,
  last_error text,
  UNIQUE (tenant_id, id)
);
SELECT dh_enable_tenant_rls('webhook_endpoints');
CREATE INDEX webhook_endpoints_tenant ON webhook_endpoints (tenant_id, created_at DESC, id DESC);
-- The API creates and deletes endpoints; only the workers (platform role) note how sends went.
-- The API role never reads the sealed secret back: it gets every column but that one.
REVOKE SELECT, UPDATE ON webhook_endpoints FROM dispatchhub_app;
GRANT SELECT (id, tenant_id, url, events, description, created_by, created_by_label, created_at, last_success_at,
              last_failure_at, last_error) ON webhook_endpoints TO dispatchhub_app;

-- One row per event, whatever the number of endpoints it goes to; written only for tenants with an
-- endpoint subscribed to its type, so a tenant without webhooks pays nothing on the send path.
CREATE TABLE webhook_events (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  type text NOT NULL,
  data jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (tenant_id, id)
);
SELECT dh_enable_tenant_rls('webhook_events');
CREATE INDEX webhook_events_time ON webhook_events (created_at);
REVOKE UPDATE, DELETE ON webhook_events FROM dispatchhub_app;  -- events never change; workers expire them

-- The webhook queue: claimed by workers with FOR UPDATE SKIP LOCKED and a lease, like deliveries.
CREATE TABLE webhook_deliveries (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id uuid NOT NULL,
  event_id uuid NOT NULL,
  endpoint_id uuid NOT NULL,
  status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sending', 'delivered', 'failed')),
  attempts integer NOT NULL DEFAULT 0,
  next_attempt_at timestamptz NOT NULL DEFAULT now(),
  first_attempt_at timestamptz,
  lease_owner text,
  lease_expires_at timestamptz,
  response_status integer,  -- HTTP status of the last attempt; NULL when none arrived
  last_error text,          -- plain language, for the API
  delivered_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  FOREIGN KEY (tenant_id, event_id) REFERENCES webhook_events (tenant_id, id) ON DELETE CASCADE,
  FOREIGN KEY (tenant_id, endpoint_id) REFERENCES webhook_endpoints (tenant_id, id) ON DELETE CASCADE
);
SELECT dh_enable_tenant_rls('webhook_deliveries');
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at) WHERE status = 'pending';
CREATE INDEX webhook_deliveries_leased ON webhook_deliveries (lease_expires_at) WHERE status = 'sending';
CREATE INDEX webhook_deliveries_endpoint ON webhook_deliveries (endpoint_id, created_at DESC, id DESC);
CREATE INDEX webhook_deliveries_event ON webhook_deliveries (event_id);
REVOKE UPDATE, DELETE ON webhook_deliveries FROM dispatchhub_app;  -- tenants read; workers send and record
