#!/bin/bash
# Benchmark: CSV import of a generated 100k-row file (vendors with 1-3 contacts each) through the API,
# against a plain PostgreSQL COPY of the same file into an unindexed staging table on the same cluster,
# measured in the same run. Reports the median of RUNS runs of each, their ratio, and the server's
# peak RSS (VmHWM).
#
#   bench/vendors_import_bench.sh            (as root, after a build: build/dispatchhub)
#   ROWS=100000 RUNS=3 LISTS=1 bench/vendors_import_bench.sh   (LISTS=1 adds a list column: 10 lists)
set -euo pipefail
ROWS=${ROWS:-100000}
LISTS=${LISTS:-0}
RUNS=${RUNS:-3}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BIN=${BIN:-$ROOT/build/dispatchhub}
PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}
PY=/usr/bin/python3
[ -x "$BIN" ] || { echo "no $BIN: build first"; exit 1; }
WORK=$(mktemp -d /tmp/dh-bench-XXXXXX)
chmod 755 "$WORK"
PGPORT=$($PY -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
HTTPPORT=$($PY -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
SERVER_PID=""
cleanup() {
  [ -z "$SERVER_PID" ] || { kill "$SERVER_PID" 2>/dev/null; wait "$SERVER_PID" 2>/dev/null || true; }
  runuser -u postgres -- "$PGBIN/pg_ctl" -D "$WORK/pg/data" -m immediate stop >/dev/null 2>&1 || true
  [ -n "${KEEP:-}" ] && echo "kept $WORK" || rm -rf "$WORK"
}
trap cleanup EXIT

echo "== generating $ROWS rows"
$PY - "$WORK/vendors.csv" "$ROWS" "$LISTS" <<'PY'
import csv, random, sys
path, rows, lists = sys.argv[1], int(sys.argv[2]), sys.argv[3] == "1"
rnd = random.Random(42)
with open(path, "w", newline="") as f:
    w = csv.writer(f, lineterminator="\r\n")
    w.writerow(["code", "name", "email", "contact_name", "role", "category"] + (["list"] if lists else []))
    n, v = 0, 0
    while n < rows:
        contacts = rnd.randint(1, 3)
        for c in range(min(contacts, rows - n)):
            role = ("ap", "ops", "sales")[c]
            name = f"Vendor {v}, \"Ltd\"" if v % 97 == 0 else f"Vendor {v}"
            w.writerow([f"V{v:07d}", name, f"{role}{c}@vendor{v}.example", f"Contact {v}-{c}", role,
                        rnd.choice(["parts", "freight", "services"])] + ([f"list-{v % 10}"] if lists else []))
            n += 1
        v += 1
PY
SIZE=$(stat -c %s "$WORK/vendors.csv")

echo "== starting PostgreSQL 15 on port $PGPORT"
mkdir -p "$WORK/pg/sock"; chown -R postgres:postgres "$WORK/pg"
runuser -u postgres -- "$PGBIN/initdb" -D "$WORK/pg/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 --no-sync >/dev/null
runuser -u postgres -- "$PGBIN/pg_ctl" -D "$WORK/pg/data" -l "$WORK/pg/log" -w \
  -o "-p $PGPORT -k $WORK/pg/sock -c listen_addresses=127.0.0.1 ${PG_OPTIONS:-}" start >/dev/null
psql_su() { psql -X -q -t -A -h 127.0.0.1 -p "$PGPORT" -U postgres "$@"; }
psql_su -d postgres -c "CREATE DATABASE bench_app" -c "CREATE DATABASE bench_copy"
psql_su -d bench_copy -c "CREATE TABLE staging (code text, name text, email text, contact_name text, role text, category text$([ "$LISTS" = 1 ] && echo ', list text'))"

echo "== starting dispatchhub serve on port $HTTPPORT"
SECRET=$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')
export JWT_SECRET=$SECRET DATABASE_URL="postgresql://postgres@127.0.0.1:$PGPORT/bench_app" DATA_DIR="$WORK/data"
HTTP_LISTEN="127.0.0.1:$HTTPPORT" SMTP_LISTEN=off LOG_LEVEL=warn "$BIN" serve >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
BASE="http://127.0.0.1:$HTTPPORT"
for _ in $(seq 1 100); do curl -fs "$BASE/readyz" >/dev/null 2>&1 && break; sleep 0.2; done
printf 'Bench-root-Passw0rd!' >"$WORK/root.pw"
"$BIN" admin create-superadmin --email root@bench.test --password-file "$WORK/root.pw" >/dev/null
json() { $PY -c "import json,sys; print(json.load(sys.stdin)$1)"; }
login() { curl -fs -H 'Content-Type: application/json' -d "$1" "$BASE/api/v1/auth/login" | json "['access_token']"; }
ROOT_TOKEN=$(login '{"email":"root@bench.test","password":"Bench-root-Passw0rd!"}')

now() { date +%s.%N; }
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

copy_times=()
import_times=()
for run in $(seq 1 "$RUNS"); do
  psql_su -d bench_copy -c "TRUNCATE staging"
  t0=$(now)
  psql_su -d bench_copy -c "\\copy staging FROM '$WORK/vendors.csv' WITH (FORMAT csv, HEADER)"
  t1=$(now)
  copy_times+=("$(echo "$t1 - $t0" | bc -l)")

  slug="bench$run"
  curl -fs -H "Authorization: Bearer $ROOT_TOKEN" -H 'Content-Type: application/json' \
    -d "{\"name\":\"$slug\",\"slug\":\"$slug\",\"admin_email\":\"admin@$slug.test\",\"admin_password\":\"Bench-tenant-Passw0rd!\"}" \
    "$BASE/api/v1/admin/tenants" >/dev/null
  TOKEN=$(login "{\"email\":\"admin@$slug.test\",\"password\":\"Bench-tenant-Passw0rd!\",\"tenant\":\"$slug\"}")
  t0=$(now)
  answer=$(curl -fs -H "Authorization: Bearer $TOKEN" -H 'Content-Type: text/csv' --data-binary @"$WORK/vendors.csv" "$BASE/api/v1/vendors/import")
  id=$(echo "$answer" | json "['id']")
  while :; do
    job=$(curl -fs -H "Authorization: Bearer $TOKEN" "$BASE/api/v1/imports/$id")
    status=$(echo "$job" | json "['status']")
    [ "$status" = running ] || break
    sleep 0.02
  done
  t1=$(now)
  [ "$status" = completed ] || { echo "import $status: $job"; exit 1; }
  import_times+=("$(echo "$t1 - $t0" | bc -l)")
  echo "run $run: COPY ${copy_times[-1]} s, import ${import_times[-1]} s ($(echo "$job" | json "['vendors_created']") vendors, $(echo "$job" | json "['contacts_added']") contacts, $(echo "$job" | json "['errors'].__len__()") errors)"
done
HWM=$(awk '/VmHWM/ {print $2, $3}' /proc/$SERVER_PID/status)
COPY=$(median "${copy_times[@]}")
IMPORT=$(median "${import_times[@]}")
echo
echo "rows: $ROWS ($SIZE bytes, list column: $LISTS), runs: $RUNS (medians)"
printf 'COPY into staging table: %.3f s\n' "$COPY"
printf 'API import (upload to completed job): %.3f s\n' "$IMPORT"
printf 'ratio import / COPY: %.2f (target <= 3)\n' "$(echo "$IMPORT / $COPY" | bc -l)"
echo "server peak RSS (VmHWM): $HWM"
echo "command: ROWS=$ROWS RUNS=$RUNS LISTS=$LISTS bench/vendors_import_bench.sh"
