#!/usr/bin/env bash
# Browser end-to-end tests. Builds nothing: expects build/dispatchhub and web/dist (make build).
#
# Starts a throwaway `dispatchhub serve` (embedded PostgreSQL under a temporary DATA_DIR, free
# loopback ports, capture transport into DATA_DIR/outbox, inbound SMTP listener), creates a super
# admin with the CLI, points the server's DNS lookups (DNS_RESOLVER) at a small local DNS server whose
# zone the specs write (E2E_DNS_ZONE, tests/tools/dns_server.py), runs the specs in tests/e2e/specs with node's built-in test runner
# (playwright-core driving Debian's chromium), and always stops the server and removes its data. Screenshots: tests/e2e/artifacts/ (git-ignored).
#
# Environment: DISPATCHHUB_BIN, WEB_ROOT, E2E_CHROMIUM override the defaults; E2E_KEEP=1 keeps the
# data directory (server log, cluster) for a post-mortem; extra arguments go to `node --test`
# (e.g. tests/e2e/run.sh --test-name-pattern=suspend).
set -euo pipefail

E2E_DIR=$(cd "$(dirname "$0")" && pwd)
ROOT_DIR=$(cd "$E2E_DIR/../.." && pwd)
BIN=${DISPATCHHUB_BIN:-$ROOT_DIR/build/dispatchhub}
WEB=${WEB_ROOT:-$ROOT_DIR/web/dist}
CHROMIUM=${E2E_CHROMIUM:-/usr/bin/chromium}
ARTIFACTS=$E2E_DIR/artifacts

fail() { echo "e2e: $*" >&2; exit 2; }
[ -x "$BIN" ] || fail "no $BIN: build first (make build)"
[ -f "$WEB/index.html" ] || fail "no $WEB/index.html: build the web UI first (make build-web)"
[ -x "$CHROMIUM" ] || fail "no $CHROMIUM: apt-get install chromium (scripts/setup.sh does)"
/usr/bin/python3 -c 'import dnslib' 2>/dev/null || fail "python3-dnslib is missing (the local DNS server needs it): apt-get install python3-dnslib (scripts/setup.sh does)"
command -v node >/dev/null || fail "node is not installed (scripts/setup.sh installs it)"
if [ ! -d "$E2E_DIR/node_modules/playwright-core" ] || [ ! -d "$E2E_DIR/node_modules/ajv" ]; then
  (cd "$E2E_DIR" && npm ci --no-audit --no-fund --loglevel=error >/dev/null) || fail "npm ci in tests/e2e failed"
fi

free_port() { node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }

