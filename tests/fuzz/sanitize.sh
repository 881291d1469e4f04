#!/usr/bin/env bash
# `make sanitize` (run by `make test`): ASan + UBSan, with clang in build-fuzz, over the parsers of
# untrusted input: their unit tests (dh_sanitized_unit_tests), then every fuzz target over its
# seed corpus once. Exits 1 on any failure or sanitizer report. A few minutes cold, seconds warm.
set -euo pipefail
cd "$(dirname "$0")/../.."
source tests/fuzz/build.sh
"$BUILD/dh_sanitized_unit_tests" --gtest_brief=1 >"$BUILD/sanitized_unit_tests.log" 2>&1 ||
    { tail -40 "$BUILD/sanitized_unit_tests.log"; echo "sanitize: unit tests failed under ASan/UBSan"; exit 1; }
echo "sanitize: $(grep -oE '[0-9]+ tests from [0-9]+ test suites ran' "$BUILD/sanitized_unit_tests.log") under ASan+UBSan: passed"
for dir in tests/fuzz/corpus/*/; do
    t=$(basename "$dir")
    "$BUILD/$t" -runs=0 -timeout=10 "$dir" >"$BUILD/$t.replay.log" 2>&1 ||
        { tail -30 "$BUILD/$t.replay.log"; echo "sanitize: $t failed on its seed corpus"; exit 1; }
done
echo "sanitize: every fuzz target replayed its seed corpus ($(ls tests/fuzz/corpus/*/* | wc -l) inputs) cleanly"
