-- One home for two rules of the quota (docs/architecture.md, "Where each rule lives"): what a tenant
-- may use (its plan, with the per-tenant overrides an operator set) and which billing period an
-- instant falls in. Every statement that needs either calls these functions instead of spelling the
-- rule out again. Both are plain SQL, STABLE and not STRICT, so PostgreSQL inlines them into the
-- calling statement (no call overhead, indexes still used); they run with the caller's rights, so
-- row-level security applies as before.

CREATE FUNCTION effective_limits(tenant uuid)
RETURNS TABLE (emails_per_period bigint, recipients_per_dispatch bigint, attachment_bytes bigint,
               send_rate_per_second numeric, vendors bigint, users bigint)
LANGUAGE sql STABLE AS $$
  SELECT coalesce((t.limit_overrides->>'emails_per_period')::bigint, p.emails_per_period),
         coalesce((t.limit_overrides->>'recipients_per_dispatch')::bigint, p.recipients_per_dispatch),
         coalesce((t.limit_overrides->>'attachment_bytes')::bigint, p.attachment_bytes),
         coalesce((t.limit_overrides->>'send_rate_per_second')::numeric, p.send_rate_per_second),
         coalesce((t.limit_overrides->>'vendors')::bigint, p.vendors_limit),
         coalesce((t.limit_overrides->>'users')::bigint, p.users_limit)
  FROM tenants t JOIN plans p ON p.id = t.plan_id
  WHERE t.id = tenant
$$;

-- Billing periods are calendar months in UTC for every tenant. The tenant is a parameter so that a
-- per-tenant anchor day can be added here, in one place.
CREATE FUNCTION current_period(tenant uuid, at timestamptz)
RETURNS TABLE (period_start date, period_end date)
LANGUAGE sql STABLE AS $$
  SELECT date_trunc('month', at AT TIME ZONE 'UTC')::date,
         (date_trunc('month', at AT TIME ZONE 'UTC') + interval '1 month')::date
$$;
