#!/usr/bin/env bash
# Benchmark: the API request path against the database's own limit, measured in the same run.
#
# One tenant with API_VENDORS (10,000) vendors of 2 contacts each (CSV import through the API), one
# dispatch to 1,000 of them (2,000 deliveries, queued: no worker runs) and API_INBOX (1,000) received
# messages. For each endpoint: wrk (API_THREADS 2 threads, API_CONNECTIONS 32 connections) for
# API_WARMUP (3) s of warm-up, then API_SECONDS (10) s measured; then pgbench with as many clients,
# the same warm-up and length, running the SQL statements the server runs for one request of that
# endpoint in one script (bench/api/*.sql: the token's user lookup in its own platform-scope
# transaction when the server reads it per request, then BEGIN, SET LOCAL ROLE, set_config of the
# tenant, the endpoint's statements, COMMIT), prepared (-M prepared, as the server prepares every
# statement once per connection). A server that keeps principals between requests (migration 0024,
# AUTH_CACHE_SECONDS > 0, the default) runs no lookup for a session it has seen: its scripts leave
# the lookup out. API_AUTH_CACHE_SECONDS is passed to the server as AUTH_CACHE_SECONDS.
#
# Per endpoint it prints: requests/s of the server, transactions/s of pgbench, their ratio (goal
# >= 0.7), p50/p99 latency of the server (goal p99 < 50 ms), the server's CPU per request, the
# cluster's CPU per request (server run) and per transaction (pgbench run), the top-level statements
# the server ran per request (pg_stat_statements, utility statements included) beside the statements
# of the pgbench script, and the round trips per request (TCP data segments the server sent to
# PostgreSQL: several pipelined statements travel in one). Then POST /api/v1/vendors again with the
# tenant topped up to API_LARGE_VENDORS (200,000) vendors by SQL as the superuser, and the creation
# rate at both sizes (goal: within 1.2x). The statements each endpoint ran, per request, are listed
# after the tables; the tables also go to bench/results/.
#
# Exits 1 on any wrk socket error or non-2xx answer, a pgbench failure, or `admin verify-usage`
# finding a counter that differs from the rows it counts.
#
#   bash bench/api_bench.sh                       (as root, after a build: build/dispatchhub)
#   BIN=/path/to/dispatchhub bash bench/api_bench.sh
#   API_SECONDS=10 API_WARMUP=3 API_CONNECTIONS=32 API_ENDPOINTS="vendor_get inbox" bash bench/api_bench.sh
# Needs wrk and pgbench (PostgreSQL 15 client), ss (iproute2) for the round trips.
set -euo pipefail
SECONDS_RUN=${API_SECONDS:-10}
WARMUP=${API_WARMUP:-3}
CONNS=${API_CONNECTIONS:-32}
THREADS=${API_THREADS:-2}
VENDORS=${API_VENDORS:-10000}
LARGE=${API_LARGE_VENDORS:-200000}
INBOX=${API_INBOX:-1000}
ENDPOINTS=${API_ENDPOINTS:-vendor_list vendor_get dispatch_get inbox vendor_create}
PG_STATS=1
source "$(dirname "$0")/lib.sh"
bench_init api
API_DIR=$ROOT/bench/api
for tool in wrk pgbench ss; do command -v $tool >/dev/null || { echo "api_bench: $tool is missing"; exit 1; }; done
DB=bench_api
RESULTS_DIR=$ROOT/bench/results
mkdir -p "$RESULTS_DIR"
RESULTS=$RESULTS_DIR/api_bench-$(date +%Y%m%d-%H%M%S).txt
failed=0

declare -A PATHS=([vendor_list]="GET /api/v1/vendors?limit=50" [vendor_get]="GET /api/v1/vendors/{id}"
  [vendor_create]="POST /api/v1/vendors" [dispatch_get]="GET /api/v1/dispatches/{id}" [inbox]="GET /api/v1/inbox")

echo "== PostgreSQL 15 (pg_stat_statements, track=all, track_utility=on) and dispatchhub serve ($BIN)"
start_postgres $(pg_stats_options) -c pg_stat_statements.track_utility=on -c pg_stat_statements.max=5000
psql_su -d postgres -c "CREATE DATABASE $DB"
pg_stats_enable $DB
start_serve $DB WORKER_EMBEDDED=0 ${API_HANDLER_THREADS:+HTTP_HANDLER_THREADS=$API_HANDLER_THREADS} \
  ${API_POOL_SIZE:+DB_POOL_SIZE=$API_POOL_SIZE} ${API_AUTH_CACHE_SECONDS:+AUTH_CACHE_SECONDS=$API_AUTH_CACHE_SECONDS}