# The embedded cluster lives under DATA_DIR/postgres and runs as the postgres user, which must be
# able to traverse DATA_DIR: mktemp's mode 700 would send the cluster to /var/lib/dispatchhub.
DATA=$(mktemp -d "${TMPDIR:-/tmp}/dispatchhub-e2e.XXXXXX")
chmod 755 "$DATA"
SERVER_PID=""
DNS_PID=""
cleanup() {
  local rc=$?
  if [ -n "$DNS_PID" ]; then kill "$DNS_PID" 2>/dev/null || true; wait "$DNS_PID" 2>/dev/null || true; fi
  if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill -TERM "$SERVER_PID" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.2; done
    if kill -0 "$SERVER_PID" 2>/dev/null; then
      echo "e2e: the server ignored SIGTERM for 20 s; killing it" >&2
      kill -KILL "$SERVER_PID" 2>/dev/null || true
    fi
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  # A server that died hard leaves its embedded cluster running: stop that one (ours only).
  if [ -f "$DATA/postgres/data/postmaster.pid" ]; then
    local pg_ctl=/usr/lib/postgresql/15/bin/pg_ctl
    if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$pg_ctl" -D "$DATA/postgres/data" -m immediate stop >/dev/null 2>&1 || true
    else "$pg_ctl" -D "$DATA/postgres/data" -m immediate stop >/dev/null 2>&1 || true; fi
  fi
  if [ "${E2E_KEEP:-0}" = 1 ] || [ $rc -ne 0 ]; then
    [ -f "$DATA/server.log" ] && cp "$DATA/server.log" "$ARTIFACTS/server.log" 2>/dev/null || true
  fi
  if [ "${E2E_KEEP:-0}" = 1 ]; then echo "e2e: kept $DATA" >&2; else rm -rf "$DATA"; fi
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

rm -rf "$ARTIFACTS"
mkdir -p "$ARTIFACTS"

# Sending domains are looked up here, never on the internet: the specs publish records by rewriting
# the zone file (the server re-reads it on every query, TTL 0).
ZONE="$DATA/dns-zone.json"
echo '{"mode": "answer", "records": []}' >"$ZONE"
/usr/bin/python3 "$ROOT_DIR/tests/tools/dns_server.py" --zone "$ZONE" >"$DATA/dns.out" 2>"$DATA/dns.log" &
DNS_PID=$!
for _ in $(seq 1 150); do
  grep -q '^READY ' "$DATA/dns.out" 2>/dev/null && break
  kill -0 "$DNS_PID" 2>/dev/null || break
  sleep 0.1
done
DNS_PORT=$(sed -n 's/^READY //p' "$DATA/dns.out")
[ -n "$DNS_PORT" ] || { cat "$DATA/dns.log" >&2; fail "the local DNS server did not start"; }

HTTP_PORT=$(free_port)
SMTP_PORT=$(free_port)
BASE="http://127.0.0.1:$HTTP_PORT"
JWT_SECRET=$(openssl rand -hex 32)
export JWT_SECRET
START=$(date +%s)

env DATA_DIR="$DATA" DNS_RESOLVER="127.0.0.1:$DNS_PORT" HTTP_LISTEN="127.0.0.1:$HTTP_PORT" SMTP_LISTEN="127.0.0.1:$SMTP_PORT" WEB_ROOT="$WEB" \
    LOG_FORMAT=json "$BIN" serve >"$DATA/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 150); do
  curl -fs "$BASE/readyz" >/dev/null 2>&1 && break
  kill -0 "$SERVER_PID" 2>/dev/null || { tail -5 "$DATA/server.log" >&2; fail "the server exited during start"; }
  sleep 0.2
done
curl -fs "$BASE/readyz" >/dev/null 2>&1 || { tail -5 "$DATA/server.log" >&2; fail "the server was not ready in 30 s"; }

ROOT_EMAIL=root@e2e.test
ROOT_PASSWORD="E2e-Root-$(openssl rand -hex 8)"
(umask 077; printf '%s' "$ROOT_PASSWORD" >"$DATA/root.pw")
# The admin command adopts the cluster the running server started.
DATA_DIR="$DATA" "$BIN" admin create-superadmin --email "$ROOT_EMAIL" --password-file "$DATA/root.pw" >"$DATA/admin.log" 2>&1 \
  || { cat "$DATA/admin.log" >&2; fail "admin create-superadmin failed"; }

echo "e2e: server $BASE ready in $(( $(date +%s) - START )) s; running the specs"
set +e
(cd "$E2E_DIR" && env E2E_BASE_URL="$BASE" E2E_ROOT_EMAIL="$ROOT_EMAIL" E2E_ROOT_PASSWORD="$ROOT_PASSWORD" \
   E2E_ARTIFACTS="$ARTIFACTS" E2E_CHROMIUM="$CHROMIUM" E2E_OUTBOX="$DATA/outbox" E2E_SMTP_PORT="$SMTP_PORT" \
   E2E_BIN="$BIN" E2E_DATA_DIR="$DATA" E2E_DNS_ZONE="$ZONE" E2E_CONTRACT_LOG="$ARTIFACTS/contract.jsonl" \
   node --test --test-concurrency=1 --test-timeout=90000 \
        --test-reporter=spec --test-reporter-destination=stdout \
        --test-reporter=tap --test-reporter-destination="$ARTIFACTS/results.tap" \
        "$@" specs/*.test.mjs)
rc=$?
set -e

pass=$(sed -n 's/^# pass //p' "$ARTIFACTS/results.tap" | tail -1)
failed=$(sed -n 's/^# fail //p' "$ARTIFACTS/results.tap" | tail -1)
shots=$(find "$ARTIFACTS" -name '*.png' | wc -l)
echo "e2e: ${pass:-0} passed, ${failed:-?} failed in $(( $(date +%s) - START )) s; $shots screenshots in tests/e2e/artifacts/"
# The OpenAPI contract check (lib/contract.mjs): JSON answers validated by every spec, summed.
if [ -s "$ARTIFACTS/contract.jsonl" ]; then
  node -e 'const t={checked:0,mismatches:0,api:0,browser:0};for(const l of require("fs").readFileSync(process.argv[1],"utf8").split("\n").filter(Boolean)){const c=JSON.parse(l);t.checked+=c.checked;t.mismatches+=c.mismatches;t.api+=c.bySource.api??0;t.browser+=c.bySource.browser??0}
console.log(`e2e: contract: ${t.checked} JSON answers checked against the OpenAPI schemas (${t.api} from api(), ${t.browser} in the browser), ${t.mismatches} mismatches`)' "$ARTIFACTS/contract.jsonl"
fi
exit $rc
