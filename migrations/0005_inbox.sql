-- Inbox: what comes back to DispatchHub. Vendors' replies and bounce/complaint reports, routed to
-- the tenant, vendor, contact, dispatch and delivery they answer; the raw message stays on disk
-- (DATA_DIR/inbound) and is named here. Mail that cannot be routed goes to a platform-only quarantine.

CREATE TABLE inbox_messages (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  kind text NOT NULL DEFAULT 'reply' CHECK (kind IN ('reply', 'bounce', 'complaint')),
  routed_by text NOT NULL CHECK (routed_by IN ('reply_token', 'bounce_token', 'thread', 'sender', 'ses')),
  vendor_id uuid,
  contact_id uuid,
  dispatch_id uuid,
  delivery_id uuid,
  from_address text NOT NULL DEFAULT '',
  from_name text NOT NULL DEFAULT '',
  to_addresses text NOT NULL DEFAULT '',
  subject text NOT NULL DEFAULT '',
  message_id text,
  in_reply_to text,
  text_body text NOT NULL DEFAULT '',
  html_text text NOT NULL DEFAULT '',  -- the HTML part rendered as safe text (no markup, no remote content)
  has_html boolean NOT NULL DEFAULT false,
  bounce_status text,                  -- DSN status, e.g. 5.1.1 (bounces only)
  diagnostic text,                     -- DSN Diagnostic-Code or SES diagnostic (bounces only)
  parse_error text,
  envelope_from text NOT NULL DEFAULT '',
  raw_path text NOT NULL,              -- relative to DATA_DIR/inbound
  size_bytes bigint NOT NULL DEFAULT 0,
  is_read boolean NOT NULL DEFAULT false,
  archived boolean NOT NULL DEFAULT false,
  received_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (tenant_id, id)
);
SELECT dh_enable_tenant_rls('inbox_messages');
CREATE INDEX inbox_messages_tenant_time ON inbox_messages (tenant_id, received_at DESC, id DESC);
CREATE INDEX inbox_messages_vendor ON inbox_messages (tenant_id, vendor_id, received_at);
CREATE INDEX inbox_messages_dispatch ON inbox_messages (dispatch_id);

-- Attachments of received messages, stored like outbound ones (DATA_DIR/attachments/<storage_key>).
CREATE TABLE inbox_attachments (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  message_id uuid NOT NULL,
  filename text NOT NULL DEFAULT '',
  content_type text NOT NULL,
  content_id text,
  is_inline boolean NOT NULL DEFAULT false,
  size_bytes bigint NOT NULL CHECK (size_bytes >= 0),
  storage_key text NOT NULL,
  FOREIGN KEY (tenant_id, message_id) REFERENCES inbox_messages (tenant_id, id) ON DELETE CASCADE
);
SELECT dh_enable_tenant_rls('inbox_attachments');
CREATE INDEX inbox_attachments_message ON inbox_attachments (message_id);

-- Received mail no tenant could be found for. No tenant column: only the platform role reads it.
CREATE TABLE inbound_quarantine (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  envelope_from text NOT NULL DEFAULT '',
  envelope_to text NOT NULL DEFAULT '',  -- comma-separated
  from_address text NOT NULL DEFAULT '',
  subject text NOT NULL DEFAULT '',
  message_id text,
  reason text NOT NULL,
  raw_path text NOT NULL,
  size_bytes bigint NOT NULL DEFAULT 0,
  received_at timestamptz NOT NULL DEFAULT now()
);
REVOKE ALL ON inbound_quarantine FROM dispatchhub_app;
CREATE INDEX inbound_quarantine_time ON inbound_quarantine (received_at DESC, id DESC);

-- Replies sent from the inbox are one-recipient dispatches threaded to the message they answer.
ALTER TABLE dispatches ADD COLUMN in_reply_to text;
ALTER TABLE dispatches ADD COLUMN reply_to_message uuid;

-- When a bounce or complaint arrived for a sent delivery (the delivery keeps counting as sent).
ALTER TABLE deliveries ADD COLUMN bounced_at timestamptz;