bench_unlimited_tenant $DB
psql_su -d $DB -c "UPDATE plans SET vendors_limit = 100000000"
q() { psql_su -d $DB -c "$1"; }
TENANT_ID=$(q "SELECT id FROM tenants WHERE slug = 'bench'")
USER_ID=$(q "SELECT id FROM users WHERE email = 'admin@bench.test'")
tenant_login() { login '{"email":"admin@bench.test","password":"Bench-tenant-Passw0rd!","tenant":"bench"}'; }
HAS_COUNTS=$(q "SELECT to_regclass('tenant_counts') IS NOT NULL")
HAS_ROOM=$(q "SELECT to_regproc('dh_require_vendor_room') IS NOT NULL")
HAS_SHARDS=$(q "SELECT to_regclass('tenant_vendor_counts') IS NOT NULL")
HAS_STATUS_COUNTS=$(q "SELECT to_regclass('dispatch_status_counts') IS NOT NULL")
# Whether the server authenticates a known session without reading its user (principal cache).
AUTH_KEPT=$(q "SELECT to_regproc('dh_notify_principal') IS NOT NULL")
[ "${API_AUTH_CACHE_SECONDS:-10}" != 0 ] || AUTH_KEPT=f
# The statements vendor creation runs, by the migrations of the binary measured.
creation_form() {
  if [ "$HAS_SHARDS" = t ]; then echo "insert with contacts counted on the connection's shard, limit checked before COMMIT (migrations 0023, 0025)"
  elif [ "$HAS_ROOM" = t ]; then echo "insert with contacts, limit checked before COMMIT (migration 0023)"
  elif [ "$HAS_COUNTS" = t ]; then echo "counter row locked first (tenant_counts)"
  else echo "advisory lock and count (no tenant_counts)"; fi
}

echo "== $VENDORS vendors with 2 contacts each (CSV import), lists region-0..9"
$PY - "$WORK/vendors.csv" "$VENDORS" <<'PY'
import csv, sys
with open(sys.argv[1], "w", newline="") as f:
    w = csv.writer(f, lineterminator="\r\n")
    w.writerow(["code", "name", "email", "contact_name", "role", "category", "list"])
    for i in range(int(sys.argv[2])):
        for local, role in (("ap", "ap"), ("orders", "ops")):
            w.writerow([f"V{i:07d}", f"Vendor {i}", f"{local}@vendor{i}.example", f"{role.upper()} contact {i}", role,
                        ("parts", "freight", "services")[i % 3], f"region-{i % 10}"])
PY
job=$(import_csv "$WORK/vendors.csv")
echo "import: $(echo "$job" | json "['vendors_created']") vendors, $(echo "$job" | json "['contacts_added']") contacts"
q "INSERT INTO inbox_messages (tenant_id, kind, routed_by, vendor_id, contact_id, from_address, from_name, to_addresses,
     subject, text_body, raw_path, size_bytes, received_at)
   SELECT v.tenant_id, 'reply', 'sender', v.id, c.id, c.email, c.name, 'orders@bench.test', 'Re: order ' || v.code,
     'Confirmed, thanks.', 'bench/' || v.rn || '.eml', 2048, now() - v.rn * interval '1 minute'
   FROM (SELECT id, tenant_id, code, row_number() OVER (ORDER BY id) AS rn FROM vendors) v
   JOIN vendor_contacts c ON c.vendor_id = v.id AND c.is_primary
   WHERE v.rn <= $INBOX" >/dev/null
DISPATCH_ID=$(create_dispatch region-0 "Order confirmation")
q "VACUUM ANALYZE" >/dev/null
q "SELECT id FROM vendors WHERE tenant_id = '$TENANT_ID'" >"$WORK/vendor_ids"
# pgbench draws a number and looks the vendor up here (it cannot draw a uuid).
q "CREATE TABLE bench_vendor_ids AS SELECT row_number() OVER (ORDER BY id)::int AS n, id FROM vendors;
   ALTER TABLE bench_vendor_ids ADD PRIMARY KEY (n)" >/dev/null
