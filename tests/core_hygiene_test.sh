#!/bin/bash
# SPDX-License-Identifier: MIT
# The core's promises that no C test can see:
#   1. it includes nothing but <stddef.h>, <stdint.h>, <stdbool.h>, <limits.h>;
#   2. library code (core and POSIX platform) compiles warning-free with
#      -Wall -Wextra -Werror (and more) under both gcc and clang, with and
#      without the debug invariant checks;
#   3. compiled freestanding, the core needs nothing from outside itself but
#      the platform seam (mln_platform_*) and memcpy/memset, which GCC and
#      Clang require of every freestanding environment.
set -u
fail=0
cd "${TEST_SRCDIR:-.}/${TEST_WORKSPACE:-mlnpool}" 2>/dev/null || true

core_files=$(ls alloc/*.c alloc/*.h)
platform_files=$(ls platform/posix/*.c)

# The public header's MLN_ALLOC_MELON block is its user's opt-in (the
# includes Melon's own header gives, for code in Melon's tree): no build of
# the library defines it, so its includes are not the core's.
without_melon_block() {
  awk '/^#ifdef MLN_ALLOC_MELON$/ { skip = 1; depth = 0 }
       skip { if ($0 ~ /^#if/) depth++; if ($0 ~ /^#endif/ && --depth == 0) skip = 0; next }
       { print }' "$@"
}
bad_includes=$(without_melon_block $core_files | grep '#include <' | sort -u |
  grep -vE '^#include <(stddef|stdint|stdbool|limits)\.h>$')
if grep -rn -- '-DMLN_ALLOC_MELON\|define MLN_ALLOC_MELON' $core_files >/dev/null; then
  echo "FAIL: the library defines MLN_ALLOC_MELON, which is its users' only"; fail=1
fi
if [ -n "$bad_includes" ]; then
  echo "FAIL: the core includes more than the freestanding headers:"; echo "$bad_includes"; fail=1
fi

flags="-std=c11 -Wall -Wextra -Werror -Wpedantic -Wshadow -Wstrict-prototypes -Wmissing-prototypes -I."
objdir="${TEST_TMPDIR:-/tmp}/hygiene"
mkdir -p "$objdir"
for cc in gcc clang; do
  if ! command -v "$cc" >/dev/null; then
    echo "FAIL: $cc is not installed (tools/bazel installs it)"; fail=1; continue
  fi
  for debug in "" "-DMLN_ALLOC_DEBUG"; do
    for src in alloc/*.c $platform_files; do
      track=""
      case "$src" in */track_*.c) track="-DMLN_ALLOC_TRACK" ;; esac
      if ! "$cc" $flags -O2 $debug $track -D_DEFAULT_SOURCE -c "$src" -o "$objdir/x.o"; then
        echo "FAIL: $cc $debug $src does not compile cleanly"; fail=1
      fi
    done
  done
done

rm -f "$objdir"/*.o
for src in alloc/*.c; do
  gcc -std=c11 -O2 -ffreestanding -DMLN_ALLOC_DEBUG -I. -c "$src" -o "$objdir/$(basename "$src").o" || fail=1
done
defined=$(nm --defined-only "$objdir"/*.o | awk 'NF == 3 {print $3}' | sort -u)
outside=$(nm -u "$objdir"/*.o | awk 'NF == 2 {print $2}' | sort -u |
  grep -vxF "$defined" | grep -v '^mln_platform_' | grep -vxE 'memcpy|memset' |
  grep -vx '_GLOBAL_OFFSET_TABLE_' || true) # the linker's own, for a PIE's function address
if [ -n "$outside" ]; then
  echo "FAIL: the freestanding core needs symbols from outside itself:"; echo "$outside"; fail=1
fi

[ "$fail" -eq 0 ] && echo "PASS: core hygiene"
exit "$fail"
