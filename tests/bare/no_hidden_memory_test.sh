#!/bin/bash
# SPDX-License-Identifier: MIT
# The firmware distribution takes no RAM of its own beyond an allow-list:
# built for Cortex-M3 with no define (the firmware profile, no default
# region), the library has no .data and no .bss but the symbols below, in
# its object and in an image that uses one region pool
# (tools/firmware/region_only.c, linked --gc-sections, against the same
# program with stand-ins for the library). And the check can fail: with
# -DMLN_ALLOC_DEFAULT_REGION_SIZE=4096 it must find the default region.
#   no_hidden_memory_test.sh mln_alloc.h mlnpool.c region_only.c
set -uo pipefail
# What the library may keep in RAM, "name bytes" (32-bit ARM): the pointer
# to the panic hook (alloc/panic.c, mln_alloc_set_panic_hook).
allowed="panic_hook 4"

dir="${TEST_TMPDIR:-$(mktemp -d)}/no_hidden_memory"
mkdir -p "$dir"
cp "$1" "$dir/mln_alloc.h"
cp "$2" "$dir/mlnpool.c"
cp "$3" "$dir/region_only.c"
cd "$dir" || exit 1
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
m3="arm-none-eabi-gcc -mcpu=cortex-m3 -mthumb -std=c11 -ffreestanding -Os -ffunction-sections -fdata-sections"
link="-nostdlib -nostartfiles -Wl,--gc-sections -Wl,-e,reset"

# The data symbols (.data, .bss, common) of a file: "name bytes", sorted.
data_symbols() { arm-none-eabi-nm -S -t d "$1" | awk 'NF == 4 && $3 ~ /^[bBdDgGsSC]$/ { print $4, $2 + 0 }' | sort; }
# Bytes of .data + .bss of a file.
ram_bytes() { arm-none-eabi-size "$1" | awk 'NR == 2 { print $2 + $3 }'; }
total() { awk '{ s += $2 } END { print s + 0 }'; }

# The library's RAM in `with` (an object, or an image against `without`,
# the same program without the library), checked against the allow-list:
# every symbol allowed, and no bytes beyond the symbols' (nothing unnamed).
# Prints the symbols found; returns 1 if any is not allowed.
library_ram() {
  local with=$1 without=${2:-} symbols bytes
  if [ -n "$without" ]; then
    symbols=$(comm -23 <(data_symbols "$with") <(data_symbols "$without"))
    bytes=$(($(ram_bytes "$with") - $(ram_bytes "$without")))
  else
    symbols=$(data_symbols "$with")
    bytes=$(ram_bytes "$with")
  fi
  echo "$(echo "${symbols:-none}" | paste -sd, - | sed 's/,/, /g') ($bytes bytes of .data + .bss)"
  [ -z "$(comm -23 <(echo "$symbols" | sed '/^$/d') <(echo "$allowed" | sort))" ] &&
    [ "$bytes" = "$(echo "$symbols" | total)" ]
}

build() { # build DEFINES: mlnpool.o, image.elf, stubs.elf (and kept.elf: the default region's path kept)
  rm -f mlnpool.o image.elf stubs.elf kept.elf
  $m3 "$@" -c mlnpool.c -o mlnpool.o &&
    $m3 -I. $link region_only.c mlnpool.o -o image.elf -lgcc &&
    $m3 -I. $link -Wl,--undefined=mln_alloc_init region_only.c mlnpool.o -o kept.elf -lgcc &&
    $m3 -I. $link -DSTUBS region_only.c -o stubs.elf -lgcc
}

# The firmware distribution as firmware builds it: no define.
if build; then
  found=$(library_ram mlnpool.o) || fail "mlnpool.o (no define) has RAM beyond the allow-list ($allowed): $found"
  echo "mlnpool.o: $found"
  found=$(library_ram image.elf stubs.elf) ||
    fail "the region-only image: the library has RAM beyond the allow-list ($allowed): $found"
  echo "region-only image, the library's: $found"
  found=$(library_ram kept.elf stubs.elf) ||
    fail "the image with mln_alloc_init kept: the library has RAM beyond the allow-list ($allowed): $found"
else
  fail "building mlnpool.c and region_only.c for Cortex-M3 with no define"
fi

# With a default region the check must see it: in the object, and in an
# image that keeps mln_alloc_init (the region-only image itself never
# reaches the default region, and --gc-sections drops it).
if build -DMLN_ALLOC_DEFAULT_REGION_SIZE=4096; then
  for file in mlnpool.o kept.elf; do
    if [ $file = mlnpool.o ]; then found=$(library_ram $file); else found=$(library_ram $file stubs.elf); fi &&
      fail "$file, -DMLN_ALLOC_DEFAULT_REGION_SIZE=4096: the check found nothing beyond the allow-list: $found"
    echo "$found" | grep -Eq "(^|, )region 4096[ ,]" ||
      fail "$file, -DMLN_ALLOC_DEFAULT_REGION_SIZE=4096: no 4096-byte region among: $found"
  done
  echo "-DMLN_ALLOC_DEFAULT_REGION_SIZE=4096, seen: $(library_ram kept.elf stubs.elf)"
else
  fail "building with -DMLN_ALLOC_DEFAULT_REGION_SIZE=4096"
fi

[ "$failures" -eq 0 ] || exit 1
echo "PASS: the library's RAM is the allow-list's ($allowed) and nothing else"
