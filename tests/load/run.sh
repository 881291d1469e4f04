#!/usr/bin/env bash
# `make load`: wrk against one `dispatchhub serve` (throwaway PostgreSQL 15, embedded worker off):
# login, vendor list, vendor create, dispatch status, LOAD_SECONDS (20) each with LOAD_CONNECTIONS
# (16) connections on LOAD_THREADS (2) wrk threads. Prints requests/s, p50/p99 latency and errors
# per endpoint, and the server's CPU (share of one core) and RSS; exits 1 on any error or non-2xx.
# Needs root (the cluster runs as the postgres user) and wrk. wrk runs on the same machine.
set -euo pipefail
SECONDS_EACH=${LOAD_SECONDS:-20}
CONNS=${LOAD_CONNECTIONS:-16}
THREADS=${LOAD_THREADS:-2}
LOAD_DIR=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$LOAD_DIR/../.." && pwd)
BIN=${BIN:-$REPO/build/dispatchhub}
source "$REPO/bench/lib.sh"
command -v wrk >/dev/null || { echo "load: wrk is missing (make setup installs it)"; exit 1; }
bench_init load
start_postgres
psql_su -d postgres -c "CREATE DATABASE load"
start_serve load WORKER_EMBEDDED=0 HTTP_HANDLER_THREADS=${LOAD_HANDLER_THREADS:-8}
bench_superadmin
psql_su -d load -c "UPDATE plans SET emails_per_period = 10000000, recipients_per_dispatch = 1000000,
  vendors_limit = 10000000, send_rate_per_second = 0"
TOKEN=$(bench_tenant loadco)
$PY - "$WORK/vendors.csv" "${LOAD_VENDORS:-1000}" <<'PY'
import csv, sys
with open(sys.argv[1], "w", newline="") as f:
    w = csv.writer(f, lineterminator="\r\n")
    w.writerow(["code", "name", "email", "contact_name", "role", "list"])
    for i in range(int(sys.argv[2])):
        w.writerow([f"V{i:07d}", f"Vendor {i}", f"ap@vendor{i}.example", f"Contact {i}", "ap", "all"])
PY
import_csv "$WORK/vendors.csv" >/dev/null
list=$(api GET "/api/v1/lists?limit=10" | json "['items'][0]['id']")
dispatch=$(api POST /api/v1/dispatches "{\"subject\":\"Load\",\"body_markdown\":\"Hello {{vendor.name}}\",\"recipients\":{\"list_ids\":[\"$list\"]}}" | json "['id']")

export LOAD_DIR LOAD_TOKEN=$TOKEN LOAD_DISPATCH_ID=$dispatch
export LOAD_LOGIN_BODY='{"email":"admin@loadco.test","password":"Bench-tenant-Passw0rd!","tenant":"loadco"}'
echo "load: $SECONDS_EACH s per endpoint, $CONNS connections, $THREADS wrk threads, server with ${LOAD_HANDLER_THREADS:-8} handler threads; $(nproc) cores shared by wrk, server and PostgreSQL"
printf '%-17s %9s %9s %9s %9s %7s %11s %11s\n' endpoint 'req/s' 'p50 ms' 'p99 ms' 'max ms' errors 'server CPU' 'server RSS'
failed=0
for script in login vendor_list vendor_create dispatch_status; do
  cpu0=$(cpu_seconds "$SERVER_PID"); pg0=$(postgres_cpu_seconds)
  out=$(wrk -t "$THREADS" -c "$CONNS" -d "${SECONDS_EACH}s" --timeout 10s -s "$LOAD_DIR/$script.lua" "$BASE" 2>&1)
  cpu1=$(cpu_seconds "$SERVER_PID"); pg1=$(postgres_cpu_seconds)
  r=$(echo "$out" | sed -n 's/^RESULT //p')
  [ -n "$r" ] || { echo "$out"; exit 1; }
  get() { echo "$r" | json "['$1']"; }
  printf '%-17s %9.0f %9.2f %9.2f %9.2f %7d %10.0f%% %11s   (PostgreSQL %.0f%%)\n' "$script" "$(get rps)" "$(get p50_ms)" \
    "$(get p99_ms)" "$(get max_ms)" "$(get errors)" "$(echo "($cpu1 - $cpu0) * 100 / $SECONDS_EACH" | bc -l)" \
    "$(awk '/VmRSS/ {print $2 " kB"}' "/proc/$SERVER_PID/status")" "$(echo "($pg1 - $pg0) * 100 / $SECONDS_EACH" | bc -l)"
  [ "$(get errors)" = 0 ] || failed=1
done
echo "server peak RSS $(peak_rss "$SERVER_PID")"
echo "command: LOAD_SECONDS=$SECONDS_EACH LOAD_CONNECTIONS=$CONNS LOAD_THREADS=$THREADS make load"
exit $failed
