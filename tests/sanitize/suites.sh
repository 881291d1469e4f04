#!/usr/bin/env bash
# `make sanitize` (part of `make test`): the server, the worker, the unit and integration suites and
# the fuzz targets' corpus replay built with AddressSanitizer + UndefinedBehaviorSanitizer (GCC,
# DH_SANITIZE, in ASAN_BUILD_DIR, default build-asan) and run through ctest. Every process, the servers and commands the tests start
# included, writes its sanitizer reports into one directory; any report there fails the run, even
# from a process whose exit status no test looks at. Run from the repository root.
set -euo pipefail
cd "$(dirname "$0")/../.."
BUILD=${ASAN_BUILD_DIR:-$PWD/build-asan}
JOBS=${JOBS:-2}
# The integration tests mostly wait (on the server, PostgreSQL, a relay): twice as many at once as
# cores halves the wall time without starving them.
CTEST_JOBS=${CTEST_JOBS:-$((JOBS * 2))}

# -O1: sanitizer builds spend most of their time compiling; the tests do not need -O2 speed.
cmake -S . -B "$BUILD" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DDH_SANITIZE=ON \
    "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O1 -g1" "-DCMAKE_C_FLAGS_RELWITHDEBINFO=-O1 -g1" -Wno-dev >/dev/null
cmake --build "$BUILD" -j "$JOBS" --target dispatchhub dh_unit_tests dh_integration_tests dh_fuzz_replay \
    >"$BUILD/build.log" 2>&1 || { tail -30 "$BUILD/build.log"; echo "sanitize: the ASan+UBSan build failed"; exit 1; }

REPORTS="$BUILD/sanitizer-reports"
rm -rf "$REPORTS" && mkdir -p "$REPORTS"
export ASAN_OPTIONS="log_path=$REPORTS/asan:detect_leaks=1:strict_string_checks=1:detect_stack_use_after_return=1"
export UBSAN_OPTIONS="log_path=$REPORTS/ubsan:print_stacktrace=1"
export LSAN_OPTIONS="suppressions=$PWD/tests/sanitize/lsan.supp:print_suppressions=0"

# The unit tests and the fuzz corpus replay run as one process per binary: an instrumented process
# takes a second or more to start and to check for leaks at exit, which for ~420 unit tests run one
# per process (as ctest does) was a quarter of the whole run; in one process they take seconds.
unit_status=0
(cd "$BUILD/tests" && ./dh_unit_tests --gtest_brief=1 && ./dh_fuzz_replay --gtest_brief=1) >"$BUILD/unit.log" 2>&1 ||
    unit_status=$?
unit_summary=$(($(grep -oE "^\[==========\] [0-9]+ tests? from" "$BUILD/unit.log" | grep -oE "[0-9]+" | paste -sd+ || echo 0)))
if [ "$unit_status" -ne 0 ]; then
    grep -E -A20 ": Failure$|C\+\+ exception|uncaught exception|Assertion|FAILED" "$BUILD/unit.log" | head -200 || true
    tail -20 "$BUILD/unit.log"
    for f in $(ls "$REPORTS" 2>/dev/null | head -5); do echo "== $f"; head -60 "$REPORTS/$f"; done
    echo "sanitize: unit tests or the fuzz corpus replay failed under ASan+UBSan"
    exit 1
fi

status=0
(cd "$BUILD" && ctest -L integration -j "$CTEST_JOBS" --timeout 900 --output-on-failure >"$BUILD/ctest.log" 2>&1) ||
    status=$?
summary=$(grep -E "tests passed|tests failed" "$BUILD/ctest.log" | tail -1)
if [ "$status" -ne 0 ]; then
    # What each failed test said (its assertion or exception), then which tests failed.
    grep -E -A40 ": Failure$|C\+\+ exception|uncaught exception|Assertion" "$BUILD/ctest.log" | head -240 || true
    grep -E "^\s+[0-9]+ - |Failed|\*\*\*" "$BUILD/ctest.log" | tail -40
    # A process that crashed under the sanitizer says why only in its report.
    for f in $(ls "$REPORTS" 2>/dev/null | head -5); do echo "== $f"; head -60 "$REPORTS/$f"; done
    echo "sanitize: suites failed under ASan+UBSan: $summary"
    exit 1
fi
if compgen -G "$REPORTS/*" >/dev/null; then
    for f in "$REPORTS"/*; do echo "== $f"; head -60 "$f"; done
    echo "sanitize: $(ls "$REPORTS" | wc -l) sanitizer report(s) from the suites (above)"
    exit 1
fi
echo "sanitize: under ASan+UBSan: unit tests and fuzz corpus replay: $unit_summary passed; server, worker and integration suites: $summary; no sanitizer reports"
