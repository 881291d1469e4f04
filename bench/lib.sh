# Shared by the benchmark scripts: a throwaway PostgreSQL 15 cluster, `dispatchhub serve` on free
# loopback ports, a super admin and tenants. Source it after `set -euo pipefail`; call bench_init.
# Needs root (the cluster runs as the postgres user).

PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}
PY=/usr/bin/python3
BENCH_PIDS=()

free_port() { $PY -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
now() { date +%s.%N; }
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
json() { $PY -c "import json,sys; print(json.load(sys.stdin)$1)"; }
# Peak resident set of a process, e.g. "41234 kB".
peak_rss() { awk '/VmHWM/ {print $2, $3}' "/proc/$1/status"; }
# user+sys CPU seconds a process has used so far.
cpu_seconds() { awk -v hz="$(getconf CLK_TCK)" '{ printf "%.3f\n", ($14 + $15) / hz }' "/proc/$1/stat"; }

# CPU seconds used so far by the bench cluster: its postmaster (with backends that ended) and the
# backends running now.
# A few processes whatever the number of backends: on busy cores, one per backend made a sample take
# seconds.
postgres_cpu_seconds() {
  local pm; pm=$(head -1 "$WORK/pg/data/postmaster.pid")
  { awk '{ print $14 + $15 + $16 + $17 }' "/proc/$pm/stat"
    # shellcheck disable=SC2046
    cat $(ps --ppid "$pm" -o pid= | awk '{ printf "/proc/%s/stat ", $1 }') 2>/dev/null | awk '{ print $14 + $15 }'
  } | awk -v hz="$(getconf CLK_TCK)" '{ s += $1 } END { printf "%.3f\n", s / hz }'
}

# bench_init NAME: work directory, cleanup trap, ROOT (the checkout) and BIN.
bench_init() {
  ROOT=$(cd "$(dirname "${BASH_SOURCE[1]}")/.." && pwd)
  BIN=${BIN:-$ROOT/build/dispatchhub}
  [ -x "$BIN" ] || { echo "no $BIN: build first"; exit 1; }
  WORK=$(mktemp -d "/tmp/dh-bench-$1-XXXXXX")
  chmod 755 "$WORK"
  trap bench_cleanup EXIT
}

bench_cleanup() {
  for p in "${BENCH_PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${BENCH_PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
  runuser -u postgres -- "$PGBIN/pg_ctl" -D "$WORK/pg/data" -m immediate stop >/dev/null 2>&1 || true
  [ -n "${KEEP:-}" ] && echo "kept $WORK" || rm -rf "$WORK"
}

# start_postgres [extra -c options]: sets PGPORT; psql_su runs psql as the superuser.
start_postgres() {
  PGPORT=$(free_port)
  mkdir -p "$WORK/pg/sock"; chown -R postgres:postgres "$WORK/pg"
  runuser -u postgres -- "$PGBIN/initdb" -D "$WORK/pg/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 --no-sync >/dev/null
  runuser -u postgres -- "$PGBIN/pg_ctl" -D "$WORK/pg/data" -l "$WORK/pg/log" -w \
    -o "-p $PGPORT -k $WORK/pg/sock -c listen_addresses=127.0.0.1 $*" start >/dev/null
}
# With PG_STATS=1: the options that load pg_stat_statements (then call pg_stats_enable DB).
pg_stats_options() { [ -z "${PG_STATS:-}" ] || echo '-c shared_preload_libraries=pg_stat_statements -c pg_stat_statements.track=all'; }
pg_stats_enable() { [ -z "${PG_STATS:-}" ] || psql_su -d "$1" -c "CREATE EXTENSION pg_stat_statements"; }
# pg_stats_print DB: the costliest statements so far (with PG_STATS=1).
pg_stats_print() {
  [ -n "${PG_STATS:-}" ] || return 0
  echo; echo "costliest statements (total ms, calls, rows, statement):"
  psql_su -d "$1" -F ' | ' -c "SELECT round(total_exec_time)::int, calls, rows, left(regexp_replace(query, '\s+', ' ', 'g'), 110)
    FROM pg_stat_statements ORDER BY total_exec_time DESC LIMIT 15"
}
psql_su() { psql -X -q -t -A -h 127.0.0.1 -p "$PGPORT" -U postgres "$@"; }

# start_serve DB [VAR=value...]: `serve` on a fresh port against database DB; sets BASE, SERVER_PID.
start_serve() {
  local db=$1; shift
  HTTPPORT=$(free_port)
  SECRET=${SECRET:-$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')}
  export JWT_SECRET=$SECRET DATABASE_URL="postgresql://postgres@127.0.0.1:$PGPORT/$db" DATA_DIR="$WORK/data"
  env HTTP_LISTEN="127.0.0.1:$HTTPPORT" SMTP_LISTEN=off LOG_LEVEL=warn "$@" "$BIN" serve >"$WORK/server.log" 2>&1 &
  SERVER_PID=$!
  BENCH_PIDS+=("$SERVER_PID")
  BASE="http://127.0.0.1:$HTTPPORT"
  for _ in $(seq 1 100); do curl -fs "$BASE/readyz" >/dev/null 2>&1 && return 0; sleep 0.2; done
  echo "serve did not start: $(tail -3 "$WORK/server.log")"; exit 1
}

login() { curl -fs -H 'Content-Type: application/json' -d "$1" "$BASE/api/v1/auth/login" | json "['access_token']"; }

# bench_superadmin: creates the platform admin; sets ROOT_TOKEN.
bench_superadmin() {
  printf 'Bench-root-Passw0rd!' >"$WORK/root.pw"
  "$BIN" admin create-superadmin --email root@bench.test --password-file "$WORK/root.pw" >/dev/null
  ROOT_TOKEN=$(login '{"email":"root@bench.test","password":"Bench-root-Passw0rd!"}')
}

# bench_tenant SLUG: creates a tenant and prints its admin's access token.
bench_tenant() {
  curl -fs -H "Authorization: Bearer $ROOT_TOKEN" -H 'Content-Type: application/json' \
    -d "{\"name\":\"$1\",\"slug\":\"$1\",\"admin_email\":\"admin@$1.test\",\"admin_password\":\"Bench-tenant-Passw0rd!\"}" \
    "$BASE/api/v1/admin/tenants" >/dev/null
  login "{\"email\":\"admin@$1.test\",\"password\":\"Bench-tenant-Passw0rd!\",\"tenant\":\"$1\"}"
}

# bench_unlimited_tenant: the super admin and a tenant "bench" (sets TOKEN) on a running serve; the
# default plan is far below benchmark volumes, so its limits are lifted (rate 0 = no plan limit).
bench_unlimited_tenant() {
  bench_superadmin
  TOKEN=$(bench_tenant bench)
  psql_su -d "$1" -c "UPDATE plans SET emails_per_period = 10000000, recipients_per_dispatch = 1000000,
    vendors_limit = 1000000, send_rate_per_second = 0"
}

# list_id NAME: the id of the tenant's vendor list NAME.
list_id() { api GET "/api/v1/lists?limit=100" | $PY -c "import json,sys; print(next(l['id'] for l in json.load(sys.stdin)['items'] if l['name'] == '$1'))"; }

# api METHOD PATH [BODY]: with $TOKEN; prints the body, fails on a non-2xx answer.
api() {
  curl -fsS -X "$1" -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
    ${3:+--data "$3"} "$BASE$2"
}

# vendors_csv FILE N: N vendors with one contact each, all on list "all".
vendors_csv() {
$PY - "$1" "$2" <<'PY'
import csv, sys
path, n = sys.argv[1], int(sys.argv[2])
with open(path, "w", newline="") as f:
    w = csv.writer(f, lineterminator="\r\n")
    w.writerow(["code", "name", "email", "contact_name", "role", "list"])
    for i in range(n):
        w.writerow([f"V{i:07d}", f"Vendor {i}", f"ap@vendor{i}.example", f"Contact {i}", "ap", "all"])
PY
}

# import_csv FILE: POST /vendors/import with $TOKEN and wait for the job; prints the job JSON.
import_csv() {
  local answer id job status
  answer=$(curl -fs -H "Authorization: Bearer $TOKEN" -H 'Content-Type: text/csv' --data-binary @"$1" "$BASE/api/v1/vendors/import")
  id=$(echo "$answer" | json "['id']")
  while :; do
    job=$(curl -fs -H "Authorization: Bearer $TOKEN" "$BASE/api/v1/imports/$id")
    status=$(echo "$job" | json "['status']")
    [ "$status" = running ] || break
    sleep 0.02
  done
  [ "$status" = completed ] || { echo "import $status: $job" >&2; exit 1; }
  echo "$job"
}

# The dispatch functions below expect database bench_app, $SINK_PID and $CONNECTIONS.
# create_dispatch LIST SUBJECT -> dispatch id; from sender identity $SENDER_ID when set.
create_dispatch() {
  api POST /api/v1/dispatches "{${SENDER_ID:+\"sender_identity_id\":\"$SENDER_ID\",}\"subject\":\"$2 for {{vendor.name}}\",\"body_markdown\":\"Dear {{contact.name}},\\n\\nplease confirm order **{{vendor.code}}** by Friday.\\n\\nThanks\",\"recipients\":{\"list_ids\":[\"$(list_id "$1")\"]}}" | json "['id']"
}
wait_completed() {  # ID
  local st
  while :; do
    st=$(api GET "/api/v1/dispatches/$1" | json "['status']")
    [ "$st" = completed ] && return 0
    case $st in cancelled|paused) echo "dispatch $1 is $st" >&2; exit 1;; esac
    sleep 0.5  # slow polling: the end time comes from the database (last_recorded), not from here
  done
}
start_worker() {  # SMTP_PORT
  env SMTP_URL="smtp://127.0.0.1:$1?tls=none" WORKER_CONNECTIONS=$CONNECTIONS LOG_LEVEL=warn "$BIN" worker \
    >>"$WORK/worker.log" 2>&1 &
  WORKER_PID=$!; BENCH_PIDS+=("$WORKER_PID")
  sleep 0.3
}
stop_worker() { kill "$WORKER_PID"; wait "$WORKER_PID" 2>/dev/null || true; }
# per_msg SECONDS COUNT -> microseconds per message
per_msg() { echo "($1) * 1000000 / $2" | bc -l; }
# source_run NAME PORT MESSAGES: smtp-source into the sink; sets RATE; prints it with the CPU per
# message of smtp-source and of the sink.
source_run() {
  local s0 s1 t u k
  s0=$(cpu_seconds "$SINK_PID")
  read -r t u k < <( { /usr/bin/time -f "%e %U %S" smtp-source -d -s "$CONNECTIONS" -m "$3" -l 2048 \
           -f bench@dispatch.example.com -t vendor@vendors.example.net 127.0.0.1:"$2" >/dev/null; } 2>&1 | tail -1)
  s1=$(cpu_seconds "$SINK_PID")
  RATE=$(echo "$3 / $t" | bc -l)
  printf '%-36s %8d msgs %9.0f msg/s %7.1f us CPU/msg (smtp-sink %5.1f)\n' "$1" "$3" "$RATE" \
    "$(per_msg "$u + $k" "$3")" "$(per_msg "$s1 - $s0" "$3")"
}
# The moment the dispatch's last delivery was recorded (epoch seconds, the same clock as `now`).
last_recorded() { psql_su -d bench_app -c "SELECT extract(epoch FROM max(updated_at)) FROM deliveries WHERE dispatch_id = '$1'"; }
# The moment its first delivery was claimed: sending begins (creation, for a new dispatch, is over).
first_claimed() { psql_su -d bench_app -c "SELECT extract(epoch FROM min(first_attempt_at)) FROM deliveries WHERE dispatch_id = '$1'"; }
# drain NAME LIST SMTP_PORT COUNT [ID]: a fresh worker sends the dispatch; prints rate, CPU, RSS;
# sets RATE (API call to last record) and SEND_RATE (first claim to last record).
# Also prints the rate of the sending phase alone (first claim to last record) and the CPU per message
# of everything on the machine that takes part (worker, PostgreSQL, smtp-sink): what the cores allow.
drain() {
  local id=${5:-} t0 t1 ts cpu rss pg0 pg1 s0 s1
  start_worker "$3"
  pg0=$(postgres_cpu_seconds); s0=$(cpu_seconds "$SINK_PID")
  t0=$(now)
  if [ -n "$id" ]; then api POST "/api/v1/dispatches/$id/resume" >/dev/null; else id=$(create_dispatch "$2" "$1"); fi
  wait_completed "$id"
  t1=$(last_recorded "$id"); ts=$(first_claimed "$id")
  pg1=$(postgres_cpu_seconds); s1=$(cpu_seconds "$SINK_PID")
  cpu=$(cpu_seconds "$WORKER_PID"); rss=$(peak_rss "$WORKER_PID")
  stop_worker
  local sent; sent=$(api GET "/api/v1/dispatches/$id" | json "['counts']['sent']")
  [ "$sent" = "$4" ] || { echo "$1: $sent of $4 sent" >&2; exit 1; }
  RATE=$(echo "$4 / ($t1 - $t0)" | bc -l)
  SEND_RATE=$(echo "$4 / ($t1 - $ts)" | bc -l)
  local all; all=$(echo "$cpu + $pg1 - $pg0 + $s1 - $s0" | bc -l)
  printf '%-36s %8d msgs %9.0f msg/s %7.1f us CPU/msg (PostgreSQL %5.1f, smtp-sink %5.1f)  worker peak RSS %s\n' "$1" "$4" \
    "$RATE" "$(per_msg "$cpu" "$4")" "$(per_msg "$pg1 - $pg0" "$4")" "$(per_msg "$s1 - $s0" "$4")" "$rss"
  printf '%-36s %8s      %9.0f msg/s sending phase; all three %5.1f us CPU/msg: %s cores allow %.0f msg/s\n' "" "" \
    "$SEND_RATE" "$(per_msg "$all" "$4")" "$(nproc)" "$(echo "$(nproc) * $4 / $all" | bc -l)"
}
