# Shared by the chaos scenarios: bench/lib.sh (throwaway PostgreSQL, serve, tenants) plus the
# chaos SMTP sink, worker processes and the invariant check. Source after `set -euo pipefail`.
CHAOS_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$CHAOS_DIR/../.." && pwd)
BIN=${BIN:-$REPO/build/dispatchhub}
source "$REPO/bench/lib.sh"
WORKER_PIDS=()

# chaos_start NAME: cluster, database, `serve` without the embedded worker, a super admin.
chaos_start() {
  bench_init "chaos-$1"
  trap 'exit 130' INT TERM  # so that the EXIT trap stops the cluster and the processes
  command -v /usr/bin/python3 >/dev/null || { echo "chaos: /usr/bin/python3 missing"; exit 1; }
  start_postgres
  psql_su -d postgres -c "CREATE DATABASE chaos"
  DB=chaos
  start_serve chaos WORKER_EMBEDDED=0
  bench_superadmin
  # Lift the default plan's limits: the suite is about failures, not quotas (rate 0 = no plan limit).
  psql_su -d chaos -c "UPDATE plans SET emails_per_period = 10000000, recipients_per_dispatch = 1000000,
    vendors_limit = 1000000, send_rate_per_second = 0"
}

# start_sink [chaos_sink.py options]: sets SINK_PORT, SINK_PID; the sink records to $WORK/received.
start_sink() {
  : >"$WORK/received"
  $PY "$CHAOS_DIR/chaos_sink.py" --record "$WORK/received" --stats "$WORK/sink.json" "$@" >"$WORK/sink.out" 2>&1 &
  SINK_PID=$!; BENCH_PIDS+=("$SINK_PID")
  for _ in $(seq 1 50); do grep -q READY "$WORK/sink.out" 2>/dev/null && break; sleep 0.1; done
  SINK_PORT=$(awk '/READY/ {print $2}' "$WORK/sink.out")
  [ -n "$SINK_PORT" ] || { echo "the chaos sink did not start: $(cat "$WORK/sink.out")"; exit 1; }
}

# start_worker [VAR=value...]: one `dispatchhub worker` against the sink; sets WORKER_PID.
start_worker() {
  env SMTP_URL="smtp://127.0.0.1:$SINK_PORT?tls=none" WORKER_LEASE_SECONDS=${LEASE_SECONDS:-5} \
    RETRY_BASE_SECONDS=${RETRY_BASE_SECONDS:-1} LOG_LEVEL=warn "$@" "$BIN" worker >>"$WORK/worker.log" 2>&1 &
  WORKER_PID=$!; BENCH_PIDS+=("$WORKER_PID"); WORKER_PIDS+=("$WORKER_PID")
}

# leased_by_last_owner: deliveries leased by the worker that claimed last (the one just killed).
leased_by_last_owner() {
  psql_su -d "$DB" -c "SELECT count(*) FROM deliveries WHERE status = 'sending' AND lease_owner =
    (SELECT lease_owner FROM deliveries WHERE status = 'sending' ORDER BY lease_expires_at DESC LIMIT 1)"
}

# fresh_leases: deliveries claimed within the last second (a batch on the wire right now).
fresh_leases() {
  psql_su -d "$DB" -c "SELECT count(*) FROM deliveries WHERE status = 'sending'
    AND lease_expires_at > now() + make_interval(secs => ${LEASE_SECONDS:-5} - 1)"
}

# tenant_with_vendors SLUG N DOMAIN: a tenant whose N vendors have addresses ap@vN.DOMAIN, all in
# one list; sets TOKEN and LIST_ID.
tenant_with_vendors() {
  TOKEN=$(bench_tenant "$1")
  $PY - "$WORK/$1.csv" "$2" "$3" <<'PY'
import csv, sys
path, n, domain = sys.argv[1], int(sys.argv[2]), sys.argv[3]
with open(path, "w", newline="") as f:
    w = csv.writer(f, lineterminator="\r\n")
    w.writerow(["code", "name", "email", "contact_name", "role", "list"])
    for i in range(n):
        w.writerow([f"V{i:07d}", f"Vendor {i}", f"ap@v{i}.{domain}", f"Contact {i}", "ap", "all"])
PY
  import_csv "$WORK/$1.csv" >/dev/null
  LIST_ID=$(api GET "/api/v1/lists?limit=10" | json "['items'][0]['id']")
}

# create_dispatch SUBJECT: a dispatch to $LIST_ID with $TOKEN; prints its id.
create_dispatch() {
  api POST /api/v1/dispatches "{\"subject\":\"$1 for {{vendor.name}}\",\"body_markdown\":\"Dear {{contact.name}},\\n\\nplease confirm order **{{vendor.code}}**.\",\"recipients\":{\"list_ids\":[\"$LIST_ID\"]}}" | json "['id']"
}

# counts DISPATCH: "sent sending" from the database.
counts() {
  psql_su -d "$DB" -F ' ' -c "SELECT count(*) FILTER (WHERE status = 'sent'), count(*) FILTER (WHERE status = 'sending')
    FROM deliveries WHERE dispatch_id = '$1'"
}

# wait_terminal DISPATCH TIMEOUT_S: until no delivery of it is queued, deferred or sending.
wait_terminal() {
  local deadline=$(( $(date +%s) + $2 ))
  while [ "$(date +%s)" -lt "$deadline" ]; do
    [ "$(psql_su -d "$DB" -c "SELECT count(*) FROM deliveries WHERE dispatch_id = '$1'
          AND status IN ('queued', 'deferred', 'sending')" 2>/dev/null)" = 0 ] && return 0
    sleep 0.5
  done
  echo "dispatch $1 still has open deliveries after $2 s" >&2
  return 1
}

# check_invariants: sink record vs deliveries (all dispatches), usage counters; sets CHECK (JSON),
# LOST, DUPLICATES, USAGE_OK (0 = verify-usage clean).
check_invariants() {
  sleep 1.5  # the sink flushes its record per message; its stats file once a second
  psql_su -d "$DB" -F , -c "SELECT id, status FROM deliveries" >"$WORK/deliveries.csv"
  touch "$WORK/in_flight"
  CHECK=$($PY "$CHAOS_DIR/check.py" "$WORK/received" "$WORK/deliveries.csv" "$WORK/in_flight")
  LOST=$(echo "$CHECK" | json "['lost']")
  DUPLICATES=$(echo "$CHECK" | json "['duplicates']")
  set +e
  "$BIN" admin verify-usage >"$WORK/verify-usage.out" 2>&1
  USAGE_OK=$?
  set -e
}

# note_in_flight: appends the ids of the deliveries leased right now (call it after a kill, before
# anything restarts): the only ones a crash may send twice.
note_in_flight() { psql_su -d "$DB" -c "SELECT id FROM deliveries WHERE status = 'sending'" >>"$WORK/in_flight"; }

# alive PID: 0 when the process runs (and is no zombie).
alive() { [ -d "/proc/$1" ] && ! grep -q '^State:.*Z' "/proc/$1/status"; }
fd_count() { ls "/proc/$1/fd" 2>/dev/null | wc -l; }
rss_kb() { awk '/VmRSS/ {print $2}' "/proc/$1/status"; }
