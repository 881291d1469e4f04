#!/usr/bin/env bash
# The include rules of docs/architecture.md ("Where each rule lives"), checked by `make lint`:
#  * nothing under src/delivery/ includes a store of src/dispatch/ (delivery reads what it needs
#    through its own queue store);
#  * no store includes the store header of another module (a module's SQL is reached through its
#    service or a plain row mapping, never through another module's store).
# Prints each violation as file: the included header. Exits 1 when there is one.
set -euo pipefail
cd "$(dirname "$0")/.."

violations=0
report() { echo "  $1 includes $2 ($3)"; violations=$((violations + 1)); }

while IFS=: read -r file header; do
  report "$file" "$header" "delivery must not reach into dispatch's SQL"
done < <(grep -HoE '#include "dispatch/[a-z_]+_store\.hpp"' src/delivery/*.[ch]pp | sed 's/#include //; s/"//g')

for file in src/*/*_store.cpp src/*/*_store.hpp; do
  module=$(echo "$file" | cut -d/ -f2)
  while read -r header; do
    [ -n "$header" ] || continue
    case "$header" in "$module"/*) continue ;; esac
    report "$file" "$header" "a store includes another module's store"
  done < <(grep -oE '#include "[a-z_]+/[a-z_]+_store\.hpp"' "$file" | sed 's/#include //; s/"//g')
done

if [ "$violations" -gt 0 ]; then
  echo "lint: $violations include rule violation(s) (docs/architecture.md, 'Where each rule lives')"
  exit 1
fi
