-- The logins the processes connect with (issue 18, finding 7). The API's tenant-scoped work logs in
-- as a login that can become only dispatchhub_app, platform-scope work as one that can become only
-- dispatchhub_platform; only migrations use the DATABASE_URL login. `migrate` creates the logins
-- (src/db/logins.cpp) and records them here so that every process of this database finds the same
-- ones. Logins are cluster-wide, so each database has its own pair, named after the database that
-- created them (a copy made from a template keeps using the template's pair).
-- The passwords are secrets: only the owner reads this table, never the application or platform role.
CREATE TABLE database_logins (
  purpose text PRIMARY KEY CHECK (purpose IN ('app', 'platform')),
  login text NOT NULL CHECK (length(login) BETWEEN 1 AND 63),
  password text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
REVOKE ALL ON database_logins FROM dispatchhub_app, dispatchhub_platform, PUBLIC;
