-- Creating a vendor checks the plan limit after the insert, in the statement that travels with
-- COMMIT (vendors/vendor_store.cpp, db::Tx::check_before_commit): the vendors trigger has already
-- counted the new row, so the count read here includes it. The tenant's counter row is then locked
-- from the end of the insert to the end of COMMIT, inside one round trip, instead of from the first
-- statement of a transaction of several round trips. Concurrent creators still cannot both take
-- the last place: the second one's trigger waits for the first to end and counts on top of it.
--
-- A refusal is SQLSTATE DH409 (src/db/sqlstate.cpp): the constraint name is the error's code, the
-- message is written for the client, the detail is the limit.
CREATE FUNCTION dh_require_vendor_room(tenant uuid) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
  live bigint;
  allowed bigint;
BEGIN
  SELECT c.vendors, l.vendors INTO live, allowed
  FROM tenant_counts c CROSS JOIN effective_limits(tenant) l
  WHERE c.tenant_id = tenant;
  IF live IS NULL OR live > allowed THEN
    RAISE EXCEPTION USING ERRCODE = 'DH409', CONSTRAINT = 'vendor_limit_reached',
      MESSAGE = format('The plan allows %s vendors; this tenant has reached it.', coalesce(allowed, 0)),
      DETAIL = coalesce(allowed, 0)::text;
  END IF;
END $$;
