#!/bin/bash
# The shared library's dynamic symbol table holds exactly the functions the
# public header declares, each under the version node MLNPOOL_1, and its
# soname is libmlnpool.so.1.
set -euo pipefail
lib="$1"
header="$2"

soname=$(readelf -d "$lib" | sed -n 's/.*Library soname: \[\(.*\)\]/\1/p')
[ "$soname" = "libmlnpool.so.1" ] || { echo "soname is '$soname'"; exit 1; }

# Defined dynamic symbols, as name@@version (the version node is not a symbol).
exported=$(nm -D --defined-only "$lib" | awk '$2 != "A" { print $3 }' | sort)
unversioned=$(echo "$exported" | grep -v '@@MLNPOOL_1$' || true)
[ -z "$unversioned" ] || { echo "exported outside MLNPOOL_1:"; echo "$unversioned"; exit 1; }
exported=$(echo "$exported" | sed 's/@@MLNPOOL_1$//')

# Functions the header declares: each statement of the preprocessed header
# (comments gone, whatever its line breaks) that is not a typedef or a
# struct names its function just before the first "(".
declared=$(cc -E -P -x c "$header" | tr '\n' ' ' | tr ';' '\n' |
  grep -vE '^ *(typedef|struct) ' |
  sed -nE 's/^[^(]*[ *](mln_alloc_[a-z_]+) *\(.*/\1/p' | sort -u)
[ -n "$declared" ] || { echo "no declaration found in $header"; exit 1; }

if [ "$exported" != "$declared" ]; then
  echo "exported and declared differ (< exported only, > declared only):"
  diff <(echo "$exported") <(echo "$declared") || true
  exit 1
fi
echo "$(echo "$exported" | wc -l) symbols exported, all declared in the header, version MLNPOOL_1"
