#!/usr/bin/env bash
# `make chaos`: every chaos scenario in turn against build/dispatchhub (as root: the throwaway
# PostgreSQL cluster runs as the postgres user). CHAOS_SCENARIOS picks some; each scenario's
# variables are documented at its top. Exits 1 when any scenario fails.
set -uo pipefail
cd "$(dirname "$0")"
failed=()
for s in ${CHAOS_SCENARIOS:-worker_kill pg_restart smtp_faults server_crash scale_out}; do
  echo "== chaos: $s"
  start=$(date +%s)
  if bash "./$s.sh"; then echo "== $s: passed in $(( $(date +%s) - start )) s"; else failed+=("$s"); echo "== $s: FAILED"; fi
done
[ ${#failed[@]} -eq 0 ] || { echo "chaos: failed: ${failed[*]}"; exit 1; }
echo "chaos: all scenarios passed"
