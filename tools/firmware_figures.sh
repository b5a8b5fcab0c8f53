#!/bin/bash
# SPDX-License-Identifier: MIT
# The firmware figures of the README: code size of the library, of an image
# that uses region pools only, and of the firmware example image for
# Cortex-M3 at -Os, the RAM a pool's control structure takes, and the
# per-allocation overhead on 32-bit ARM.
#   ./tools/firmware_figures.sh            print them
#   ./tools/firmware_figures.sh --readme   also rewrite the README's table
#                                          (between its firmware-figures marks)
set -euo pipefail
cd "$(dirname "$0")/.."
# The core's layers, bottom first, and the layer of each of its sources:
# alloc/layers.bzl (Starlark that is also Python), as alloc/BUILD loads it.
read_layers='ns = {}; exec(open("alloc/layers.bzl").read(), ns)'
mapfile -t layers < <(python3 -c "$read_layers; print(*ns['LAYER_ORDER'], sep=chr(10))")
declare -A layer_of_source
while read -r src layer; do layer_of_source[$src]=$layer; done < <(python3 -c "$read_layers
for layer, (sources, headers) in sorted(ns['LAYERS'].items()):
    for src in sources: print(src, layer)")
for src in alloc/*.c; do
  [ -n "${layer_of_source[$(basename "$src")]:-}" ] ||
    { echo "firmware_figures: $src belongs to no layer (alloc/layers.bzl)" >&2; exit 1; }
done
# Bazel's output goes to stderr, its progress a line every 30 s: stdout is
# for the figures.
echo "firmware_figures: building the library and the firmware image for Cortex-M3 at -Os (a minute or two unless cached)..." >&2
./tools/bazel build --show_progress_rate_limit=30 --config=m3 -c opt --copt=-Os //alloc:core \
  //platform/freestanding //examples/firmware:firmware_elf >&2
out="$(./tools/bazel info --config=m3 -c opt --copt=-Os bazel-bin 2>/dev/null)"
libs=()
for layer in "${layers[@]}"; do libs+=("$out/alloc/liblayer_$layer.a"); done
libs+=("$out/platform/freestanding/libfreestanding.a")
echo "Cortex-M3, arm-none-eabi-gcc -Os (text + data per object, then total):"
arm-none-eabi-size -t "${libs[@]}" | awk 'NR == 1 || /TOTALS/ || /\.o/ { sub(/ \(ex .*/, ""); print }'
read -r lib_text lib_data < <(arm-none-eabi-size -t "${libs[@]}" | awk '/TOTALS/ { print $1, $2 }')
probe="$(mktemp -d)"
trap 'rm -rf "$probe"' EXIT
echo "firmware_figures: compiling and linking the region-only image and the size probe" >&2

