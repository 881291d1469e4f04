#!/usr/bin/env bash
# `make test`: every part in turn, each one run even when an earlier one failed, then a summary with
# the wall time and result of each part. Exits 1 when any part failed. Run from the repository root;
# MAKE and the make variables come from the Makefile.
set -uo pipefail
cd "$(dirname "$0")/.."
MAKE=${MAKE:-make}

# part name, make targets. The unit and integration suites run once, against the ASan+UBSan build
# (sanitize): a second run against the plain build would find nothing more and cost a full compile of
# the tests. The plain build is only what the browser tests and `make run` need.
PARTS=(
  "setup/build|setup build-server build-web"
  "lint|lint"
  "backend+asan|sanitize"
  "web|test-web"
  "e2e|test-e2e"
  "deploy|test-deploy"
)

duration() { printf '%dm%02ds' $(($1 / 60)) $(($1 % 60)); }

summary=()
failed=0
started=$(date +%s)
for part in "${PARTS[@]}"; do
  name=${part%%|*}
  targets=${part#*|}
  echo "==== make test: $name"
  t0=$(date +%s)
  # shellcheck disable=SC2086  # targets is a word list
  if "$MAKE" --no-print-directory $targets; then result=ok; else result=FAILED; failed=1; fi
  summary+=("$(printf '  %-12s %8s  %s' "$name" "$(duration $(($(date +%s) - t0)))" "$result")")
done

echo
echo "==== make test summary (wall time per part)"
printf '%s\n' "${summary[@]}"
printf '  %-12s %8s  %s\n' "total" "$(duration $(($(date +%s) - started)))" "$([ $failed = 0 ] && echo ok || echo FAILED)"
exit $failed
