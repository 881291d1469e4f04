-- Super Admin portal: support tickets, invoices with gap-free numbers, payments, audit log filters.

-- Support tickets: tenant rows under RLS; the platform side reads and answers them through the
-- explicit cross-tenant role.
CREATE TABLE tickets (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  subject text NOT NULL CHECK (length(subject) BETWEEN 1 AND 200),
  category text NOT NULL DEFAULT 'general'
    CHECK (category IN ('general', 'billing', 'technical', 'deliverability', 'account')),
  priority text NOT NULL DEFAULT 'normal' CHECK (priority IN ('low', 'normal', 'high', 'urgent')),
  status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'pending', 'resolved', 'closed')),
  opened_by uuid,
  opened_by_label text NOT NULL DEFAULT '',
  assignee_id uuid REFERENCES users(id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (tenant_id, id)
);
SELECT dh_enable_tenant_rls('tickets');
CREATE INDEX tickets_tenant_time ON tickets (tenant_id, created_at DESC, id DESC);
CREATE INDEX tickets_queue ON tickets (status, created_at DESC, id DESC);

CREATE TABLE ticket_messages (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  ticket_id uuid NOT NULL,
  author_side text NOT NULL CHECK (author_side IN ('tenant', 'platform')),
  author_id uuid,
  author_label text NOT NULL DEFAULT '',
  body text NOT NULL CHECK (length(body) BETWEEN 1 AND 20000),
  created_at timestamptz NOT NULL DEFAULT now(),
  FOREIGN KEY (tenant_id, ticket_id) REFERENCES tickets (tenant_id, id) ON DELETE CASCADE
);
SELECT dh_enable_tenant_rls('ticket_messages');
CREATE INDEX ticket_messages_ticket ON ticket_messages (ticket_id, created_at, id);

-- Invoice numbers come from one counter row, locked by the transaction that creates the invoice:
-- a rolled-back invoice rolls its number back too, so numbers have no gaps. Invoices are never
-- deleted (corrections are void + new), so every number stays taken.
CREATE TABLE invoice_counter (
  id boolean PRIMARY KEY DEFAULT true CHECK (id),
  last_number bigint NOT NULL DEFAULT 0
);
INSERT INTO invoice_counter DEFAULT VALUES;
REVOKE ALL ON invoice_counter FROM dispatchhub_app;

CREATE TABLE invoices (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id uuid NOT NULL REFERENCES tenants(id),
  number bigint NOT NULL UNIQUE CHECK (number > 0),
  period_start date NOT NULL,
  period_end date NOT NULL CHECK (period_end > period_start),
  status text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'issued', 'paid', 'void')),
  currency text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
  total_cents bigint NOT NULL CHECK (total_cents >= 0),
  plan_id uuid REFERENCES plans(id),
  plan_name text NOT NULL DEFAULT '',
  emails_sent bigint NOT NULL DEFAULT 0,
  issued_at timestamptz,
  paid_at timestamptz,
  voided_at timestamptz,
  void_reason text,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (tenant_id, id)
);
SELECT dh_enable_tenant_rls('invoices');
-- Closing a period twice finds this invoice and creates no second one; after a void a new one may follow.
CREATE UNIQUE INDEX invoices_one_per_period ON invoices (tenant_id, period_start) WHERE status <> 'void';
CREATE INDEX invoices_time ON invoices (created_at DESC, id DESC);
REVOKE INSERT, UPDATE, DELETE ON invoices FROM dispatchhub_app;
REVOKE DELETE ON invoices FROM dispatchhub_platform;

CREATE TABLE invoice_lines (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id uuid NOT NULL REFERENCES tenants(id),
  invoice_id uuid NOT NULL,
  position integer NOT NULL,
  kind text NOT NULL CHECK (kind IN ('plan', 'overage')),
  description text NOT NULL,
  quantity bigint NOT NULL CHECK (quantity >= 0),
  unit_cents bigint NOT NULL CHECK (unit_cents >= 0),
  amount_cents bigint NOT NULL CHECK (amount_cents >= 0),
  FOREIGN KEY (tenant_id, invoice_id) REFERENCES invoices (tenant_id, id),
  UNIQUE (invoice_id, position)
);
SELECT dh_enable_tenant_rls('invoice_lines');
REVOKE INSERT, UPDATE, DELETE ON invoice_lines FROM dispatchhub_app;
REVOKE UPDATE, DELETE ON invoice_lines FROM dispatchhub_platform;

