#!/usr/bin/env bash
# Chaos 2: PostgreSQL crashes CHAOS_PG_RESTARTS (5) times in the middle of a dispatch, at default
# settings (lease 60 s, batch 100, no send rate) against a relay that takes CHAOS_PG_LATENCY_MS (50)
# per message, so every crash finds messages on the wire: `pg_ctl stop -m immediate`,
# PG_DOWN_SECONDS (1) away while the API is probed, then start (a `restart -m immediate` with an
# observable outage). Server and worker must recover unattended. Checked:
#   - each crash lands mid-dispatch (the relay has accepted some messages, not all);
#   - while the database is away the API answers 503 problem+json, nothing else (no answer, a
#     timeout or another status fails the run), and 200 as soon as it is back;
#   - progress resumes within CHAOS_PG_MAX_STALL (15) seconds of the database's return;
#   - afterwards 0 lost, 0 duplicates (the worker keeps the outcomes of what it sent until it can
#     record them), verify-usage clean.
# CHAOS_PG_RATE sets a send rate (0: none, the default); LEASE_SECONDS the lease (default 60).
set -euo pipefail
N=${CHAOS_PG_RECIPIENTS:-10000}
RESTARTS=${CHAOS_PG_RESTARTS:-5}
DOWN=${PG_DOWN_SECONDS:-1}
LATENCY=${CHAOS_PG_LATENCY_MS:-50}
MAX_STALL=${CHAOS_PG_MAX_STALL:-15}
source "$(dirname "$0")/lib.sh"
chaos_start pg-restart
start_sink --latency-ms "$LATENCY"
tenant_with_vendors acme "$N" acme-vendors.example
rate=${CHAOS_PG_RATE:-0}
echo "pg restart: $N recipients, relay latency ${LATENCY} ms, send rate ${rate} (0: none), lease ${LEASE_SECONDS:-60} s;" \
  "$RESTARTS crashes of PostgreSQL (${DOWN} s away each)"
id=$(create_dispatch "Notice")
worker_env=(WORKER_LEASE_SECONDS="${LEASE_SECONDS:-60}")
[ "$rate" != 0 ] && worker_env+=(SEND_RATE_PER_SECOND="$rate")
start_worker "${worker_env[@]}"
pg() { runuser -u postgres -- "$PGBIN/pg_ctl" -D "$WORK/pg/data" "$@" >/dev/null; }
accepted() { wc -l <"$WORK/received"; }
probe() { curl -s -o /dev/null -m 5 -w '%{http_code}\n' -H "Authorization: Bearer $TOKEN" "$BASE/api/v1/dispatches/$id"; }
: >"$WORK/codes"
: >"$WORK/codes_after"
max_stall=0
for i in $(seq 1 "$RESTARTS"); do
  # Wait until the relay has accepted something since the last crash, then crash at a random moment.
  before=$(accepted)
  for _ in $(seq 1 200); do [ "$(accepted)" -gt "$before" ] && break; sleep 0.1; done
  sleep "$($PY -c 'import random; print(random.uniform(0.5, 2.0))')"
  at_crash=$(accepted)
  [ "$at_crash" -gt 0 ] && [ "$at_crash" -lt "$N" ] ||
    { echo "crash $i would not land mid-dispatch ($at_crash of $N accepted); use more recipients"; exit 1; }
  pg stop -m immediate
  note_in_flight 2>/dev/null || true  # the database is away: leases are read back below
  end=$(( $(date +%s%N) + DOWN * 1000000000 ))
  while [ "$(date +%s%N)" -lt "$end" ]; do probe >>"$WORK/codes"; sleep 0.1; done
  pg start -w -l "$WORK/pg/log" -o "-p $PGPORT -k $WORK/pg/sock -c listen_addresses=127.0.0.1"
  back=$(date +%s%N)
  probe >>"$WORK/codes_after"  # the first request after the database is back
  note_in_flight  # rows leased when the database went away are still 'sending' after recovery
  # Progress: the database records more sent deliveries than before the crash.
  sent_at_crash=$(counts "$id" | cut -d' ' -f1)
  stall=none
  while [ $(( ($(date +%s%N) - back) / 1000000000 )) -lt 120 ]; do
    sent=$(counts "$id" 2>/dev/null | cut -d' ' -f1)
    if [ -n "$sent" ] && { [ "$sent" -gt "$sent_at_crash" ] || [ "$sent" -ge "$N" ]; }; then
      stall=$(( ($(date +%s%N) - back) / 1000000 )); break
    fi
    sleep 0.1
  done
  [ "$stall" != none ] || { echo "no progress within 120 s after crash $i"; exit 1; }
  [ "$stall" -gt "$max_stall" ] && max_stall=$stall
  alive "$SERVER_PID" || { echo "serve died at crash $i: $(tail -5 "$WORK/server.log")"; exit 1; }
  alive "$WORKER_PID" || { echo "worker died at crash $i: $(tail -5 "$WORK/worker.log")"; exit 1; }
  printf '  crash %d: relay had accepted %6d of %d; progress again %5d ms after the database was back\n' \
    "$i" "$at_crash" "$N" "$stall"
done
wait_terminal "$id" "${CHAOS_TIMEOUT:-900}"
ok=$(probe)
kill "$WORKER_PID"; wait "$WORKER_PID" 2>/dev/null || true
check_invariants
tally() { sort "$1" | uniq -c | awk '{printf "%s%s x%s", sep, $2, $1; sep=", "}'; }
echo "$CHECK"
printf 'pg restart: %d crashes; answers while away: %s; first answer after each return: %s; longest stall after a return: %d ms; lost %s; duplicates %s (<= %s leased at the crashes); verify-usage exit %s\n' \
  "$RESTARTS" "$(tally "$WORK/codes")" "$(tally "$WORK/codes_after")" "$max_stall" "$LOST" "$DUPLICATES" \
  "$(echo "$CHECK" | json "['in_flight_at_kills']")" "$USAGE_OK"
! grep -qvE '^503$' "$WORK/codes" || { echo "an answer other than 503 while the database was away (000: none)"; exit 1; }
! grep -qvE '^200$' "$WORK/codes_after" || { echo "an answer other than 200 once the database was back"; exit 1; }
[ "$max_stall" -le $(( MAX_STALL * 1000 )) ] || { echo "progress stalled longer than ${MAX_STALL} s after a return"; exit 1; }
[ "$ok" = 200 ] && [ "$LOST" = 0 ] && [ "$DUPLICATES" = 0 ] && [ "$USAGE_OK" = 0 ] &&
  [ "$(echo "$CHECK" | json "['sent']")" = "$N" ]
