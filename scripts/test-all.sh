#!/usr/bin/env bash
# `make test`: every part in turn, each one run even when an earlier one failed, then a summary with
# the wall time and result of each part. Exits 1 when any part failed. Run from the repository root;
# MAKE and the make variables come from the Makefile.
set -uo pipefail
cd "$(dirname "$0")/.."
MAKE=${MAKE:-make}

# part name, make targets[, environment]. One C++ build serves every part: the ASan+UBSan build
# (sanitize) runs the unit and integration suites and the fuzz corpus replay, and its server is the
# one the browser tests drive. A plain build would find nothing more and cost a second full compile;
# `make run` and `make check` build it when they need it.
ASAN_BUILD=${ASAN_BUILD_DIR:-$PWD/build-asan}
PARTS=(
  "setup/build|setup build-web"
  "lint|lint"
  "backend+asan|sanitize"
  "web|test-web"
  "e2e|test-e2e|DISPATCHHUB_BIN=$ASAN_BUILD/dispatchhub ASAN_OPTIONS=halt_on_error=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1"
  "deploy|test-deploy"
)

duration() { printf '%dm%02ds' $(($1 / 60)) $(($1 % 60)); }

summary=()
failed=0
started=$(date +%s)
for part in "${PARTS[@]}"; do
  IFS='|' read -r name targets environment <<<"$part"
  echo "==== make test: $name"
  t0=$(date +%s)
  # shellcheck disable=SC2086  # targets and environment are word lists
  if env $environment "$MAKE" --no-print-directory $targets; then result=ok; else result=FAILED; failed=1; fi
  summary+=("$(printf '  %-12s %8s  %s' "$name" "$(duration $(($(date +%s) - t0)))" "$result")")
done

echo
echo "==== make test summary (wall time per part)"
printf '%s\n' "${summary[@]}"
printf '  %-12s %8s  %s\n' "total" "$(duration $(($(date +%s) - started)))" "$([ $failed = 0 ] && echo ok || echo FAILED)"
exit $failed
