#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (build-fuzz/) and runs each for FUZZ_SECONDS, starting
# from the seed corpus in tests/fuzz/corpus/<target>/ (new inputs go to build-fuzz/corpus/, the
# seeds in the repository are not touched). Prints executions and crashes per target; exits 1
# when any target crashed, leaking or timing out, with the reproducer under build-fuzz/artifacts/.
#   FUZZ_SECONDS=30 FUZZ_TARGETS="csv_fuzz jwt_fuzz" bash tests/fuzz/run.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
SECONDS_EACH=${FUZZ_SECONDS:-30}
source tests/fuzz/build.sh

TARGETS=${FUZZ_TARGETS:-$(cd tests/fuzz && ls -d corpus/*/ | xargs -n1 basename)}
mkdir -p "$BUILD/artifacts"
failed=0
printf '%-20s %12s %10s %8s %s\n' target executions exec/s corpus result
for t in $TARGETS; do
    work="$BUILD/corpus/$t"
    mkdir -p "$work"
    log="$BUILD/$t.log"
    set +e
    # -rss_limit_mb bounds memory, -timeout catches hangs (an input taking over 10 s).
    "$BUILD/$t" -max_total_time="$SECONDS_EACH" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
        -print_final_stats=1 -artifact_prefix="$BUILD/artifacts/$t-" "$work" "tests/fuzz/corpus/$t" >"$log" 2>&1
    rc=$?
    set -e
    execs=$(grep -oE 'stat::number_of_executed_units: *[0-9]+' "$log" | grep -oE '[0-9]+$' | tail -1 || echo 0)
    rate=$(grep -oE 'stat::average_exec_per_sec: *[0-9]+' "$log" | grep -oE '[0-9]+$' | tail -1 || echo 0)
    units=$(ls "$work" | wc -l)
    if [ $rc -eq 0 ]; then result="0 crashes"; else result="FAILED (exit $rc): $(grep -m1 -oE 'ERROR: [A-Za-z]+: [^ ]+( [^ ]+)?|runtime error: .*|deadly signal|timeout' "$log" || true)"; failed=1; fi
    printf '%-20s %12s %10s %8s %s\n' "$t" "$execs" "$rate" "$units" "$result"
done
if [ $failed -ne 0 ]; then
    echo "fuzz: reproducers in $BUILD/artifacts/ (run a target with the file as its argument); logs in $BUILD/*.log"
    exit 1
fi