CREATE TABLE invoice_payments (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id uuid NOT NULL REFERENCES tenants(id),
  invoice_id uuid NOT NULL,
  amount_cents bigint NOT NULL CHECK (amount_cents > 0),
  paid_on date NOT NULL,
  reference text NOT NULL DEFAULT '' CHECK (length(reference) <= 200),
  recorded_by uuid,
  created_at timestamptz NOT NULL DEFAULT now(),
  FOREIGN KEY (tenant_id, invoice_id) REFERENCES invoices (tenant_id, id)
);
SELECT dh_enable_tenant_rls('invoice_payments');
CREATE INDEX invoice_payments_invoice ON invoice_payments (invoice_id, paid_on);
REVOKE INSERT, UPDATE, DELETE ON invoice_payments FROM dispatchhub_app;
REVOKE UPDATE, DELETE ON invoice_payments FROM dispatchhub_platform;

-- An issued invoice is immutable: only its status may move on (issued -> paid | void), with the
-- matching timestamps. Lines can be added to drafts only. Enforced here, whatever the code does.
CREATE FUNCTION dh_invoice_guard() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF OLD.status <> 'draft' AND (NEW.tenant_id, NEW.number, NEW.period_start, NEW.period_end, NEW.currency,
                                NEW.total_cents, NEW.plan_id, NEW.plan_name, NEW.emails_sent)
                               IS DISTINCT FROM (OLD.tenant_id, OLD.number, OLD.period_start, OLD.period_end,
                                                 OLD.currency, OLD.total_cents, OLD.plan_id, OLD.plan_name,
                                                 OLD.emails_sent) THEN
    RAISE EXCEPTION 'invoice % is % and cannot change', OLD.number, OLD.status USING ERRCODE = 'check_violation';
  END IF;
  IF NOT ((OLD.status = NEW.status) OR (OLD.status = 'draft' AND NEW.status IN ('issued', 'void'))
          OR (OLD.status = 'issued' AND NEW.status IN ('paid', 'void'))) THEN
    RAISE EXCEPTION 'invoice % cannot go from % to %', OLD.number, OLD.status, NEW.status
      USING ERRCODE = 'check_violation';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER invoices_guard BEFORE UPDATE ON invoices FOR EACH ROW EXECUTE FUNCTION dh_invoice_guard();

CREATE FUNCTION dh_invoice_line_guard() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF (SELECT status FROM invoices WHERE id = NEW.invoice_id) <> 'draft' THEN
    RAISE EXCEPTION 'lines of a non-draft invoice cannot change' USING ERRCODE = 'check_violation';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER invoice_lines_guard BEFORE INSERT ON invoice_lines FOR EACH ROW EXECUTE FUNCTION dh_invoice_line_guard();

-- Audit viewer filters: by action and by target, newest first.
CREATE INDEX audit_log_action ON audit_log (action, id DESC);
CREATE INDEX audit_log_target ON audit_log (target_type, target_id, id DESC);

-- Platform overview: recent failures without scanning every delivery.
CREATE INDEX deliveries_failed ON deliveries (updated_at) WHERE status = 'failed';

-- Per-tenant settings its admins change themselves. Send approval: a dispatch with more recipients
-- than approval_threshold waits in pending_approval until another tenant admin approves it.
CREATE TABLE tenant_settings (
  tenant_id uuid PRIMARY KEY REFERENCES tenants(id) ON DELETE CASCADE,
  approval_threshold integer CHECK (approval_threshold IS NULL OR approval_threshold >= 1),
  updated_at timestamptz NOT NULL DEFAULT now()
);
SELECT dh_enable_tenant_rls('tenant_settings');
