#!/bin/bash
# The shared library's dynamic symbol table holds exactly the functions the
# public header declares, each under the version node MLNPOOL_1 but
# mln_alloc_stats (MLNPOOL_1.1, with version 1.0's kept as
# mln_alloc_stats@MLNPOOL_1); its soname is libmlnpool.so.1, and it needs
# nothing but libc.
set -euo pipefail
lib="$1"
header="$2"

soname=$(readelf -d "$lib" | sed -n 's/.*Library soname: \[\(.*\)\]/\1/p')
[ "$soname" = "libmlnpool.so.1" ] || { echo "soname is '$soname'"; exit 1; }

needed=$(readelf -d "$lib" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' | sort | tr '\n' ' ')
[ "$needed" = "libc.so.6 " ] || { echo "needs more than libc: $needed"; exit 1; }

# Defined dynamic symbols, as name@@version (the version node is not a symbol).
exported=$(nm -D --defined-only "$lib" | awk '$2 != "A" { print $3 }' | sort)
compat=$(echo "$exported" | grep -v '@@' || true)
[ "$compat" = "mln_alloc_stats@MLNPOOL_1" ] || { echo "old versions kept: '$compat'"; exit 1; }
exported=$(echo "$exported" | grep '@@')
misplaced=$(echo "$exported" | grep -vE '@@MLNPOOL_1$' | grep -vxF 'mln_alloc_stats@@MLNPOOL_1.1' || true)
[ -z "$misplaced" ] || { echo "exported outside their version node:"; echo "$misplaced"; exit 1; }
exported=$(echo "$exported" | sed 's/@@MLNPOOL_1\(\.1\)\{0,1\}$//')

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
echo "$(echo "$exported" | wc -l) symbols exported, all declared in the header, versioned; needs: $needed"
