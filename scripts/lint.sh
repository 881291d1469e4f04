#!/usr/bin/env bash
# `make lint`: the C++ sources against .clang-format and the include rules, and the web UI with oxlint (.oxlintrc.json:
# correctness rules are errors, hook rules warnings) and the TypeScript compiler. Fails on the first
# part that fails; prints what to run to fix formatting.
set -euo pipefail
cd "$(dirname "$0")/.."

echo "lint: clang-format (C++ under src, tests, bench)"
mapfile -t files < <(git ls-files 'src/*.cpp' 'src/*.hpp' 'tests/*.cpp' 'tests/*.hpp' 'bench/*.cpp' 'bench/*.hpp')
if ! clang-format --dry-run --Werror "${files[@]}" 2>/tmp/dh-clang-format.$$; then
  grep -E '^[^ ].*: (error|warning):' /tmp/dh-clang-format.$$ | cut -d: -f1 | sort -u | sed 's/^/  not formatted: /'
  rm -f /tmp/dh-clang-format.$$

echo "lint: include rules (scripts/check-includes.sh)"
bash scripts/check-includes.sh
  echo "lint: run  clang-format -i \$(git ls-files 'src/*.[ch]pp' 'tests/*.[ch]pp' 'bench/*.[ch]pp')"
  exit 1
fi
rm -f /tmp/dh-clang-format.$$

if [ -f web/package.json ]; then
  echo "lint: oxlint and tsc (web)"
  (cd web && npm run --silent lint && npx tsc -b)
fi
echo "lint: clean"
