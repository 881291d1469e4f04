-- The subject line each recipient's message carried, written with the outcome of the attempt that
-- sent (or finally failed) it, so a vendor's history shows what was mailed even after the vendor's
-- name or custom fields change. NULL when the dispatch's subject has no merge fields (it reads the
-- same for everyone, and rendering the template on read gives it back), and for deliveries
-- recorded before this column existed (rendered on read with today's values, as before).
ALTER TABLE deliveries ADD COLUMN subject text;
