#!/bin/bash
# Benchmark: dispatches end to end, against references measured in the same run.
#
#  1. Creation: POST /api/v1/dispatches for CREATE_RECIPIENTS (100k) recipients (no worker running),
#     against a bare COPY of the same delivery rows into a table like `deliveries` without indexes
#     or constraints (goal: <= 2x), and into one with the same keys, indexes and foreign key.
#  2. Direct: a MESSAGES (50k) recipient personalised dispatch, API call to the last delivery
#     recorded, through `dispatchhub worker` to Postfix's smtp-sink, against
#     `smtp-source -d -s CONNECTIONS` into the same sink (goal: >= 0.8x).
#  3. Delayed: the same with DELAYED_MESSAGES (10k) through bench/delay_proxy (every server reply
#     delayed DELAY_MS), against smtp-source through the same proxy (goal: >= 1.8x).
#  Worker CPU per message and peak RSS are reported for each drained dispatch (the 100k one of step 1
#  included: memory must not grow with the dispatch size), with the CPU per message of PostgreSQL
#  and smtp-sink, the rate of the sending phase alone (first claim to last record) and the rate the
#  machine's cores allow at that CPU per message; for smtp-source, its own CPU and the sink's.
#
#   bench/dispatch_e2e.sh        (as root, after `make build` and
#                                 `cmake --build build --target delay_proxy`)
#   env: MESSAGES, DELAYED_MESSAGES, CREATE_RECIPIENTS, CONNECTIONS (20), DELAY_MS (5);
#        PG_STATS=1 also prints the costliest SQL statements, PG_OPTIONS extra server settings
set -euo pipefail
MESSAGES=${MESSAGES:-50000}
DELAYED_MESSAGES=${DELAYED_MESSAGES:-10000}
CREATE_RECIPIENTS=${CREATE_RECIPIENTS:-100000}
CONNECTIONS=${CONNECTIONS:-20}
DELAY_MS=${DELAY_MS:-5}
source "$(dirname "$0")/lib.sh"
bench_init dispatch
PROXY=${PROXY:-$ROOT/build/bench/delay_proxy}
[ -x "$PROXY" ] || { echo "no $PROXY: cmake --build build --target delay_proxy"; exit 1; }
command -v smtp-sink >/dev/null || { echo "smtp-sink missing (Debian package postfix)"; exit 1; }

VENDORS=$CREATE_RECIPIENTS
[ "$MESSAGES" -gt "$VENDORS" ] && VENDORS=$MESSAGES
echo "== generating $VENDORS vendors (lists: all, first $MESSAGES, first $DELAYED_MESSAGES)"
$PY - "$WORK/vendors.csv" "$VENDORS" "$MESSAGES" "$DELAYED_MESSAGES" <<'PY'
import csv, sys
path, n, direct, delayed = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
with open(path, "w", newline="") as f:
    w = csv.writer(f, lineterminator="\r\n")
    w.writerow(["code", "name", "email", "contact_name", "role", "list"])
    for i in range(n):
        lists = ["all"] + (["direct"] if i < direct else []) + (["delayed"] if i < delayed else [])
        w.writerow([f"V{i:07d}", f"Vendor {i}", f"ap@vendor{i}.example", f"Contact {i}", "ap", ";".join(lists)])
PY

echo "== starting PostgreSQL 15, smtp-sink and the delaying proxy"
start_postgres ${PG_OPTIONS:-} $(pg_stats_options)
psql_su -d postgres -c "CREATE DATABASE bench_app"
pg_stats_enable bench_app
SINK_PORT=$(free_port); PROXY_PORT=$(free_port)
smtp-sink -u postfix -h bench-sink 127.0.0.1:$SINK_PORT 1024 >/dev/null 2>&1 & SINK_PID=$!; BENCH_PIDS+=($!)
"$PROXY" "$PROXY_PORT" 127.0.0.1 "$SINK_PORT" "$DELAY_MS" >/dev/null 2>&1 & BENCH_PIDS+=($!)

echo "== starting dispatchhub serve (worker not embedded)"
start_serve bench_app WORKER_EMBEDDED=0
bench_unlimited_tenant bench_app
echo "== importing"
import_csv "$WORK/vendors.csv" >/dev/null

echo
echo "== 1. creating a $CREATE_RECIPIENTS-recipient dispatch vs COPY of the same rows"
t0=$(now); big=$(create_dispatch all "Order"); t1=$(now)
CREATE=$(echo "$t1 - $t0" | bc -l)
api POST "/api/v1/dispatches/$big/pause" >/dev/null  # sent last, by a worker of its own
psql_su -d bench_app -c "\\copy (SELECT * FROM deliveries WHERE dispatch_id = '$big') TO '$WORK/deliveries.copy'"
psql_su -d bench_app -c "CREATE TABLE copy_target (LIKE deliveries INCLUDING DEFAULTS)"
t0=$(now); psql_su -d bench_app -c "\\copy copy_target FROM '$WORK/deliveries.copy'"; t1=$(now)
COPY=$(echo "$t1 - $t0" | bc -l)
# The second reference: the same rows into a table defined like `deliveries` (its keys, indexes and
# checks, and the foreign key to dispatches), i.e. what storing them costs PostgreSQL at all.
psql_su -d bench_app -c "CREATE TABLE copy_keyed (LIKE deliveries INCLUDING ALL);
  ALTER TABLE copy_keyed ADD FOREIGN KEY (tenant_id, dispatch_id) REFERENCES dispatches (tenant_id, id)"
t0=$(now); psql_su -d bench_app -c "\\copy copy_keyed FROM '$WORK/deliveries.copy'"; t1=$(now)
COPY_KEYED=$(echo "$t1 - $t0" | bc -l)
printf 'create dispatch (API, committed): %.3f s; COPY of the same %s rows: %.3f s; ratio %.2f (goal <= 2)\n' \
  "$CREATE" "$(wc -l <"$WORK/deliveries.copy")" "$COPY" "$(echo "$CREATE / $COPY" | bc -l)"
printf 'COPY into a table defined like deliveries (keys, indexes, foreign key): %.3f s; ratio %.2f\n' \
  "$COPY_KEYED" "$(echo "$CREATE / $COPY_KEYED" | bc -l)"

echo
echo "== 2./3. sending"
source_run "smtp-source direct" "$SINK_PORT" "$MESSAGES"; SRC_DIRECT=$RATE
drain "dispatch direct" direct "$SINK_PORT" "$MESSAGES"; HUB_DIRECT=$RATE
source_run "smtp-source via ${DELAY_MS} ms proxy" "$PROXY_PORT" "$DELAYED_MESSAGES"; SRC_DELAYED=$RATE
drain "dispatch via ${DELAY_MS} ms proxy" delayed "$PROXY_PORT" "$DELAYED_MESSAGES"; HUB_DELAYED=$RATE
drain "the $CREATE_RECIPIENTS-recipient dispatch, direct" all "$SINK_PORT" "$CREATE_RECIPIENTS" "$big"

echo
printf 'direct: %.2fx smtp-source (goal >= 0.8); via proxy: %.2fx (goal >= 1.8)\n' \
  "$(echo "$HUB_DIRECT / $SRC_DIRECT" | bc -l)" "$(echo "$HUB_DELAYED / $SRC_DELAYED" | bc -l)"
"$BIN" admin verify-usage | tail -1
pg_stats_print bench_app
echo "command: MESSAGES=$MESSAGES DELAYED_MESSAGES=$DELAYED_MESSAGES CREATE_RECIPIENTS=$CREATE_RECIPIENTS CONNECTIONS=$CONNECTIONS bench/dispatch_e2e.sh"
