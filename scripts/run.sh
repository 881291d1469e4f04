#!/usr/bin/env bash
# `make run`: starts DispatchHub on its embedded default (private PostgreSQL under DATA_DIR,
# capture mail transport). Generates a JWT secret into DATA_DIR on first run when none is given.
set -euo pipefail
cd "$(dirname "$0")/.."
DATA_DIR=${DATA_DIR:-./var}
mkdir -p "$DATA_DIR"
if [ -z "${JWT_SECRET:-}" ] && [ -z "${JWT_SECRET_FILE:-}" ]; then
  if [ ! -s "$DATA_DIR/jwt_secret" ]; then
    (umask 077; openssl rand -hex 32 > "$DATA_DIR/jwt_secret")
    echo "run: generated a JWT secret in $DATA_DIR/jwt_secret"
  fi
  export JWT_SECRET_FILE="$DATA_DIR/jwt_secret"
fi
export DATA_DIR
export LOG_FORMAT=${LOG_FORMAT:-text}
export HTTP_LISTEN=${HTTP_LISTEN:-127.0.0.1:8080}
# The web UI is served over plain HTTP on localhost here; browsers accept Secure cookies there.
BIN=build/dispatchhub

if [ -x scripts/bootstrap-admin.sh ]; then bash scripts/bootstrap-admin.sh "$BIN"; fi

echo
echo "DispatchHub is starting on http://${HTTP_LISTEN}  (Ctrl-C stops it, and its database)"
[ -f "$DATA_DIR/superadmin.txt" ] && echo "Super admin sign-in: see $DATA_DIR/superadmin.txt (readable by root only)"
echo
exec "$BIN" serve
