#!/bin/bash
# SPDX-License-Identifier: MIT
# mln_alloc.h compiles warning-free (-Wall -Wextra -Wpedantic -Werror) with
# gcc and clang as C99, C11, C17 (plain and GNU) and C++11 to C++20, in both
# API generations, and its macros have the same values in every mode; and
# beside Melon's types header, with and without MLN_ALLOC_MELON.
set -u
cd "${TEST_SRCDIR:-.}/${TEST_WORKSPACE:-mlnpool}" 2>/dev/null || true
src=tests/header/header_use.c
out="${TEST_TMPDIR:-/tmp}/header_modes"
mkdir -p "$out"
flags="-Wall -Wextra -Wpedantic -Werror -Ialloc"
fail=0
reference=""
modes=0
melon_modes=0
for lang in c c++; do
  if [ "$lang" = c ]; then
    compilers="gcc clang"; stds="c99 gnu99 c11 gnu11 c17 gnu17"
  else
    compilers="g++ clang++"; stds="c++11 c++14 c++17 c++20"
  fi
  for cc in $compilers; do
    for std in $stds; do
      # Beside Melon's types header (a stand-in under tests/header/melon):
      # types first without the compatibility define, and with it in
      # either order.
      for melon in "-DTYPES_FIRST" "-DMLN_ALLOC_MELON" "-DMLN_ALLOC_MELON -DTYPES_FIRST"; do
        melon_modes=$((melon_modes + 1))
        if ! "$cc" -x "$lang" -std="$std" $flags -Itests/header/melon $melon -c tests/header/melon_use.c \
          -o "$out/melon.o"; then
          echo "FAIL: $cc -std=$std $melon: the header beside Melon's types header"; fail=1
        fi
      done
      for api in "" "-DMLN_ALLOC_CAPACITY_API"; do
        modes=$((modes + 1))
        if ! "$cc" -x "$lang" -std="$std" $flags $api -c "$src" -o "$out/use.o"; then
          echo "FAIL: $cc -std=$std $api: the header does not compile cleanly"; fail=1; continue
        fi
        if ! "$cc" -x "$lang" -std="$std" $flags $api -DPRINT_VALUES "$src" -o "$out/values"; then
          echo "FAIL: $cc -std=$std $api: the value printer does not build"; fail=1; continue
        fi
        values=$("$out/values")
        if [ -z "$reference" ]; then
          reference="$values"
        elif [ "$values" != "$reference" ]; then
          echo "FAIL: $cc -std=$std $api: macros differ:"; echo "$values"; echo "expected:"; echo "$reference"
          fail=1
        fi
      done
    done
  done
done
echo "$modes modes, $melon_modes beside Melon's types header; values in every mode:"; echo "$reference"
[ "$fail" -eq 0 ] && echo "PASS: the header in every mode"
exit "$fail"
