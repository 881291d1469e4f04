#!/usr/bin/env bash
# Chaos 1: kill -9 the worker CHAOS_KILLS (20) times at random moments during a CHAOS_RECIPIENTS
# (20000) recipient dispatch sent at CHAOS_RATE (400) messages/s, so that the kills spread over
# it, restarting the worker each time. Then: every delivery terminal, the sink's
# received set covers every sent delivery (0 lost), duplicates only among deliveries leased at a
# kill, `admin verify-usage` clean. Exit 1 otherwise. Per kill it reports what the killed worker
# held (leased), what of that the relay had already accepted without the outcome being recorded
# (on the wire: sent again after the lease), and how many of them were sent twice in the end.
set -euo pipefail
N=${CHAOS_RECIPIENTS:-20000}
KILLS=${CHAOS_KILLS:-20}
source "$(dirname "$0")/lib.sh"
chaos_start worker-kill
start_sink
tenant_with_vendors acme "$N" acme-vendors.example
echo "worker kill: $N recipients at ${CHAOS_RATE:-400}/s, $KILLS kills (kill -9), lease ${LEASE_SECONDS:-5} s"
id=$(create_dispatch "Order")
t0=$(now)
start_worker SEND_RATE_PER_SECOND=${CHAOS_RATE:-400}
points=$($PY -c "import random; random.seed(${CHAOS_SEED:-10}); print(' '.join(str(int($N * f)) for f in sorted(random.uniform(0.03, 0.95) for _ in range($KILLS))))")
k=0; max_in_flight=0; sent=0
for target in $points; do
  # Each kill hits a worker that has made progress of its own (sent more since the last kill).
  floor=$((sent + 1)); [ "$target" -gt "$floor" ] && floor=$target
  [ "$floor" -lt "$N" ] || break
  until [ "$(counts "$id" | cut -d' ' -f1)" -ge "$floor" ]; do sleep 0.05; done
  # Kill while a batch is on the wire when one shows up within 2 s: the case that can resend.
  for _ in $(seq 1 60); do [ "$(fresh_leases)" -gt 0 ] && break; done
  kill -9 "$WORKER_PID"; wait "$WORKER_PID" 2>/dev/null || true
  read -r sent sending <<<"$(counts "$id")"
  mine=$(leased_by_last_owner)
  k=$((k + 1))
  cp "$WORK/received" "$WORK/received.at-kill.$k"
  psql_su -d "$DB" -c "SELECT id FROM deliveries WHERE status = 'sending' AND lease_owner =
    (SELECT lease_owner FROM deliveries WHERE status = 'sending' ORDER BY lease_expires_at DESC LIMIT 1)" >"$WORK/leased.at-kill.$k"
  note_in_flight
  [ "$mine" -gt "$max_in_flight" ] && max_in_flight=$mine
  printf '  kill %2d: %6d sent, %4d leased by the killed worker (%d by killed ones in all)\n' "$k" "$sent" "$mine" "$sending"
  start_worker SEND_RATE_PER_SECOND=${CHAOS_RATE:-400}
done
wait_terminal "$id" "${CHAOS_TIMEOUT:-900}"
t1=$(now)
kill "$WORKER_PID"; wait "$WORKER_PID" 2>/dev/null || true
check_invariants
in_flight=$(echo "$CHECK" | json "['in_flight_at_kills']")
status=$(api GET "/api/v1/dispatches/$id" | json "['status']")
echo "$CHECK"
# Per kill: leased by the killed worker; of those, accepted by the relay before the kill (on the
# wire, the outcome not recorded); of those leased, sent twice in the end (each counted at the first
# kill that held it).
per_kill=0
$PY - "$WORK" "$k" <<'PY' || per_kill=1
import collections, sys
work, kills = sys.argv[1], int(sys.argv[2])
final = collections.Counter(l.strip() for l in open(f"{work}/received") if l.strip())
seen, worst = set(), 0
for k in range(1, kills + 1):
    leased = [l.strip() for l in open(f"{work}/leased.at-kill.{k}") if l.strip()]
    accepted = set(l.strip() for l in open(f"{work}/received.at-kill.{k}") if l.strip())
    on_wire = sum(1 for i in leased if i in accepted)
    twice = sum(1 for i in leased if final[i] > 1 and i not in seen)
    seen.update(leased)
    worst = max(worst, twice - len(leased))
    print(f"  kill {k:2d}: leased {len(leased):4d}, accepted by the relay but not recorded {on_wire:4d}, sent twice {twice:4d}")
sys.exit(1 if worst > 0 else 0)
PY
printf 'worker kill: %d kills; dispatch %s in %.0f s; lost %s; duplicates %s (<= %d distinct deliveries leased at the kills, at most %d at one kill); outside crash windows %s; verify-usage exit %s\n' \
  "$k" "$status" "$(echo "$t1 - $t0" | bc -l)" "$LOST" "$DUPLICATES" "$in_flight" "$max_in_flight" \
  "$(echo "$CHECK" | json "['duplicates_outside_crash_windows']")" "$USAGE_OK"
[ "$per_kill" = 0 ] && [ "$k" = "$KILLS" ] && [ "$LOST" = 0 ] && [ "$USAGE_OK" = 0 ] && [ "$status" = completed ] && [ "$DUPLICATES" -le "$in_flight" ] &&
  [ "$(echo "$CHECK" | json "['duplicates_outside_crash_windows']")" = 0 ] && [ "$(echo "$CHECK" | json "['sent']")" = "$N" ]
