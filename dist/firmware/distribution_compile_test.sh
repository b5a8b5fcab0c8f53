#!/bin/bash
# SPDX-License-Identifier: MIT
# The firmware distribution compiles on its own (dist/firmware/BUILD):
#   distribution_compile_test.sh mln_alloc.h mlnpool.c
# The two files are copied to a directory of their own, so that nothing
# else of the checkout can be found by an #include.
set -uo pipefail
dir="${TEST_TMPDIR:-$(mktemp -d)}/firmware"
mkdir -p "$dir"
cp "$1" "$dir/mln_alloc.h"
cp "$2" "$dir/mlnpool.c"
cd "$dir"
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
warnings="-Wall -Wextra -Wpedantic -Werror"

# Calls (or tail jumps) from memcpy, memmove, memset or memcmp to one of
# them, in an object's disassembly: GCC's loop-to-call rewriting at work.
self_calls() {
  "$1" -dr "$2" | awk '
    /^[0-9a-f]+ <(memcpy|memmove|memset|memcmp)>:/ { inside = 1; next }
    /^[0-9a-f]+ </ { inside = 0 }
    inside && /(<(memcpy|memmove|memset|memcmp)>|R_[A-Z_0-9]+[ \t]+(memcpy|memmove|memset|memcmp)([-+]0x[0-9a-f]+)?$)/'
}

# Cortex-M3 as the README says: no define, no include path.
m3="arm-none-eabi-gcc -mcpu=cortex-m3 -mthumb -std=c11 -ffreestanding"
if $m3 -Os $warnings -c mlnpool.c -o m3.o; then
  outside=$(arm-none-eabi-nm -u m3.o)
  [ -z "$outside" ] || fail "mlnpool.o (Cortex-M3) needs symbols from outside itself: $outside"
  calls=$(self_calls arm-none-eabi-objdump m3.o)
  [ -z "$calls" ] || fail "the memory functions call themselves (Cortex-M3, -Os): $calls"
  echo "ok: arm-none-eabi-gcc -Os: $(arm-none-eabi-size m3.o | awk 'NR == 2 { print $1 " bytes of text, " $2 " of data, " $3 " of bss" }')"
else
  fail "$m3 -Os $warnings -c mlnpool.c"
fi
# With a default region, and at the optimisation levels that rewrite loops
# into calls the most eagerly.
$m3 -Os $warnings -DMLN_ALLOC_DEFAULT_REGION_SIZE=16384 -c mlnpool.c -o region.o ||
  fail "$m3 -Os $warnings -DMLN_ALLOC_DEFAULT_REGION_SIZE=16384 -c mlnpool.c"
for level in -O2 -O3; do
  for mode in -ffreestanding -fhosted; do
    arm-none-eabi-gcc -mcpu=cortex-m3 -mthumb -std=c11 $mode $level $warnings -c mlnpool.c -o o.o ||
      { fail "arm-none-eabi-gcc $mode $level"; continue; }
    calls=$(self_calls arm-none-eabi-objdump o.o)
    [ -z "$calls" ] || fail "the memory functions call themselves (Cortex-M3, $mode $level): $calls"
  done
done

# Natively, as a check of the C: gcc, and clang where installed.
gcc -std=c11 $warnings -c mlnpool.c -o native.o || fail "gcc -std=c11 $warnings -c mlnpool.c"
gcc -std=c11 -O2 $warnings -c mlnpool.c -o native_o2.o || fail "gcc -std=c11 -O2 $warnings -c mlnpool.c"
calls=$(self_calls objdump native_o2.o)
[ -z "$calls" ] || fail "the memory functions call themselves (gcc -O2): $calls"
if command -v clang >/dev/null; then
  clang -std=c11 $warnings -c mlnpool.c -o clang.o || fail "clang -std=c11 $warnings -c mlnpool.c"
  clang --target=thumbv7m-none-eabi -mcpu=cortex-m3 -std=c11 -ffreestanding -Os $warnings -c mlnpool.c \
    -o clang_m3.o || fail "clang --target=thumbv7m-none-eabi -ffreestanding -Os $warnings -c mlnpool.c"
  calls=$(self_calls arm-none-eabi-objdump clang_m3.o)
  [ -z "$calls" ] || fail "the memory functions call themselves (clang, Cortex-M3): $calls"
else
  echo "clang not installed: skipped"
fi

[ "$failures" -eq 0 ] || exit 1
echo "PASS: mlnpool.c compiles warning-free on its own (Cortex-M3 and native), needs nothing from outside, and its memory functions call none of themselves"
