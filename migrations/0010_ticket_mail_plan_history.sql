-- Ticket notification mail from the platform, and the plan history that pro-rata billing reads.

-- Mail about a ticket to its other side, written in the same transaction as the ticket message or
-- status change, so a committed change is never without its notification. The workers send it from
-- the platform sender through the normal transport; it is no delivery, so no tenant's usage counts it.
-- A row starts with the audience only (a tenant transaction cannot see who the super admins are); a
-- worker resolves it in the platform scope into one row per recipient, each sent at most once per
-- lease (its id is the Message-ID and the capture file name).
CREATE TABLE platform_notifications (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  ticket_id uuid NOT NULL,
  audience text NOT NULL CHECK (audience IN ('platform', 'tenant')),
  event text NOT NULL CHECK (length(event) BETWEEN 1 AND 100),
  subject text NOT NULL CHECK (length(subject) BETWEEN 1 AND 1000),
  body text NOT NULL,
  recipient text,  -- NULL until resolved
  recipient_name text NOT NULL DEFAULT '',
  status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed')),
  attempts integer NOT NULL DEFAULT 0,
  next_attempt_at timestamptz NOT NULL DEFAULT now(),
  lease_owner text,
  lease_expires_at timestamptz,
  last_error text,
  created_at timestamptz NOT NULL DEFAULT now(),
  sent_at timestamptz,
  FOREIGN KEY (tenant_id, ticket_id) REFERENCES tickets (tenant_id, id) ON DELETE CASCADE
);
SELECT dh_enable_tenant_rls('platform_notifications');
-- Tenant transactions only enqueue: recipients (super admin addresses) and send state are platform data.
REVOKE SELECT, UPDATE, DELETE ON platform_notifications FROM dispatchhub_app;
CREATE INDEX platform_notifications_due ON platform_notifications (next_attempt_at) WHERE status = 'pending';

-- Every change of a tenant's plan with the moment it took effect: limits follow tenants.plan_id at
-- once, invoices charge each plan for its share of the period. The plan in force before a tenant's
-- first change is that change's from_plan_id; a tenant without changes has had tenants.plan_id all along.
CREATE TABLE tenant_plan_changes (
  id bigserial PRIMARY KEY,  -- orders changes that share a timestamp
  tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  from_plan_id uuid NOT NULL REFERENCES plans(id),
  to_plan_id uuid NOT NULL REFERENCES plans(id),
  effective_at timestamptz NOT NULL DEFAULT clock_timestamp(),
  changed_by uuid,  -- the super admin; no key, the history outlives the account
  CHECK (from_plan_id <> to_plan_id)
);
SELECT dh_enable_tenant_rls('tenant_plan_changes');
CREATE INDEX tenant_plan_changes_tenant ON tenant_plan_changes (tenant_id, effective_at, id);
REVOKE INSERT, UPDATE, DELETE ON tenant_plan_changes FROM dispatchhub_app;
REVOKE UPDATE, DELETE ON tenant_plan_changes FROM dispatchhub_platform;
