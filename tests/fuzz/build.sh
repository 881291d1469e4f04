# Sourced by run.sh and sanitize.sh: configures and builds tests/fuzz with clang into $BUILD
# (FUZZ_BUILD_DIR, default build-fuzz) with JOBS (2) jobs. Run from the repository root.
BUILD=${FUZZ_BUILD_DIR:-$PWD/build-fuzz}
command -v clang++ >/dev/null || { echo "clang++ is missing (make setup installs clang and libclang-rt-14-dev)"; exit 1; }
CC=clang CXX=clang++ cmake -S tests/fuzz -B "$BUILD" -DCMAKE_BUILD_TYPE=RelWithDebInfo -Wno-dev >/dev/null
cmake --build "$BUILD" -j "${JOBS:-2}" >"$BUILD/build.log" 2>&1 || { tail -30 "$BUILD/build.log"; exit 1; }
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 ASAN_OPTIONS=detect_leaks=1
