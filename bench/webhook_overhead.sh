#!/bin/bash
# Benchmark: what event webhooks cost the send path, against the same drain without them, in one run.
#
#  A fresh `dispatchhub worker` (20 connections) drains a MESSAGES (20k) recipient dispatch into
#  Postfix's smtp-sink, ROUNDS times in each of three setups, interleaved:
#    none       no webhook endpoint registered (the event statements find no subscriber);
#    other      an endpoint subscribed only to dispatch.completed (one event per dispatch);
#    sent       an endpoint subscribed to delivery.sent (one event and one webhook delivery per
#               message), answered 200 by a local receiver on a real socket.
#  Rate = messages / (API call to last delivery recorded). For `sent` it also prints how many events
#  the receiver had by the time the last message was recorded, and waits until it has them all.
#
#   bench/webhook_overhead.sh        (as root, after `make build`)
#   env: MESSAGES (20000), ROUNDS (2), CONNECTIONS (20)
set -euo pipefail
MESSAGES=${MESSAGES:-20000}
ROUNDS=${ROUNDS:-2}
CONNECTIONS=${CONNECTIONS:-20}
source "$(dirname "$0")/lib.sh"
bench_init webhooks
command -v smtp-sink >/dev/null || { echo "smtp-sink missing (Debian package postfix)"; exit 1; }

echo "== generating $MESSAGES vendors"
vendors_csv "$WORK/vendors.csv" "$MESSAGES"

echo "== starting PostgreSQL 15, smtp-sink, the webhook receiver and dispatchhub serve"
start_postgres
psql_su -d postgres -c "CREATE DATABASE bench_app"
SINK_PORT=$(free_port); HOOK_PORT=$(free_port)
smtp-sink -u postfix -h bench-sink 127.0.0.1:$SINK_PORT 1024 >/dev/null 2>&1 & BENCH_PIDS+=($!)
# The receiver answers every POST with 200 and counts them in a file (read by the script).
$PY - "$HOOK_PORT" "$WORK/hooks.count" <<'PY' >/dev/null 2>&1 &
import http.server, os, sys, threading
port, path = int(sys.argv[1]), sys.argv[2]
count, lock = 0, threading.Lock()
class H(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        global count
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.send_response(200); self.send_header("Content-Length", "0"); self.end_headers()
        with lock:  # replaced atomically: the script never reads a half-written count
            count += 1
            with open(path + ".tmp", "w") as f: f.write(str(count))
            os.replace(path + ".tmp", path)
    def log_message(self, *a): pass
http.server.ThreadingHTTPServer(("127.0.0.1", port), H).serve_forever()
PY
BENCH_PIDS+=($!)
export WEBHOOK_ALLOW_PRIVATE=1 WEBHOOK_ALLOW_HTTP=1
start_serve bench_app WORKER_EMBEDDED=0
bench_unlimited_tenant bench_app
echo "== importing"
import_csv "$WORK/vendors.csv" >/dev/null
LIST=$(list_id all)

hooks_received() { local n; n=$(cat "$WORK/hooks.count" 2>/dev/null || true); echo "${n:-0}"; }
last_recorded() { psql_su -d bench_app -c "SELECT extract(epoch FROM max(updated_at)) FROM deliveries WHERE dispatch_id = '$1'"; }
set_endpoint() {  # EVENT: the tenant's only endpoint is subscribed to EVENT (none: no endpoint)
  local id
  for id in $(api GET /api/v1/webhooks | $PY -c "import json,sys; [print(e['id']) for e in json.load(sys.stdin)['items']]"); do
    api DELETE "/api/v1/webhooks/$id" >/dev/null
  done
  [ "$1" = none ] || api POST /api/v1/webhooks "{\"url\":\"http://127.0.0.1:$HOOK_PORT/hook\",\"events\":[\"$1\"]}" >/dev/null
}
# drain SETUP: a fresh worker sends a new dispatch to list `all`; prints the rate.
drain() {
  local t0 t1 id st before at_end
  before=$(hooks_received)
  env SMTP_URL="smtp://127.0.0.1:$SINK_PORT?tls=none" WORKER_CONNECTIONS=$CONNECTIONS LOG_LEVEL=warn "$BIN" worker \
    >>"$WORK/worker.log" 2>&1 &
  local worker=$!; BENCH_PIDS+=("$worker")
  sleep 0.3
  t0=$(now)
  id=$(api POST /api/v1/dispatches "{\"subject\":\"Order for {{vendor.name}}\",\"body_markdown\":\"Dear {{contact.name}},\\n\\nplease confirm **{{vendor.code}}**.\",\"recipients\":{\"list_ids\":[\"$LIST\"]}}" | json "['id']")
  while :; do
    st=$(api GET "/api/v1/dispatches/$id" | json "['status']")
    [ "$st" = completed ] && break
    sleep 0.5
  done
  t1=$(last_recorded "$id")
  at_end=$(( $(hooks_received) - before ))
  local expected=0  # let the webhook sender finish before the next run starts
  case $1 in delivery.sent) expected=$MESSAGES;; dispatch.completed) expected=1;; esac
  for _ in $(seq 1 600); do [ $(( $(hooks_received) - before )) -ge "$expected" ] && break; sleep 0.5; done
  kill "$worker"; wait "$worker" 2>/dev/null || true
  RATE=$(echo "$MESSAGES / ($t1 - $t0)" | bc -l)
  printf '%-18s %8d msgs %9.0f msg/s   webhook events received by the last record: %d (all: %d)\n' "$1" "$MESSAGES" \
    "$RATE" "$at_end" "$(( $(hooks_received) - before ))"
}

echo
declare -A SUM=([none]=0 [dispatch.completed]=0 [delivery.sent]=0)
for round in $(seq 1 "$ROUNDS"); do
  for setup in none dispatch.completed delivery.sent; do
    set_endpoint "$setup"
    drain "$setup"
    SUM[$setup]=$(echo "${SUM[$setup]} + $RATE" | bc -l)
  done
done
echo
printf 'mean msg/s: no endpoint %.0f; endpoint for dispatch.completed %.0f (%.2fx); endpoint for delivery.sent %.0f (%.2fx)\n' \
  "$(echo "${SUM[none]} / $ROUNDS" | bc -l)" "$(echo "${SUM[dispatch.completed]} / $ROUNDS" | bc -l)" \
  "$(echo "${SUM[dispatch.completed]} / ${SUM[none]}" | bc -l)" "$(echo "${SUM[delivery.sent]} / $ROUNDS" | bc -l)" \
  "$(echo "${SUM[delivery.sent]} / ${SUM[none]}" | bc -l)"
"$BIN" admin verify-usage | tail -1
echo "command: MESSAGES=$MESSAGES ROUNDS=$ROUNDS CONNECTIONS=$CONNECTIONS bench/webhook_overhead.sh"