q "VACUUM ANALYZE bench_vendor_ids" >/dev/null
echo "dispatch $DISPATCH_ID: $(q "SELECT count(*) FROM deliveries WHERE dispatch_id = '$DISPATCH_ID'") deliveries;" \
  "$(q "SELECT count(*) FROM inbox_messages") inbox messages; vendor creation statements:" \
  "$(creation_form)"

# ---- pgbench scripts ------------------------------------------------------------------------------
# pgbench -M prepared sends an undefined variable as NULL; the list and inbox scripts rely on it.
cat >"$WORK/null_check.sql" <<'EOF'
SELECT 1 / (CASE WHEN :never_defined::text IS NULL THEN 1 ELSE 0 END);
EOF
pgbench -n -M prepared -h 127.0.0.1 -p "$PGPORT" -U postgres -t 1 -f "$WORK/null_check.sql" $DB >/dev/null 2>&1 ||
  { echo "this pgbench does not send an undefined variable as NULL; the scripts need it"; exit 1; }

PGB=(-n -M prepared -h 127.0.0.1 -p "$PGPORT" -U postgres -c "$CONNS" -j "$THREADS"
  -D tenant_id="$TENANT_ID" -D user_id="$USER_ID" -D dispatch_id="$DISPATCH_ID"
  -D "after_name= " -D after_id=00000000-0000-0000-0000-000000000000 -D page_limit=51
  -D inbox_limit=50
  -D vendor_count="$VENDORS" -D seq=0 -D category=bench -D 'tags=[]' -D status=active -D 'notes=created by the API benchmark' -D 'custom_fields={}'
  -D 'contacts_json=[{"email":"ap@bench.example","is_primary":true,"name":"Accounts","role":"ap"},{"email":"orders@bench.example","is_primary":false,"name":"Orders","role":"ops"}]'
  -D contact1_name=Accounts -D contact1_email=ap@bench.example -D contact1_role=ap -D contact1_primary=t
  -D contact2_name=Orders -D contact2_email=orders@bench.example -D contact2_role=ops -D contact2_primary=f)
mkdir -p "$WORK/pgbench"
# pgbench_files NAME: writes the script of endpoint NAME, prints its -f option.
pgbench_files() {
  local src=$API_DIR/$1.sql
  if [ "$1" = vendor_create ] && [ "$HAS_ROOM" != t ]; then
    src=$API_DIR/vendor_create_locked.sql
    [ "$HAS_COUNTS" = t ] || src=$API_DIR/vendor_create_advisory.sql
  fi
  if [ "$AUTH_KEPT" = t ]; then cat "$src"; else cat "$API_DIR/auth.sql" "$src"; fi >"$WORK/pgbench/$1.sql"
  # A binary from before migration 0026 counts a dispatch's statuses over its deliveries.
  if [ "$1" = dispatch_get ] && [ "$HAS_STATUS_COUNTS" != t ]; then
    sed -i 's/^  (SELECT coalesce(jsonb_object_agg(x.status, x.n).*AS counts,$/  (SELECT coalesce(jsonb_object_agg(status, n), '"'{}'"')::text FROM (SELECT status, count(*) AS n FROM deliveries WHERE dispatch_id = d.id GROUP BY status) c) AS counts,/' \
      "$WORK/pgbench/$1.sql"
  fi
  printf -- '-f %s ' "$WORK/pgbench/$1.sql"
}
# Statements per execution of a script: SQL commands end with ';' or \gset at the end of a line.
# The lookup of a random vendor id (bench_vendor_ids) is not one of the server's.
script_statements() { grep -v '^\s*--' "$1" | grep -v bench_vendor_ids | grep -cE ';\s*$|\\gset'; }

