#!/bin/bash
# Benchmark: DKIM signing on the send path, against the machine's RSA ceiling measured in the same run.
#
#  1. Ceiling: `openssl speed -multi $(nproc) rsa2048`, RSA-2048 signatures per second on every core.
#     No message signed with a 2048-bit key can leave this machine faster.
#  2. Signed: a MESSAGES-recipient dispatch from a verified sending domain (every message carries an
#     rsa-sha256 DKIM-Signature made with the domain's 2048-bit key) through `dispatchhub worker`
#     into Postfix's smtp-sink. The domain is proven against a DNS server started here
#     (tests/tools/dns_server.py), as a tenant would prove it.
#  3. Unsigned: the same dispatch from the tenant's default sender (no sending domain, no signature):
#     what signing costs the send path.
#  Goal: signed >= 0.8x the ceiling (signing is the only real cost, and it runs on every core).
#
#   bench/dkim_sign_bench.sh      (as root, after `make build`)
#   env: MESSAGES (20000), CONNECTIONS (20), SPEED_SECONDS (5)
set -euo pipefail
MESSAGES=${MESSAGES:-20000}
CONNECTIONS=${CONNECTIONS:-20}
SPEED_SECONDS=${SPEED_SECONDS:-5}
source "$(dirname "$0")/lib.sh"
bench_init dkim
command -v smtp-sink >/dev/null || { echo "smtp-sink missing (Debian package postfix)"; exit 1; }

echo "== 1. the ceiling: openssl speed -multi $(nproc) -seconds $SPEED_SECONDS rsa2048"
openssl speed -multi "$(nproc)" -seconds "$SPEED_SECONDS" rsa2048 >"$WORK/speed.out" 2>/dev/null
# The summary line: "rsa 2048 bits <sign s> <verify s> <sign/s> <verify/s>".
CEILING=$(awk '/^rsa 2048 bits/ { v = $(NF-1) } END { print v }' "$WORK/speed.out")
[ -n "$CEILING" ] || { echo "could not read openssl speed's output:"; cat "$WORK/speed.out"; exit 1; }
printf '%-36s %9.0f signatures/s on %s cores\n' "openssl rsa2048 sign" "$CEILING" "$(nproc)"

echo "== generating $MESSAGES vendors; starting PostgreSQL 15, a DNS server and smtp-sink"
vendors_csv "$WORK/vendors.csv" "$MESSAGES"
start_postgres
psql_su -d postgres -c "CREATE DATABASE bench_app"
echo '{"mode": "answer", "records": []}' >"$WORK/zone.json"
DNS_PORT=$(free_port)
$PY "$ROOT/tests/tools/dns_server.py" --zone "$WORK/zone.json" --port "$DNS_PORT" >"$WORK/dns.log" 2>&1 &
BENCH_PIDS+=($!)
for _ in $(seq 1 50); do grep -q READY "$WORK/dns.log" && break; sleep 0.1; done
SINK_PORT=$(free_port)
smtp-sink -u postfix -h bench-sink 127.0.0.1:$SINK_PORT 1024 >/dev/null 2>&1 & SINK_PID=$!; BENCH_PIDS+=($!)

echo "== starting dispatchhub serve (worker not embedded); proving the sending domain"
start_serve bench_app WORKER_EMBEDDED=0 DNS_RESOLVER="127.0.0.1:$DNS_PORT"
bench_unlimited_tenant bench_app
import_csv "$WORK/vendors.csv" >/dev/null
DOMAIN=$(api POST /api/v1/domains '{"domain":"bench-signing.example"}')
# Publish what the API asks for (ownership and DKIM), then verify.
echo "$DOMAIN" | $PY -c '
import json, sys
d = json.load(sys.stdin)
records = [{"name": r["name"], "type": "TXT", "value": r["value"]} for r in d["records"] if r["purpose"] in ("ownership", "dkim")]
json.dump({"mode": "answer", "records": records}, open(sys.argv[1], "w"))' "$WORK/zone.json"
DOMAIN_ID=$(echo "$DOMAIN" | json "['id']")
STATUS=$(api POST "/api/v1/domains/$DOMAIN_ID/verify" '{}' | json "['status']")
[ "$STATUS" = verified ] || { echo "the sending domain did not verify: $STATUS"; exit 1; }
SIGNED_SENDER=$(api POST /api/v1/sender-identities '{"email":"payments@bench-signing.example","name":"Bench"}' | json "['id']")

echo
echo "== 2./3. sending"
SENDER_ID=$SIGNED_SENDER drain "signed (rsa-sha256, 2048-bit key)" all "$SINK_PORT" "$MESSAGES"; SIGNED=$SEND_RATE
drain "unsigned (default sender)" all "$SINK_PORT" "$MESSAGES"; UNSIGNED=$SEND_RATE

echo
printf 'sending phase, signed: %.2fx the RSA ceiling (goal >= 0.8); %.2fx the unsigned rate\n' \
  "$(echo "$SIGNED / $CEILING" | bc -l)" "$(echo "$SIGNED / $UNSIGNED" | bc -l)"
"$BIN" admin verify-usage | tail -1
echo "command: MESSAGES=$MESSAGES CONNECTIONS=$CONNECTIONS SPEED_SECONDS=$SPEED_SECONDS bench/dkim_sign_bench.sh"
