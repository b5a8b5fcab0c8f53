#!/bin/bash
# The firmware figures of the README: code size of the library, of an image
# that uses region pools only, and of the firmware example image for
# Cortex-M3 at -Os, the RAM a pool's control structure takes, and the
# per-allocation overhead on 32-bit ARM.
#   ./tools/firmware_figures.sh            print them
#   ./tools/firmware_figures.sh --readme   also rewrite the README's table
#                                          (between its firmware-figures marks)
set -euo pipefail
cd "$(dirname "$0")/.."
./tools/bazel build --config=m3 -c opt --copt=-Os //alloc:core //platform/freestanding \
  //examples/firmware:firmware_elf >/dev/null 2>&1
out="$(./tools/bazel info --config=m3 -c opt --copt=-Os bazel-bin 2>/dev/null)"
layers=(base engine pool kinds api)
libs=()
for layer in "${layers[@]}"; do libs+=("$out/alloc/liblayer_$layer.a"); done
libs+=("$out/platform/freestanding/libfreestanding.lo")
echo "Cortex-M3, arm-none-eabi-gcc -Os (text + data per object, then total):"
arm-none-eabi-size -t "${libs[@]}" | awk 'NR == 1 || /TOTALS/ || /\.o/ { sub(/ \(ex .*/, ""); print }'
read -r lib_text lib_data < <(arm-none-eabi-size -t "${libs[@]}" | awk '/TOTALS/ { print $1, $2 }')
probe="$(mktemp -d)"
trap 'rm -rf "$probe"' EXIT

# An image that uses region pools only (tools/firmware/region_only.c), built
# -Os -ffunction-sections -fdata-sections and linked --gc-sections, with the
# library and with empty stand-ins for its calls: the difference is what the
# library costs such an image.
m3="-mcpu=cortex-m3 -mthumb -std=c11 -ffreestanding -Os -ffunction-sections -fdata-sections -I. -Ialloc"
link="-nostdlib -nostartfiles -Wl,--gc-sections -Wl,-e,reset"
# mem.c as its library builds it: it must not become a call to itself.
arm-none-eabi-gcc $m3 -fno-builtin -fno-tree-loop-distribute-patterns -c platform/freestanding/mem.c \
  -o "$probe/mem.o"
arm-none-eabi-gcc $m3 $link tools/firmware/region_only.c alloc/*.c platform/freestanding/static_region.c \
  platform/freestanding/panic.c "$probe/mem.o" -o "$probe/with.elf" -lgcc
arm-none-eabi-gcc $m3 $link -DSTUBS tools/firmware/region_only.c -o "$probe/without.elf" -lgcc
image_bytes() { arm-none-eabi-size "$1" | awk 'NR == 2 { print $1 + $2 }'; }
region_only=$(($(image_bytes "$probe/with.elf") - $(image_bytes "$probe/without.elf")))
echo "An image using region pools only: the library adds $region_only bytes of text + data"
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
arm-none-eabi-gcc -mcpu=cortex-m3 -mthumb -std=c11 -ffreestanding -Os -fno-common -I. \
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
