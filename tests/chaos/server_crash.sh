#!/usr/bin/env bash
# Chaos 4: kill -9 the server right after it answered 201 to a dispatch, CHAOS_SERVER_CRASHES (5)
# times: after a restart the dispatch exists with all its deliveries. Then CHAOS_PARALLEL (20)
# creations with Idempotency-Keys at once and a kill -9 in the middle: every answered dispatch
# exists, no dispatch is partial, and retrying every key afterwards creates nothing twice.
set -euo pipefail
N=${CHAOS_SERVER_RECIPIENTS:-500}
CRASHES=${CHAOS_SERVER_CRASHES:-5}
PARALLEL=${CHAOS_PARALLEL:-20}
source "$(dirname "$0")/lib.sh"
chaos_start server-crash
tenant_with_vendors acme "$N" acme-vendors.example
body="{\"subject\":\"Crash test\",\"body_markdown\":\"Hello\",\"recipients\":{\"list_ids\":[\"$LIST_ID\"]}}"
deliveries_of() { psql_su -d "$DB" -c "SELECT count(*) FROM deliveries WHERE dispatch_id = '$1'"; }
for i in $(seq 1 "$CRASHES"); do
  answer=$(curl -s -w '\n%{http_code}' -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' -d "$body" "$BASE/api/v1/dispatches")
  kill -9 "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true
  code=$(echo "$answer" | tail -1); id=$(echo "$answer" | head -1 | json "['id']")
  [ "$code" = 201 ] || { echo "create answered $code"; exit 1; }
  start_serve chaos WORKER_EMBEDDED=0
  got=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $TOKEN" "$BASE/api/v1/dispatches/$id")
  n=$(deliveries_of "$id")
  printf '  crash %d after 201: dispatch %s -> %s after restart, %s deliveries\n' "$i" "$id" "$got" "$n"
  [ "$got" = 200 ] && [ "$n" = "$N" ] || exit 1
done

# Many creations in flight at the kill.
mkdir -p "$WORK/par"
for k in $(seq 1 "$PARALLEL"); do
  curl -s -o "$WORK/par/$k.body" -w '%{http_code}' -m 30 -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
    -H "Idempotency-Key: crash-$k" -d "$body" "$BASE/api/v1/dispatches" >"$WORK/par/$k.code" 2>/dev/null &
done
# The kill comes once the first creation has been answered, the others still in flight.
for _ in $(seq 1 600); do grep -qs '^201$' "$WORK"/par/*.code && break; sleep 0.05; done
kill -9 "$SERVER_PID"; wait 2>/dev/null
answered=$(grep -l '^201$' "$WORK"/par/*.code | wc -l || true)
codes=$(for f in "$WORK"/par/*.code; do cat "$f"; echo; done | sort | uniq -c | awk '{printf "%s%s x%s", sep, $2, $1; sep=", "}')
start_serve chaos WORKER_EMBEDDED=0
partial=$(psql_su -d "$DB" -c "SELECT count(*) FROM dispatches d WHERE (SELECT count(*) FROM deliveries l WHERE l.dispatch_id = d.id) <> $N")
missing=0
for f in $(grep -l '^201$' "$WORK"/par/*.code || true); do
  id=$(json "['id']" <"${f%.code}.body")
  [ "$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $TOKEN" "$BASE/api/v1/dispatches/$id")" = 200 ] || missing=$((missing + 1))
done
before=$(psql_su -d "$DB" -c "SELECT count(*) FROM dispatches")
for k in $(seq 1 "$PARALLEL"); do
  curl -fs -o /dev/null -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' -H "Idempotency-Key: crash-$k" -d "$body" "$BASE/api/v1/dispatches"
done
after=$(psql_su -d "$DB" -c "SELECT count(*) FROM dispatches")
created_by_retry=$((after - before))
printf 'server crash: %d kills right after 201, every dispatch there after restart; %d parallel creations, %d answered 201 before the kill (answers: %s): %d missing, %d partial dispatches; retrying all %d keys created %d (= the unanswered that had not committed)\n' \
  "$CRASHES" "$PARALLEL" "$answered" "$codes" "$missing" "$partial" "$PARALLEL" "$created_by_retry"
[ "$missing" = 0 ] && [ "$partial" = 0 ] && [ "$((before - CRASHES + created_by_retry))" = "$PARALLEL" ]
