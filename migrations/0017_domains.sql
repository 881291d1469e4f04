-- Sending domains: a tenant proves each domain it sends from by publishing DNS records (an ownership
-- token and a DKIM public key); the platform signs its mail with the domain's key (src/domains).
-- Two tenants may each add the same domain: each proves it with its own token and its own key.

CREATE TABLE sending_domains (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  domain text NOT NULL CHECK (length(domain) BETWEEN 3 AND 253 AND domain = lower(domain)),
  status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'verified', 'failing')),
  ownership_token text NOT NULL,
  -- The signing key: its selector, the public key as published (base64 DER SubjectPublicKeyInfo) and
  -- the private key sealed under a key derived from JWT_SECRET (as webhook secrets are).
  dkim_selector text NOT NULL,
  dkim_public text NOT NULL,
  dkim_private_sealed text NOT NULL,
  -- During a rotation: the next key, published beside the current one; it signs once its record
  -- verifies, and the current one is then retired.
  next_selector text,
  next_public text,
  next_private_sealed text,
  -- Optional second signature (RFC 8463), enabled per domain: an Ed25519 key under its own selector
  -- (a selector's record names one key type). It signs once its record verifies; RSA alone decides
  -- whether the domain is verified, since not every receiver checks Ed25519 yet.
  ed25519_selector text,
  ed25519_public text,
  ed25519_private_sealed text,
  CHECK ((ed25519_selector IS NULL) = (ed25519_public IS NULL) AND (ed25519_selector IS NULL) = (ed25519_private_sealed IS NULL)),
  -- The latest lookup: per record status and what was found, and why a lookup could not be made.
  records jsonb NOT NULL DEFAULT '[]',
  check_error text,
  created_by uuid,
  created_at timestamptz NOT NULL DEFAULT now(),
  verified_at timestamptz,
  checked_at timestamptz,
  UNIQUE (tenant_id, domain),
  UNIQUE (tenant_id, id)
);
SELECT dh_enable_tenant_rls('sending_domains');
CREATE INDEX sending_domains_due ON sending_domains (checked_at NULLS FIRST);
-- The API creates and verifies domains but never reads a private key back; only the workers (platform
-- role) open them to sign.
REVOKE SELECT ON sending_domains FROM dispatchhub_app;
GRANT SELECT (id, tenant_id, domain, status, ownership_token, dkim_selector, dkim_public, next_selector, next_public,
              ed25519_selector, ed25519_public, records, check_error, created_by, created_at, verified_at, checked_at) ON sending_domains TO dispatchhub_app;

-- The platform's own mail (ticket notices, password resets) is signed with a key of the platform
-- sender's domain (normally MAIL_DOMAIN), made on first use; `dispatchhub admin dkim-record` prints
-- the record the operator publishes. Platform role only.
CREATE TABLE platform_dkim_keys (
  domain text PRIMARY KEY CHECK (length(domain) BETWEEN 1 AND 253 AND domain = lower(domain)),
  selector text NOT NULL,
  public_key text NOT NULL,
  private_sealed text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
REVOKE ALL ON platform_dkim_keys FROM dispatchhub_app;
