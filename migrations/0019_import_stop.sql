-- An import most of whose rows are refused stops early (src/vendors/import_guard.hpp): status
-- 'stopped', the report says why; what it created up to then can be undone like any import.
ALTER TABLE import_jobs DROP CONSTRAINT import_jobs_status_check;
ALTER TABLE import_jobs ADD CONSTRAINT import_jobs_status_check
  CHECK (status IN ('running', 'completed', 'stopped', 'failed', 'undone'));
