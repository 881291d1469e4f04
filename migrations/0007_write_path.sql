-- Write-path costs found by bench/dispatch_e2e.sh and bench/vendors_import_bench.sh (docs/performance.md).

-- Workers claim ready deliveries dispatch by dispatch (see delivery/queue_store.cpp): an index per
-- dispatch keeps a claim at a few rows read however many queued rows other dispatches of the tenant
-- hold (a paused 100k dispatch used to be scanned by every claim of the tenant's next dispatch).
CREATE INDEX deliveries_ready_by_dispatch ON deliveries (dispatch_id, next_attempt_at)
  WHERE status IN ('queued', 'deferred');
DROP INDEX deliveries_ready;

-- vendor_contacts and vendor_list_members reference their vendor (and list) through (tenant_id, id),
-- which already ties them to an existing tenant and cascades a tenant's deletion. Their own
-- tenant_id -> tenants key only added a per-row check to every insert (a third of a CSV import's
-- database time for contacts).
ALTER TABLE vendor_contacts DROP CONSTRAINT vendor_contacts_tenant_id_fkey;
ALTER TABLE vendor_list_members DROP CONSTRAINT vendor_list_members_tenant_id_fkey;
-- The same holds for deliveries: (tenant_id, dispatch_id) -> dispatches already implies the tenant.
-- Its own key was a sixth of the time of creating a dispatch's deliveries.
ALTER TABLE deliveries DROP CONSTRAINT deliveries_tenant_id_fkey;
