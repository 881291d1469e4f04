#!/usr/bin/env bash
# Chaos 3: a relay that misbehaves for one tenant. Tenant "faulty" has CHAOS_FAULT_RECIPIENTS (500)
# recipients whose messages the sink faults with probability CHAOS_FAULT_RATE (0.3): connections
# dropped mid-DATA, 421 + close, 451 after the data, and stalls (a reply dripped one byte every
# 10 s, for up to 35 s). Not 454 by default (CHAOS_FAULTS adds it): the worker reads a throttling
# reply as relay-wide and halves its connections, right for a relay that throttles the account but
# not what a fault aimed at one tenant's messages should measure (see docs/reliability.md).
# Tenant "clean" sends CHAOS_CLEAN_RECIPIENTS (500) at the same time.
# Checked: everything ends sent (retries with backoff, RETRY_BASE_SECONDS=1), 0 lost, verify-usage
# clean, the worker's file descriptors and memory stay flat, no hot loop (CPU and connections per
# message), and the clean tenant's throughput is compared with a run of it alone.
set -euo pipefail
NF=${CHAOS_FAULT_RECIPIENTS:-500}
NC=${CHAOS_CLEAN_RECIPIENTS:-500}
source "$(dirname "$0")/lib.sh"
chaos_start smtp-faults
start_sink --fault-match faulty.example --fault-rate "${CHAOS_FAULT_RATE:-0.3}" --drip-seconds 10 --stall-seconds 35 \
  --faults "${CHAOS_FAULTS:-drop-data,421,451,stall}"
tenant_with_vendors faulty "$NF" faulty.example; FAULTY_TOKEN=$TOKEN; FAULTY_LIST=$LIST_ID
tenant_with_vendors clean "$NC" clean.example; CLEAN_TOKEN=$TOKEN; CLEAN_LIST=$LIST_ID
LEASE_SECONDS=60 start_worker
sleep 1
# sample: "seconds fds rss_kb cpu_s" of the worker, once a second, in the background.
( t=0; while alive "$WORKER_PID"; do echo "$t $(fd_count "$WORKER_PID") $(rss_kb "$WORKER_PID") $(cpu_seconds "$WORKER_PID")"; sleep 1; t=$((t + 1)); done ) >"$WORK/samples" 2>/dev/null &
SAMPLER=$!; BENCH_PIDS+=("$SAMPLER")

drain_time() {  # ID -> seconds from now until its last delivery was recorded
  local t0; t0=$(now)
  wait_terminal "$1" "${CHAOS_TIMEOUT:-900}"
  echo "$(psql_su -d "$DB" -c "SELECT extract(epoch FROM max(updated_at)) FROM deliveries WHERE dispatch_id = '$1'") - $t0" | bc -l
}
TOKEN=$CLEAN_TOKEN LIST_ID=$CLEAN_LIST
alone_id=$(create_dispatch "Alone")
ALONE=$(drain_time "$alone_id")
TOKEN=$FAULTY_TOKEN LIST_ID=$FAULTY_LIST
faulty_id=$(create_dispatch "Faulty")
sleep 2  # the faults are under way
TOKEN=$CLEAN_TOKEN LIST_ID=$CLEAN_LIST
clean_id=$(create_dispatch "Clean")
WITH=$(drain_time "$clean_id")
t0=$(now)
wait_terminal "$faulty_id" "${CHAOS_TIMEOUT:-900}"
FAULTY_TAIL=$(echo "$(now) - $t0" | bc -l)
sleep 2
kill "$WORKER_PID"; wait "$WORKER_PID" 2>/dev/null || true
kill "$SAMPLER" 2>/dev/null || true
check_invariants
attempts=$(psql_su -d "$DB" -c "SELECT sum(attempts) FROM deliveries")
echo "$CHECK"
echo "sink: $(cat "$WORK/sink.json")"
read -r fd_min fd_max rss_first rss_max cpu_last secs <<<"$(awk 'NR == 1 {fmin = $2; fmax = $2; r0 = $3} {if ($2 < fmin) fmin = $2; if ($2 > fmax) fmax = $2; if ($3 > rmax) rmax = $3; c = $4; s = $1}
  END {print fmin, fmax, r0, rmax, c, s}' "$WORK/samples")"
connections=$(json "['connections']" <"$WORK/sink.json")
printf 'smtp faults: clean tenant %d msgs alone %.1f s, beside the faulty tenant %.1f s (%.2fx); faulty tenant done %.0f s later; %s attempts for %d messages, %s connections\n' \
  "$NC" "$ALONE" "$WITH" "$(echo "$WITH / $ALONE" | bc -l)" "$FAULTY_TAIL" "$attempts" "$((NF + 2 * NC))" "$connections"
printf 'smtp faults: worker fds %s..%s, RSS %s kB at start, %s kB peak, CPU %s s over %s s; lost %s; duplicates %s; verify-usage exit %s\n' \
  "$fd_min" "$fd_max" "$rss_first" "$rss_max" "$cpu_last" "$secs" "$LOST" "$DUPLICATES" "$USAGE_OK"
[ "$LOST" = 0 ] && [ "$USAGE_OK" = 0 ] && [ "$(echo "$CHECK" | json "['sent']")" = "$((NF + 2 * NC))" ] &&
  [ "$(echo "$CHECK" | json "['duplicates_outside_crash_windows']")" = 0 ] && [ "$fd_max" -le $((fd_min + 60)) ] || exit 1
# Fairness: the clean tenant may slow down beside the faulty one, not stop (CHAOS_MAX_SLOWDOWN, 5x).
if [ "$(echo "$WITH > ${CHAOS_MAX_SLOWDOWN:-5} * $ALONE + 5" | bc -l)" = 1 ]; then
  echo "smtp faults: the clean tenant was starved (a stalled message holds its whole batch; see docs/reliability.md)"
  exit 1
fi
