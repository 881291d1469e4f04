-- Suppressions match without regard to letter case: mailbox providers treat local parts that way,
-- and domains are case-insensitive by definition. Entries are stored lower-cased, one per tenant and
-- address; "@domain" (no local part) suppresses every address at that domain.
-- The table forces row-level security; the owner running this migration needs it lifted meanwhile.
ALTER TABLE suppressions NO FORCE ROW LEVEL SECURITY;
-- Of entries that differ only by letter case, the earliest is kept.
DELETE FROM suppressions s
WHERE EXISTS (SELECT 1 FROM suppressions o
              WHERE o.tenant_id = s.tenant_id AND lower(o.address) = lower(s.address)
                AND (o.created_at, o.id) < (s.created_at, s.id));
UPDATE suppressions SET address = lower(address) WHERE address <> lower(address);
ALTER TABLE suppressions FORCE ROW LEVEL SECURITY;
ALTER TABLE suppressions ADD CONSTRAINT suppressions_address_lower CHECK (address = lower(address));
