#!/bin/bash
# SPDX-License-Identifier: MIT
# The shared library's dynamic symbol table holds exactly the functions the
# public header declares, each under the version node MLNPOOL_1 but those a
# later minor release added or changed (node_of below; version 1.0's
# mln_alloc_stats is kept as mln_alloc_stats@MLNPOOL_1); its soname is
# libmlnpool.so.<the header's MLNPOOL_VERSION_MAJOR>, and it needs nothing
# but libc.
#
# The newest glibc symbol version it needs is the one README.md states.
#
#   exported_symbols_test.sh LIBRARY HEADER VERSION_SH README
set -euo pipefail
lib="$1"
header="$2"
version_sh="$3"
readme="$4"

glibc=$(objdump -T "$lib" | grep -o 'GLIBC_[0-9.]*' | sed 's/GLIBC_//' | sort -uV | tail -n 1)
stated=$(sed -n 's/.*needs glibc \([0-9.]*\) or later.*/\1/p' "$readme" | head -n 1)
[ -n "$glibc" ] && [ "$glibc" = "$stated" ] ||
  { echo "the library needs glibc $glibc; README.md says '${stated:-nothing}' (\"needs glibc X.Y or later\")"; exit 1; }

# The node each function is exported under: MLNPOOL_1, or the node of the
# release that added it or changed it (mlnpool.map).
node_of() {
  case "$1" in
    mln_alloc_stats) echo MLNPOOL_1.1 ;;
    mln_alloc_version | mln_alloc_version_number) echo MLNPOOL_1.2 ;;
    *) echo MLNPOOL_1 ;;
  esac
}

soname=$(readelf -d "$lib" | sed -n 's/.*Library soname: \[\(.*\)\]/\1/p')
major=$("$version_sh" "$header" major)
[ "$soname" = "libmlnpool.so.$major" ] || { echo "soname is '$soname', the header says major $major"; exit 1; }

needed=$(readelf -d "$lib" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' | sort | tr '\n' ' ')
[ "$needed" = "libc.so.6 " ] || { echo "needs more than libc: $needed"; exit 1; }

# Defined dynamic symbols, as name@@version (the version node is not a symbol).
exported=$(nm -D --defined-only "$lib" | awk '$2 != "A" { print $3 }' | sort)
compat=$(echo "$exported" | grep -v '@@' || true)
[ "$compat" = "mln_alloc_stats@MLNPOOL_1" ] || { echo "old versions kept: '$compat'"; exit 1; }
exported=$(echo "$exported" | grep '@@')
misplaced=""
while IFS= read -r symbol; do
  [ "${symbol#*@@}" = "$(node_of "${symbol%%@@*}")" ] || misplaced+="$symbol (expected $(node_of "${symbol%%@@*}"))"$'\n'
done <<<"$exported"
[ -z "$misplaced" ] || { echo "exported outside their version node:"; echo -n "$misplaced"; exit 1; }
exported=$(echo "$exported" | awk -F@@ '{ print $1 }')

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
