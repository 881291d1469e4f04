-- Each worker process reports here every few seconds: that it is alive and whether its mail relay
-- refuses it (AUTH or TLS). The API shows a relay problem on dispatches waiting to be sent; the
-- platform overview lists the heartbeats. No tenant data: not under row-level security.
CREATE TABLE worker_heartbeats (
  worker_id text PRIMARY KEY CHECK (length(worker_id) BETWEEN 1 AND 100),
  hostname text NOT NULL,
  pid integer NOT NULL,
  started_at timestamptz NOT NULL DEFAULT now(),
  seen_at timestamptz NOT NULL DEFAULT now(),
  relay_problem text  -- plain language; NULL while the relay accepts us
);
CREATE INDEX worker_heartbeats_seen ON worker_heartbeats (seen_at);
