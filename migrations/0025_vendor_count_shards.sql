-- A tenant's live vendors are counted on 16 rows instead of one (its users stay on one row, in
-- tenant_user_counts, the former tenant_counts), so that creators of one tenant no
-- longer take turns on a single counter row held to the end of each COMMIT (the WAL flush).
--
-- Each row (a shard) carries its part of the count and a cap: how far its count may go without
-- looking at the other rows. The caps of a tenant's shards add up to its vendor limit, so while every
-- shard stays within its cap, the tenant stays within its limit:
--   * a creator counts on the shard of its database connection (pg_backend_pid() % 16) if that
--     shard is within its cap afterwards: it locks that one row, and creators on other connections
--     go on at the same time;
--   * otherwise (the shard's part of the room is used up, or the limit changed since the caps were
--     shared out) it locks all the tenant's shards in shard order and shares the room left out
--     again (dh_share_vendor_room). Near the limit this is every creation, and the count is then
--     exact with everyone else waiting, as with one row;
--   * a count that goes past the limit leaves its own shard over its cap, which
--     dh_require_vendor_room (sent with COMMIT) refuses with DH409 as before.
-- A shard's count may fall below zero (a vendor counted on one shard is deleted through another);
-- the tenant's count is the sum of its shards.
CREATE TABLE tenant_vendor_counts (
  tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  shard smallint NOT NULL CHECK (shard BETWEEN 0 AND 15),
  vendors bigint NOT NULL DEFAULT 0,
  cap bigint,        -- the most `vendors` may reach on this shard alone; null: no limit
  cap_limit bigint,  -- the vendor limit the caps were shared out under (null: none)
  PRIMARY KEY (tenant_id, shard)
);

-- The counts as they stand go to shard 0; the first creation of each limited tenant shares its room.
-- tenant_counts forces row-level security; the owner running this migration needs it lifted meanwhile.
ALTER TABLE tenant_counts NO FORCE ROW LEVEL SECURITY;
INSERT INTO tenant_vendor_counts (tenant_id, shard, vendors)
SELECT t.id, s.shard, CASE WHEN s.shard = 0 THEN coalesce(c.vendors, 0) ELSE 0 END
FROM tenants t CROSS JOIN generate_series(0, 15) AS s(shard) LEFT JOIN tenant_counts c ON c.tenant_id = t.id;
ALTER TABLE tenant_counts FORCE ROW LEVEL SECURITY;
SELECT dh_enable_tenant_rls('tenant_vendor_counts');

-- The users' counter rows keep their table, under a name that says what is left in it.
ALTER TABLE tenant_counts DROP COLUMN vendors;
ALTER TABLE tenant_counts RENAME TO tenant_user_counts;

-- The tenant's vendor count (the sum of its shards).
CREATE FUNCTION tenant_vendor_count(tenant uuid) RETURNS bigint
LANGUAGE sql STABLE AS $$
  SELECT sum(c.vendors)::bigint FROM tenant_vendor_counts c WHERE c.tenant_id = tenant
$$;

-- The previous release reads (and locks, FOR UPDATE OF c) tenant_counts(tenant_id, vendors, users);
-- this view keeps its statements working during a rolling upgrade (docs/operations.md). Its rows
-- are those of tenant_user_counts, which is what a lock through it takes; row-level security
-- applies as the caller's. Nothing of this release reads it; a later migration drops it.
CREATE VIEW tenant_counts WITH (security_invoker = true) AS
  SELECT c.tenant_id, tenant_vendor_count(c.tenant_id) AS vendors, c.users FROM tenant_user_counts c;

CREATE OR REPLACE FUNCTION dh_tenant_counts_row() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO tenant_user_counts (tenant_id) SELECT id FROM new_rows;
  INSERT INTO tenant_vendor_counts (tenant_id, shard) SELECT id, s FROM new_rows CROSS JOIN generate_series(0, 15) s;
  RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION dh_count_user_rows() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    UPDATE tenant_user_counts c SET users = c.users + d.n
    FROM (SELECT tenant_id, count(*) AS n FROM new_rows WHERE tenant_id IS NOT NULL GROUP BY tenant_id) d
    WHERE c.tenant_id = d.tenant_id;
  ELSE
    UPDATE tenant_user_counts c SET users = c.users - d.n
    FROM (SELECT tenant_id, count(*) AS n FROM old_rows WHERE tenant_id IS NOT NULL GROUP BY tenant_id) d
    WHERE c.tenant_id = d.tenant_id;
  END IF;
  RETURN NULL;
END $$;

-- Locks every shard of the tenant in shard order (the one order every sharer uses, so two never
-- wait for each other), counts `n` on `counted_on` and shares the room left under `allowed` out
-- again: an even part to each shard, the remainder first to `counted_on` and the shards after it.
-- Past the limit, `counted_on` gets a cap below its count.
CREATE FUNCTION dh_share_vendor_room(tenant uuid, allowed bigint, counted_on smallint, n bigint) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
  room bigint;
