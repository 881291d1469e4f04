#!/bin/bash
# Benchmark: CSV import of a generated 100k-row file (vendors with 1-3 contacts each) through the API,
# against a plain PostgreSQL COPY of the same file into an unindexed staging table on the same cluster,
# measured in the same run. Reports the median of RUNS runs of each, their ratio, and the server's
# peak RSS (VmHWM).
#
#   bench/vendors_import_bench.sh            (as root, after a build: build/dispatchhub)
#   ROWS=100000 RUNS=3 LISTS=1 bench/vendors_import_bench.sh   (LISTS=1 adds a list column: 10 lists)
#   PG_STATS=1 bench/vendors_import_bench.sh   (also prints the import's costliest SQL statements)
set -euo pipefail
ROWS=${ROWS:-100000}
LISTS=${LISTS:-0}
RUNS=${RUNS:-3}
source "$(dirname "$0")/lib.sh"
bench_init import

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

echo "== starting PostgreSQL 15"
start_postgres ${PG_OPTIONS:-} $(pg_stats_options)
psql_su -d postgres -c "CREATE DATABASE bench_app" -c "CREATE DATABASE bench_copy"
pg_stats_enable bench_app
psql_su -d bench_copy -c "CREATE TABLE staging (code text, name text, email text, contact_name text, role text, category text$([ "$LISTS" = 1 ] && echo ', list text'))"

echo "== starting dispatchhub serve"
start_serve bench_app
bench_superadmin

copy_times=()
import_times=()
for run in $(seq 1 "$RUNS"); do
  psql_su -d bench_copy -c "TRUNCATE staging"
  t0=$(now)
  psql_su -d bench_copy -c "\\copy staging FROM '$WORK/vendors.csv' WITH (FORMAT csv, HEADER)"
  t1=$(now)
  copy_times+=("$(echo "$t1 - $t0" | bc -l)")

  TOKEN=$(bench_tenant "bench$run")
  t0=$(now)
  job=$(import_csv "$WORK/vendors.csv")
  t1=$(now)
  import_times+=("$(echo "$t1 - $t0" | bc -l)")
  echo "run $run: COPY ${copy_times[-1]} s, import ${import_times[-1]} s ($(echo "$job" | json "['vendors_created']") vendors, $(echo "$job" | json "['contacts_added']") contacts, $(echo "$job" | json "['errors'].__len__()") errors)"
done
HWM=$(peak_rss "$SERVER_PID")
COPY=$(median "${copy_times[@]}")
IMPORT=$(median "${import_times[@]}")
echo
echo "rows: $ROWS ($SIZE bytes, list column: $LISTS), runs: $RUNS (medians)"
printf 'COPY into staging table: %.3f s\n' "$COPY"
printf 'API import (upload to completed job): %.3f s\n' "$IMPORT"
printf 'ratio import / COPY: %.2f (target <= 3)\n' "$(echo "$IMPORT / $COPY" | bc -l)"
echo "server peak RSS (VmHWM): $HWM"
pg_stats_print bench_app
echo "command: ROWS=$ROWS RUNS=$RUNS LISTS=$LISTS bench/vendors_import_bench.sh"