# An image that uses region pools only (tools/firmware/region_only.c), built
# -Os -ffunction-sections -fdata-sections and linked --gc-sections, with the
# library and with empty stand-ins for its calls: the difference is what the
# library costs such an image.
# The library's firmware setting (tools/copts.bzl, for @platforms//os:none) too.
firmware_defines="$(sed -n 's/.*"@platforms\/\/os:none": \["\(-D[^"]*\)"\].*/\1/p' tools/copts.bzl)"
[ -n "$firmware_defines" ] || { echo "no firmware setting found in tools/copts.bzl" >&2; exit 1; }
m3="-mcpu=cortex-m3 -mthumb -std=c11 -ffreestanding -Os -ffunction-sections -fdata-sections -I. -Ialloc $firmware_defines"
link="-nostdlib -nostartfiles -Wl,--gc-sections -Wl,-e,reset"
# mem.c as its library builds it: it must not become a call to itself.
arm-none-eabi-gcc $m3 -fno-builtin -fno-tree-loop-distribute-patterns -c platform/freestanding/mem.c \
  -o "$probe/mem.o"
objects=("$probe/mem.o")
for src in alloc/*.c platform/freestanding/static_region.c platform/freestanding/panic.c; do
  obj="$probe/$(basename "$(dirname "$src")")_$(basename "$src" .c).o"
  arm-none-eabi-gcc $m3 -c "$src" -o "$obj"
  objects+=("$obj")
done
arm-none-eabi-gcc $m3 $link -Wl,-Map,"$probe/with.map" tools/firmware/region_only.c "${objects[@]}" \
  -o "$probe/with.elf" -lgcc
arm-none-eabi-gcc $m3 $link -DSTUBS tools/firmware/region_only.c -o "$probe/without.elf" -lgcc
image_bytes() { arm-none-eabi-size "$1" | awk 'NR == 2 { print $1 + $2 }'; }
region_only=$(($(image_bytes "$probe/with.elf") - $(image_bytes "$probe/without.elf")))
echo "An image using region pools only: the library adds $region_only bytes of text + data"
# Where those bytes come from, by layer (alloc/BUILD), from the link map:
# every input section kept (the map lists the discarded ones first), summed by the layer of the object it came from.
layer_of() {
  case "$1" in
    alloc_*) echo "${layer_of_source[${1#alloc_}.c]}" ;;
    *) echo platform ;;
  esac
}
declare -A by_layer=([platform]=0)
for layer in "${layers[@]}"; do by_layer[$layer]=0; done
while read -r hex object; do
  layer=$(layer_of "$(basename "$object" .o)")
  by_layer[$layer]=$((by_layer[$layer] + 16#${hex#0x}))
done < <(awk '
  /^Linker script and memory map/ { kept = 1 }
  !kept { next }
  # An input section: its name, then address, size and object (on one line
  # or, for a long name, on the next).
  /^ \.(text|rodata|data)/ { if (NF >= 4) { print $3, $4 } else pending = 1; next }
  pending && NF >= 3 && $1 ~ /^0x/ { print $2, $3 }
  { pending = 0 }' "$probe/with.map" | grep "$probe/[a-z]*_" || true)
breakdown=""
layers_total=0
# The README's order: the layers above base, bottom first, then base, then
# the platform.
for layer in "${layers[@]:1}" "${layers[0]}" platform; do
  breakdown+="${breakdown:+, }$layer ${by_layer[$layer]}"
  layers_total=$((layers_total + by_layer[$layer]))
done
# The sections' sum and the image's difference part by alignment, padding
# and the stand-ins' own code, either way.
if [ "$layers_total" -ge "$region_only" ]; then
  breakdown+=" (sum $layers_total, $((layers_total - region_only)) more than the library's share: the stand-ins, alignment and padding)"
else
  breakdown+=" (sum $layers_total, $((region_only - layers_total)) less than the library's share: alignment, padding and the stand-ins)"
fi
echo "  by layer: $breakdown"
image_text=$(arm-none-eabi-size "$out/examples/firmware/firmware_elf" | awk 'NR == 2 { print $1 }')
echo "The examples/firmware image: $image_text bytes of text"

# Each constant becomes the size of an array, read back with nm.
cat >"$probe/sizes.c" <<'C'
#include "alloc/pool.h"
char pool_control_structure[MLN_POOL_STRUCT_BYTES];
char bin_heads[sizeof(((mln_engine_t *)0)->heads)];
char block_header[MLN_BLOCK_HEADER];
char smallest_block[MLN_BLOCK_MIN];
char alignment[MLN_ALLOC_ALIGNMENT];
C
arm-none-eabi-gcc -mcpu=cortex-m3 -mthumb -std=c11 -ffreestanding -Os -fno-common -I. $firmware_defines \
  -c "$probe/sizes.c" -o "$probe/sizes.o"
declare -A size
while read -r _ hex _ name; do size[$name]=$((16#$hex)); done < <(arm-none-eabi-nm -S "$probe/sizes.o")
echo "32-bit ARM (Cortex-M3), bytes:"
for name in pool_control_structure bin_heads block_header smallest_block alignment; do
  printf '  %-24s %d\n' "$name" "${size[$name]}"
done

[ "${1:-}" = "--readme" ] || exit 0
table="$probe/table.md"
cat >"$table" <<TABLE
| Figure | Cortex-M3 |
| --- | --- |
| library text + data (all of it: engine, pools, region, shared pools with journal, rebuild and integrity walk, hardening, statistics, capacity, platform) | $lib_text + $lib_data bytes |
| an image that uses region pools only (create, child, m, c, re, free, destroy; \`tools/firmware/region_only.c\`, \`-ffunction-sections -fdata-sections\`, \`--gc-sections\`): the library's share | $region_only bytes of text + data |
| the same, by layer (from the link map) | $breakdown |
| the \`examples/firmware\` image, whole (startup and semihosting included) | $image_text bytes of text |
| a pool's control structure (RAM) | ${size[pool_control_structure]} bytes (${size[bin_heads]} of them bin heads, never initialised) |
| per-allocation overhead (32-bit) | ${size[block_header]} bytes (header), blocks aligned to ${size[alignment]}, smallest block ${size[smallest_block]} bytes |
TABLE
awk -v table="$table" '
  /<!-- firmware-figures:begin/ { print; while ((getline line < table) > 0) print line; skip = 1; next }
  /<!-- firmware-figures:end/ { skip = 0 }
  !skip { print }' README.md >"$probe/README.md"
grep -q 'firmware-figures:begin' "$probe/README.md" || { echo "README has no firmware-figures marks" >&2; exit 1; }
cp "$probe/README.md" README.md
echo "README.md: firmware table rewritten"
