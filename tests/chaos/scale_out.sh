#!/usr/bin/env bash
# Scale-out: 2 API processes and 3 worker processes against one PostgreSQL. Three tenants each
# create a CHAOS_SCALE_RECIPIENTS (3000) recipient dispatch, alternating between the two API
# processes; first drained by one worker (the reference), then the same again by three. Reported:
# throughput with 1 and 3 workers, each tenant's finishing time (fairness), duplicates (none may
# happen: nothing crashes here), lost, verify-usage. On a 2-core machine the three workers share
# the cores with PostgreSQL and the sink, so their throughput cannot add up there.
set -euo pipefail
N=${CHAOS_SCALE_RECIPIENTS:-3000}
source "$(dirname "$0")/lib.sh"
chaos_start scale-out
BASE1=$BASE
start_serve chaos WORKER_EMBEDDED=0 DATA_DIR="$WORK/data2"  # a second API process: its own data directory
BASE2=$BASE
start_sink
declare -A TOKENS LISTS
for t in north south west; do
  BASE=$BASE1 tenant_with_vendors "$t" "$N" "$t.example"
  TOKENS[$t]=$TOKEN; LISTS[$t]=$LIST_ID
done
run() {  # WORKERS ROUND -> throughput line
  local workers=$1 round=$2 i=0 ids=() t0 t1 total=0
  for t in north south west; do
    i=$((i + 1)); [ $((i % 2)) = 1 ] && BASE=$BASE1 || BASE=$BASE2
    TOKEN=${TOKENS[$t]} LIST_ID=${LISTS[$t]}
    ids+=("$(create_dispatch "Round $round $t")")
  done
  t0=$(now)
  WORKER_PIDS=()
  for _ in $(seq 1 "$workers"); do start_worker; done
  for id in "${ids[@]}"; do wait_terminal "$id" "${CHAOS_TIMEOUT:-900}"; done
  for p in "${WORKER_PIDS[@]}"; do kill "$p"; wait "$p" 2>/dev/null || true; done
  local last; last=$(psql_su -d "$DB" -c "SELECT extract(epoch FROM max(updated_at)) FROM deliveries WHERE dispatch_id IN ('${ids[0]}','${ids[1]}','${ids[2]}')")
  local ends; ends=$(psql_su -d "$DB" -F ' ' -c "SELECT round((extract(epoch FROM max(updated_at)) - $t0)::numeric, 1) FROM deliveries
      WHERE dispatch_id IN ('${ids[0]}','${ids[1]}','${ids[2]}') GROUP BY dispatch_id ORDER BY 1" | tr '\n' ' ')
  printf 'scale-out: %d worker(s): %d messages in %.1f s = %.0f msg/s; the three tenants finished at %ss\n' \
    "$workers" "$((3 * N))" "$(echo "$last - $t0" | bc -l)" "$(echo "3 * $N / ($last - $t0)" | bc -l)" "$ends"
}
run 1 1
run 3 2
check_invariants
echo "$CHECK"
printf 'scale-out: 2 API processes, 3 workers: lost %s; duplicates %s; verify-usage exit %s\n' "$LOST" "$DUPLICATES" "$USAGE_OK"
[ "$LOST" = 0 ] && [ "$DUPLICATES" = 0 ] && [ "$USAGE_OK" = 0 ]
