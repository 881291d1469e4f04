-- A dispatch's per-status counts (what GET /dispatches/{id}, the dispatch list and the
-- dispatch.completed event show) are read from a few counter rows instead of counting every one of
-- its deliveries: reading a dispatch no longer costs more the more recipients it has.
--
-- The rows are deltas, added by statement triggers on deliveries and summed by readers: a statement
-- that moves 100 deliveries from queued to sending adds (queued, -100) and (sending, +100). Writers
-- only ever insert, so concurrent workers recording outcomes of one dispatch never wait for each
-- other on a counter row (nor deadlock on two of them). The worker's housekeeping folds a dispatch's
-- rows into one per status once they pile up (delivery/queue_store.cpp, compact_status_counts);
-- a fold deletes and inserts in one transaction, so a reader sees the counts either before or after.
CREATE TABLE dispatch_status_counts (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,  -- insertion order: housekeeping looks at the newest rows
  tenant_id uuid NOT NULL,
  dispatch_id uuid NOT NULL,
  status text NOT NULL,
  n bigint NOT NULL,
  FOREIGN KEY (tenant_id, dispatch_id) REFERENCES dispatches (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX dispatch_status_counts_dispatch ON dispatch_status_counts (dispatch_id);
SELECT dh_enable_tenant_rls('dispatch_status_counts');

-- Inserted deliveries count up, deleted ones down (not when their dispatch is gone: its counts went
-- with it), and an update moves each changed row from its old status to its new one. An update that
-- changes no status (a lease renewed) adds nothing.
CREATE FUNCTION dh_count_delivery_rows() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO dispatch_status_counts (tenant_id, dispatch_id, status, n)
    SELECT tenant_id, dispatch_id, status, count(*) FROM new_rows GROUP BY 1, 2, 3;
  ELSIF TG_OP = 'UPDATE' THEN
    INSERT INTO dispatch_status_counts (tenant_id, dispatch_id, status, n)
    SELECT tenant_id, dispatch_id, status, sum(n)
    FROM (SELECT tenant_id, dispatch_id, status, 1 AS n FROM new_rows
          UNION ALL SELECT tenant_id, dispatch_id, status, -1 FROM old_rows) moved
    GROUP BY 1, 2, 3 HAVING sum(n) <> 0;
  ELSE
    INSERT INTO dispatch_status_counts (tenant_id, dispatch_id, status, n)
    SELECT o.tenant_id, o.dispatch_id, o.status, -count(*) FROM old_rows o
    WHERE EXISTS (SELECT 1 FROM dispatches d WHERE d.id = o.dispatch_id)
    GROUP BY 1, 2, 3;
  END IF;
  RETURN NULL;
END $$;

-- The triggers come first: the migration then waits for writers in progress, and the counts below
-- see every delivery written before it and none written after (those go through the triggers).
CREATE TRIGGER deliveries_count_insert AFTER INSERT ON deliveries
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION dh_count_delivery_rows();
CREATE TRIGGER deliveries_count_update AFTER UPDATE ON deliveries
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION dh_count_delivery_rows();
CREATE TRIGGER deliveries_count_delete AFTER DELETE ON deliveries
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION dh_count_delivery_rows();

-- The counts as they stand. Both tables force row-level security; the owner running this migration
-- needs it lifted meanwhile.
ALTER TABLE deliveries NO FORCE ROW LEVEL SECURITY;
ALTER TABLE dispatch_status_counts NO FORCE ROW LEVEL SECURITY;
INSERT INTO dispatch_status_counts (tenant_id, dispatch_id, status, n)
SELECT tenant_id, dispatch_id, status, count(*) FROM deliveries GROUP BY 1, 2, 3;
ALTER TABLE deliveries FORCE ROW LEVEL SECURITY;
ALTER TABLE dispatch_status_counts FORCE ROW LEVEL SECURITY;
