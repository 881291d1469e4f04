#!/usr/bin/env bash
# Chaos 2: PostgreSQL crashes CHAOS_PG_RESTARTS (10) times during a dispatch: `pg_ctl stop -m
# immediate`, PG_DOWN_SECONDS (1) away while the API is probed, then start (a `restart -m
# immediate` with an observable outage). Server and worker must recover unattended: still running,
# API answers 503 while the database is away (never another 5xx, never a hang), and afterwards the
# invariants hold: 0 lost, duplicates only among deliveries leased at a crash, verify-usage clean.
set -euo pipefail
N=${CHAOS_PG_RECIPIENTS:-10000}
RESTARTS=${CHAOS_PG_RESTARTS:-10}
DOWN=${PG_DOWN_SECONDS:-1}
source "$(dirname "$0")/lib.sh"
chaos_start pg-restart
start_sink
tenant_with_vendors acme "$N" acme-vendors.example
# A send rate stretches the dispatch over all the restarts.
echo "pg restart: $N recipients at ${CHAOS_PG_RATE:-250}/s, $RESTARTS crashes of PostgreSQL (${DOWN} s away each)"
id=$(create_dispatch "Notice")
start_worker SEND_RATE_PER_SECOND=${CHAOS_PG_RATE:-250}
pg() { runuser -u postgres -- "$PGBIN/pg_ctl" -D "$WORK/pg/data" "$@" >/dev/null; }
: >"$WORK/codes"
for i in $(seq 1 "$RESTARTS"); do
  sleep "$($PY -c 'import random; print(random.uniform(1.0, 3.0))')"
  sent=$(counts "$id" | cut -d' ' -f1)
  pg stop -m immediate
  note_in_flight 2>/dev/null || true  # the database is away: leases are read back below
  end=$(( $(date +%s%N) + DOWN * 1000000000 ))
  while [ "$(date +%s%N)" -lt "$end" ]; do
    curl -s -o /dev/null -m 5 -w '%{http_code}\n' -H "Authorization: Bearer $TOKEN" "$BASE/api/v1/dispatches/$id" >>"$WORK/codes"
    sleep 0.1
  done
  pg start -w -l "$WORK/pg/log" -o "-p $PGPORT -k $WORK/pg/sock -c listen_addresses=127.0.0.1"
  note_in_flight  # rows leased when the database went away are still 'sending' after recovery
  alive "$SERVER_PID" || { echo "serve died at crash $i: $(tail -5 "$WORK/server.log")"; exit 1; }
  alive "$WORKER_PID" || { echo "worker died at crash $i: $(tail -5 "$WORK/worker.log")"; exit 1; }
  printf '  crash %2d: %6d sent before; server and worker alive\n' "$i" "$sent"
done
wait_terminal "$id" "${CHAOS_TIMEOUT:-900}"
# The API is back by itself.
ok=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $TOKEN" "$BASE/api/v1/dispatches/$id")
kill "$WORKER_PID"; wait "$WORKER_PID" 2>/dev/null || true
check_invariants
codes=$(sort "$WORK/codes" | uniq -c | awk '{printf "%s%s x%s", sep, $2, $1; sep=", "}')
echo "$CHECK"
printf 'pg restart: %d crashes; answers while away: %s; after: %s; lost %s; duplicates %s (<= %s leased at the crashes); verify-usage exit %s\n' \
  "$RESTARTS" "$codes" "$ok" "$LOST" "$DUPLICATES" "$(echo "$CHECK" | json "['in_flight_at_kills']")" "$USAGE_OK"
! grep -qvE '^(503|000)$' "$WORK/codes" || { echo "unexpected status while the database was away"; exit 1; }
[ "$ok" = 200 ] && [ "$LOST" = 0 ] && [ "$USAGE_OK" = 0 ] && [ "$(echo "$CHECK" | json "['duplicates_outside_crash_windows']")" = 0 ] &&
  [ "$(echo "$CHECK" | json "['sent']")" = "$N" ]
