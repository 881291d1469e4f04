#!/usr/bin/env bash
# First start of `make run`: create a super admin with a random password, print it once, and keep
# it in $DATA_DIR/superadmin.txt (mode 600). Later starts do nothing.
set -euo pipefail
BIN=$1
DATA_DIR=${DATA_DIR:-./var}
CREDENTIALS="$DATA_DIR/superadmin.txt"
[ -f "$CREDENTIALS" ] && exit 0
EMAIL=${SUPERADMIN_EMAIL:-admin@dispatchhub.localhost}
PASSWORD="Dh-$(openssl rand -hex 12)"
umask 077
PWFILE=$(mktemp)
trap 'rm -f "$PWFILE"' EXIT
printf '%s' "$PASSWORD" > "$PWFILE"
if out=$("$BIN" admin create-superadmin --email "$EMAIL" --name "Platform admin" --password-file "$PWFILE" 2>&1); then
  printf 'email: %s\npassword: %s\n' "$EMAIL" "$PASSWORD" > "$CREDENTIALS"
  echo
  echo "  Super admin created (shown once; also in $CREDENTIALS, readable by root only):"
  echo "    email:    $EMAIL"
  echo "    password: $PASSWORD"
  echo "  Sign in at the URL below, create a tenant under Tenants, then sign in as its admin."
else
  echo "bootstrap: no super admin created: $(echo "$out" | tail -1)" >&2
fi