BEGIN
  SELECT allowed - (sum(x.vendors) + n) INTO room
  FROM (SELECT c.vendors FROM tenant_vendor_counts c WHERE c.tenant_id = tenant ORDER BY c.shard FOR UPDATE) x;
  UPDATE tenant_vendor_counts c SET
    vendors = c.vendors + CASE WHEN c.shard = counted_on THEN n ELSE 0 END,
    cap = CASE
      WHEN allowed IS NULL THEN NULL
      WHEN room < 0 THEN c.vendors + CASE WHEN c.shard = counted_on THEN n + room ELSE 0 END
      ELSE c.vendors + CASE WHEN c.shard = counted_on THEN n ELSE 0 END + room / 16
           + CASE WHEN (c.shard - counted_on + 16) % 16 < room % 16 THEN 1 ELSE 0 END
    END,
    cap_limit = allowed
  WHERE c.tenant_id = tenant;
END $$;

-- Counts `n` vendors (negative: removed) for the tenant on this connection's shard.
CREATE FUNCTION dh_count_vendors(tenant uuid, n bigint) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
  mine smallint := (pg_backend_pid() % 16)::smallint;
  allowed bigint;
BEGIN
  IF n <= 0 THEN
    -- Fewer vendors never need the other shards: this shard's room grows.
    UPDATE tenant_vendor_counts SET vendors = vendors + n WHERE tenant_id = tenant AND shard = mine;
    RETURN;
  END IF;
  SELECT l.vendors INTO allowed FROM effective_limits(tenant) l;
  -- In a block of its own (a subtransaction): an UPDATE that waited for another creator of this
  -- shard and then found the row no longer within its cap keeps that row locked anyway (READ
  -- COMMITTED locks the newest version before it checks it again). Holding it while
  -- dh_share_vendor_room waits for the other shards could deadlock with a sharer waiting for it;
  -- undoing the block lets it go.
  BEGIN
    UPDATE tenant_vendor_counts c SET vendors = c.vendors + n
    WHERE c.tenant_id = tenant AND c.shard = mine AND c.cap_limit IS NOT DISTINCT FROM allowed
      AND (c.cap IS NULL OR c.vendors + n <= c.cap);
    IF FOUND THEN
      RETURN;
    END IF;
    RAISE EXCEPTION USING ERRCODE = 'DH100';
  EXCEPTION WHEN SQLSTATE 'DH100' THEN
    NULL;
  END;
  PERFORM dh_share_vendor_room(tenant, allowed, mine, n);
END $$;

CREATE OR REPLACE FUNCTION dh_count_vendor_rows() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  d record;
BEGIN
  IF TG_OP = 'INSERT' THEN
    FOR d IN SELECT tenant_id, count(*) AS n FROM new_rows WHERE deleted_at IS NULL GROUP BY tenant_id ORDER BY tenant_id LOOP
      PERFORM dh_count_vendors(d.tenant_id, d.n);
    END LOOP;
  ELSE
    FOR d IN SELECT tenant_id, count(*) AS n FROM old_rows WHERE deleted_at IS NULL GROUP BY tenant_id ORDER BY tenant_id LOOP
      PERFORM dh_count_vendors(d.tenant_id, -d.n);
    END LOOP;
  END IF;
  RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION dh_count_vendor_state() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM dh_count_vendors(NEW.tenant_id, CASE WHEN NEW.deleted_at IS NULL THEN 1 ELSE -1 END);
  RETURN NULL;
END $$;

-- Sent with COMMIT after a vendor is created: this connection's shard must be within its cap under
-- the limit as it is now. If it is not (the count went past the limit, or the limit changed since
-- the caps were shared out), the room is shared out again under the current limit and looked at
-- once more.
CREATE OR REPLACE FUNCTION dh_require_vendor_room(tenant uuid) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
  mine smallint := (pg_backend_pid() % 16)::smallint;
  allowed bigint;
BEGIN
  SELECT l.vendors INTO allowed FROM effective_limits(tenant) l;
  IF EXISTS (SELECT 1 FROM tenant_vendor_counts c WHERE c.tenant_id = tenant AND c.shard = mine
             AND c.cap_limit IS NOT DISTINCT FROM allowed AND (c.cap IS NULL OR c.vendors <= c.cap)) THEN
    RETURN;
  END IF;
  PERFORM dh_share_vendor_room(tenant, allowed, mine, 0);
  IF NOT EXISTS (SELECT 1 FROM tenant_vendor_counts c WHERE c.tenant_id = tenant AND c.shard = mine
                 AND (c.cap IS NULL OR c.vendors <= c.cap)) THEN
    RAISE EXCEPTION USING ERRCODE = 'DH409', CONSTRAINT = 'vendor_limit_reached',
      MESSAGE = format('The plan allows %s vendors; this tenant has reached it.', coalesce(allowed, 0)),
      DETAIL = coalesce(allowed, 0)::text;
  END IF;
END $$;