# ---- measurements ---------------------------------------------------------------------------------
# Top-level statements the cluster ran in the bench database since the last reset (utility included).
pg_calls() {
  q "SELECT coalesce(sum(calls), 0) FROM pg_stat_statements WHERE toplevel
       AND dbid = (SELECT oid FROM pg_database WHERE datname = current_database()) AND query NOT LIKE '%pg_stat_statements%'"
}
# TCP data segments the server has sent to PostgreSQL, per open connection ("local-port count"): one
# per round trip (libpq writes a statement, or a pipeline up to its sync, in one send on a
# TCP_NODELAY socket).
pg_segments() {
  ss -tinpH state established "( dport = :$PGPORT )" 2>/dev/null |
    awk -v want="pid=$SERVER_PID," 'index($0, want) { split($3, a, ":"); port = a[2]; take = 1; next }
      take { if (match($0, /data_segs_out:[0-9]+/)) print port, substr($0, RSTART + 14, RLENGTH - 14); take = 0 }'
}
# segments_since FILE: segments sent since pg_segments wrote FILE, on the connections open now.
segments_since() {
  pg_segments | awk 'NR == FNR { before[$1] = $2; next } { s += $2 - before[$1] } END { print s + 0 }' "$1" -
}
sessions() { q "SELECT sessions FROM pg_stat_database WHERE datname = current_database()"; }
# run_wrk SCRIPT SECONDS: prints wrk's RESULT json; counts a failure on errors.
run_wrk() {
  local out r
  out=$(env LOAD_DIR="$ROOT/tests/load" API_LUA_DIR="$API_DIR" LOAD_TOKEN="$TOKEN" API_VENDOR_IDS="$WORK/vendor_ids" \
    API_DISPATCH_ID="$DISPATCH_ID" API_RUN_TAG="$RANDOM$RANDOM" \
    wrk -t "$THREADS" -c "$CONNS" -d "${2}s" --timeout 10s -s "$API_DIR/$1.lua" "$BASE" 2>&1)
  r=$(echo "$out" | sed -n 's/^RESULT //p')
  [ -n "$r" ] || { echo "$out" >&2; exit 1; }
  if [ "$(echo "$r" | json "['errors']")" != 0 ]; then
    echo "wrk $1: $(echo "$r" | json "['errors']") errors ($(echo "$r" | json "['non_2xx']") non-2xx); server log:" >&2
    tail -5 "$WORK/server.log" >&2
    touch "$WORK/failed"
  fi
  echo "$r"
}
# run_pgbench NAME CODE_BASE: one pgbench run of WARMUP + SECONDS_RUN (+1) s, so that its connections
# have prepared their statements before the window that counts. Sets PG_TPS (transactions per second
# over the SECONDS_RUN s after the warm-up, from pgbench's per-second log), PG_ALL (transactions of
# the whole run) and PG_CPU (CPU seconds of the cluster over the whole run, once every backend of it
# has ended: sampling during the run is too slow on busy cores).
run_pgbench() {
  local log=$WORK/pgbench/log.$RUNS b0 pid pm children
  mkdir -p "$log"
  pm=$(head -1 "$WORK/pg/data/postmaster.pid")
  children=$(ps --ppid "$pm" -o pid= | wc -l)
  b0=$(postgres_cpu_seconds)
  # shellcheck disable=SC2046
  pgbench "${PGB[@]}" -D code_base="$2" -T $((WARMUP + SECONDS_RUN + 1)) -l --aggregate-interval=1 \
    --log-prefix="$log/agg" $(pgbench_files "$1") $DB >"$log/out" 2>&1 &
  pid=$!
  if ! wait $pid || ! grep -q '^number of failed transactions: 0 ' "$log/out"; then
    echo "pgbench $1 failed:" >&2; grep -v '^ ' "$log/out" | tail -15 >&2; touch "$WORK/failed"
  fi
  for _ in $(seq 1 50); do [ "$(ps --ppid "$pm" -o pid= | wc -l)" -le "$children" ] && break; sleep 0.1; done
  PG_CPU=$(echo "$(postgres_cpu_seconds) - $b0" | bc -l)
  PG_ALL=$(sed -n 's/^number of transactions actually processed: \([0-9]*\).*/\1/p' "$log/out")
  PG_TPS=$(cat "$log"/agg.* | awk -v w="$WARMUP" -v n="$SECONDS_RUN" '
    { c[$1] += $2; if (first == "" || $1 < first) first = $1 }
    END { for (t = first + w; t < first + w + n; t++) s += c[t]; print s / n }')
}
per() { echo "$1 / $2" | bc -l; }

ROWS=()
BREAKDOWN=()
RUNS=0
header=$(printf '%-33s %8s %9s %6s %7s %7s %9s %9s %9s %7s %7s %5s %6s' endpoint 'req/s' 'pgbench' ratio \
  'p50 ms' 'p99 ms' 'srv us/r' 'pg us/r' 'pg us/tx' 'stmt/r' 'pgb st' 'rt/r' 'conn/k')
# breakdown N: the statements since the last reset, per request of N (calls, mean execution time).
breakdown() {
  mapfile -t -O "${#BREAKDOWN[@]}" BREAKDOWN < <(q "SELECT to_char(calls::numeric / $1, 'FM990.00') || '  ' ||
      to_char(mean_exec_time * 1000, 'FM99990') || ' us  ' || left(regexp_replace(query, '\s+', ' ', 'g'), 100)
    FROM pg_stat_statements WHERE toplevel AND calls >= $1 / 100 AND query NOT LIKE '%pg_stat_statements%'
    ORDER BY calls DESC, total_exec_time DESC")
}
# measure NAME LABEL
measure() {
  local name=$1 label=$2 r r1 n rps c0 c1 p0 p1 e0 e1 rt calls auth
  RUNS=$((RUNS + 1))
  TOKEN=$(tenant_login)
  run_wrk "$name" "$WARMUP" >/dev/null
  # Each side starts from a clean checkpoint, so that neither measures the flush of the other's writes.
  q "CHECKPOINT" >/dev/null
  q "SELECT pg_stat_statements_reset()" >/dev/null
  c0=$(cpu_seconds "$SERVER_PID"); p0=$(postgres_cpu_seconds); e0=$(sessions)
  r=$(run_wrk "$name" "$SECONDS_RUN")
  c1=$(cpu_seconds "$SERVER_PID"); p1=$(postgres_cpu_seconds); e1=$(sessions)
  calls=$(pg_calls)
  # Requests the server handled: each opens one tenant-scope transaction, which sets the tenant once
  # (wrk counts only the answers it received before its deadline).
  auth=$(q "SELECT coalesce(sum(calls), 0) FROM pg_stat_statements WHERE toplevel AND query LIKE 'SELECT set_config(%'")
  # Round trips, counted with one connection (the pool then keeps its connections open).
  # A connection the pool opens meanwhile adds its start-up and prepares (under 0.02 per request).
  pg_segments >"$WORK/segments"
  r1=$(CONNS=1 THREADS=1 run_wrk "$name" 1)
  rt=$(per "$(segments_since "$WORK/segments")" "$(echo "$r1" | json "['requests']")")
  n=$(echo "$r" | json "['requests']"); rps=$(echo "$r" | json "['rps']")
  BREAKDOWN+=("" "$label: server, per request ($n answered within the run, $auth handled)")
  breakdown "$auth"
  q "CHECKPOINT" >/dev/null
  q "SELECT pg_stat_statements_reset()" >/dev/null
  run_pgbench "$name" "${RUNS}0000000000"
  BREAKDOWN+=("$label: pgbench, per transaction ($PG_ALL with the warm-up; its prepared BEGIN/SET/COMMIT count once per connection)")
  breakdown "${PG_ALL:-1}"
  local row
  row=$(printf '%-33s %8.0f %9.0f %5.2fx %7.2f %7.2f %9.0f %9.0f %9.0f %7.2f %7d %5.1f %6.1f' "$label" "$rps" "$PG_TPS" \
    "$(per "$rps" "$PG_TPS")" "$(echo "$r" | json "['p50_ms']")" "$(echo "$r" | json "['p99_ms']")" \
    "$(per "($c1 - $c0) * 1000000" "$n")" "$(per "($p1 - $p0) * 1000000" "$n")" \
    "$(per "$PG_CPU * 1000000" "${PG_ALL:-1}")" "$(per "$calls" "$auth")" \
    "$(script_statements "$WORK/pgbench/$name.sql")" "$rt" \
    "$(per "($e1 - $e0) * 1000" "$n")")
  ROWS+=("$row")
  echo "$row"
}

echo
echo "== $SECONDS_RUN s per endpoint after $WARMUP s of warm-up; wrk -t$THREADS -c$CONNS, pgbench -c$CONNS -j$THREADS -M prepared"
echo "$header"
for name in $ENDPOINTS; do
  measure "$name" "${PATHS[$name]} @$(q "SELECT count(*) FROM vendors WHERE deleted_at IS NULL")"
done

if [[ " $ENDPOINTS " == *" vendor_create "* ]] && [ "$LARGE" -gt 0 ]; then
  live=$(q "SELECT count(*) FROM vendors WHERE tenant_id = '$TENANT_ID' AND deleted_at IS NULL")
  add=$((LARGE - live))
  if [ "$add" -gt 0 ]; then
    echo "== adding $add vendors with 2 contacts each by SQL (superuser) to reach $LARGE"
    t0=$(now)
    q "INSERT INTO vendors (tenant_id, name, code, category)
       SELECT '$TENANT_ID', 'Loaded vendor ' || g, 'L' || g, 'bulk' FROM generate_series(1, $add) g" >/dev/null
    q "INSERT INTO vendor_contacts (tenant_id, vendor_id, name, email, role, is_primary)
       SELECT v.tenant_id, v.id, r.name || ' ' || v.code, r.local || '@' || lower(v.code) || '.bulk.example', r.role, r.is_primary
       FROM vendors v CROSS JOIN (VALUES ('Accounts', 'ap', 'ap', true), ('Orders', 'orders', 'ops', false))
         AS r(name, local, role, is_primary)
       WHERE v.tenant_id = '$TENANT_ID' AND v.category = 'bulk'" >/dev/null
    q "VACUUM ANALYZE vendors" >/dev/null
    q "VACUUM ANALYZE vendor_contacts" >/dev/null
    printf 'loaded in %.1f s\n' "$(echo "$(now) - $t0" | bc -l)"
  fi
  "$BIN" admin verify-usage >"$WORK/verify.log" 2>&1 || { failed=1; echo "admin verify-usage found differences:"; }
  grep -vi '^usage verified\|^plan counters verified' "$WORK/verify.log" | head -5 || true
  if [ "$HAS_SHARDS" = t ]; then COUNTED="SELECT tenant_vendor_count('$TENANT_ID')"
  else COUNTED="SELECT vendors FROM tenant_counts WHERE tenant_id = '$TENANT_ID'"; fi
  [ "$HAS_COUNTS" != t ] ||
    echo "counted: $(q "$COUNTED") vendors," \
      "$(q "SELECT count(*) FROM vendors WHERE tenant_id = '$TENANT_ID' AND deleted_at IS NULL") live"
  echo "$header"
  measure vendor_create "${PATHS[vendor_create]} @$(q "SELECT count(*) FROM vendors WHERE deleted_at IS NULL")"
fi
"$BIN" admin verify-usage >"$WORK/verify.log" 2>&1 || { failed=1; echo "admin verify-usage found differences:"; cat "$WORK/verify.log"; }

{
  echo
  echo "binary: $BIN ($("$BIN" --version 2>/dev/null | head -1 || true))"
  echo "vendor creation statements: $(creation_form)"
  echo "authentication: $([ "$AUTH_KEPT" = t ] && echo "kept between requests (no lookup in the baseline)" || echo "one lookup per request (in the baseline)")"
  echo "$(nproc) cores shared by wrk, the server, pgbench and PostgreSQL; server: HTTP_HANDLER_THREADS=${API_HANDLER_THREADS:-default}, DB_POOL_SIZE=${API_POOL_SIZE:-default}"
  echo "$header"
  printf '%s\n' "${ROWS[@]}"
  echo "req/s: server (wrk); pgbench: transactions/s of the same statements; ratio: server / pgbench (goal >= 0.7);"
  echo "srv us/r: server CPU per request; pg us/r, pg us/tx: PostgreSQL CPU per request (server run) and per pgbench"
  echo "transaction (whole pgbench run, warm-up and connections included); stmt/r: top-level statements per request"
  echo "(pg_stat_statements); pgb st: statements per pgbench transaction (one round trip each); rt/r: round trips per"
  echo "request (TCP segments server -> PostgreSQL, counted over 1 s with one wrk connection); conn/k: database"
  echo "connections the server opened per 1,000 requests during the measured run"
  creates=()
  for row in "${ROWS[@]}"; do [[ $row == POST* ]] && creates+=("$row"); done
  if [ "${#creates[@]}" -ge 2 ]; then
    small=$(echo "${creates[0]}" | awk '{print $4}'); large=$(echo "${creates[-1]}" | awk '{print $4}')
    printf 'creation: %.0f req/s %s, %.0f req/s %s: %.2fx slower at the larger size (goal <= 1.2x)\n' "$small" \
      "$(echo "${creates[0]}" | awk '{print $3}')" "$large" "$(echo "${creates[-1]}" | awk '{print $3}')" "$(per "$small" "$large")"
  fi
  grep -i 'verified\|differ' "$WORK/verify.log" || true
  echo
  echo "statements per request (calls per request, mean execution time, statement):"
  printf '%s\n' "${BREAKDOWN[@]}"
  echo
  echo "command: $(env | grep -E '^(BIN|API_[A-Z_]+)=' | sort | tr '\n' ' ')bash bench/api_bench.sh"
} | tee "$RESULTS"
echo "(also in $RESULTS)"
[ ! -e "$WORK/failed" ] || failed=1
exit $failed
