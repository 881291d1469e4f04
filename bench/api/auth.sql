-- Authentication of a bearer token (auth/auth_store.cpp, kUserById), platform scope. Every pgbench
-- script of bench/api_bench.sh starts with this transaction, as every API request does. Colons inside
-- string literals are written \072 (pgbench would read ":MI" as a variable); the value is the same.
BEGIN;
SET LOCAL ROLE dispatchhub_platform;
SELECT u.id, u.tenant_id, u.email, u.name, u.role, u.status, u.password_hash,
  to_char(u.last_login_at AT TIME ZONE 'UTC', E'YYYY-MM-DD"T"HH24\072MI\072SS"Z"') AS last_login_at,
  to_char(u.created_at AT TIME ZONE 'UTC', E'YYYY-MM-DD"T"HH24\072MI\072SS"Z"') AS created_at,
  to_char(u.updated_at AT TIME ZONE 'UTC', E'YYYY-MM-DD"T"HH24\072MI\072SS"Z"') AS updated_at,
  u.token_version, t.status AS tenant_status, t.slug AS tenant_slug
FROM users u LEFT JOIN tenants t ON t.id = u.tenant_id WHERE u.id = :user_id::uuid;
COMMIT;
