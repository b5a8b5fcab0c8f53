#!/bin/bash
# SPDX-License-Identifier: MIT
# The firmware figures of the README, for both build profiles
# (alloc/profile.h: firmware, the default with no define, and services,
# -DMLN_ALLOC_PROFILE=2), all from the firmware distribution
# (dist/firmware/mlnpool.c, what firmware builds without Bazel compile):
# code size for Cortex-M3 at -Os of the library, of an image using one
# region pool, of the same with a child pool, and of the firmware example;
# the library's RAM in such an image (.data and .bss); the RAM of a pool's
# control structure and the smallest region on 32-bit ARM (a probe run
# under qemu-arm); the per-allocation overhead.
#   ./tools/firmware_figures.sh            print them
#   ./tools/firmware_figures.sh --readme   also rewrite the README's table
#                                          (between its firmware-figures marks)
# Needs arm-none-eabi-gcc, arm-linux-gnueabihf-gcc, qemu-arm, make, python3.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 tools/amalgamate.py --check >&2 ||
  { echo "firmware_figures: dist/firmware is stale: run python3 tools/amalgamate.py first" >&2; exit 1; }
probe="$(mktemp -d)"
trap 'rm -rf "$probe"' EXIT
profiles=(firmware services)
declare -A define=([firmware]="" [services]="-DMLN_ALLOC_PROFILE=2")

m3="-mcpu=cortex-m3 -mthumb -std=c11 -ffreestanding -Os -ffunction-sections -fdata-sections"
link="-nostdlib -nostartfiles -Wl,--gc-sections -Wl,-e,reset"
image_bytes() { arm-none-eabi-size "$1" | awk 'NR == 2 { print $1 + $2 }'; }
# Data symbols (.data, .bss and the like) with their sizes: "name size type".
data_symbols() { arm-none-eabi-nm -S -t d "$1" | awk 'NF == 4 && $3 ~ /^[bBdDgGsSC]$/ { print $4, $2 + 0, $3 }' | sort; }

# Where the library's share of an image comes from, by layer: each kept
# symbol of mlnpool.c (code and named read-only data) goes to the layer of
# the source file its definition is in (the distribution marks each file,
# alloc/layers.bzl gives each file's layer, platform/ is the platform).
# The messages' strings have no symbol: they are the rest, with alignment
# and the stand-ins' difference.
by_layer() {
  arm-none-eabi-nm -S -l "$1" | python3 -c '
import re, sys
ns = {}
exec(open("alloc/layers.bzl").read(), ns)
layer_of = {f: layer for layer, (sources, headers) in ns["LAYERS"].items() for f in sources + headers}
starts = []  # (first line, layer) of each part of mlnpool.c
for number, line in enumerate(open("dist/firmware/mlnpool.c"), 1):
    m = re.match(r"/\* ==== (\S+?)(, continued)? ==== \*/", line)
    if m:
        path = m.group(1)
        starts.append((number, "platform" if path.startswith("platform/") else layer_of[path.split("/")[-1]]))
sums = {layer: 0 for layer in ns["LAYER_ORDER"] + ["platform"]}
for line in sys.stdin:
    f = line.split()
    if len(f) == 5 and f[2] in "tTrRdD" and f[4].rsplit(":", 1)[0].endswith("dist/firmware/mlnpool.c"):
        at = int(f[4].rsplit(":", 1)[1])
        sums[[layer for first, layer in starts if first <= at][-1]] += int(f[1], 16)
order = ns["LAYER_ORDER"][1:] + ns["LAYER_ORDER"][:1] + ["platform"]  # above base first, then base, platform
print(" ".join("%s=%d" % (layer, sums[layer]) for layer in order))'
}

declare -A lib_text lib_data only child only_layers only_ram child_ram only_symbols child_symbols example
declare -A fig
for profile in "${profiles[@]}"; do
  echo "firmware_figures: $profile: compiling dist/firmware/mlnpool.c ${define[$profile]:-(no define)}, the images and the probe" >&2
  dir="$probe/$profile"
  mkdir -p "$dir"
  # -g for the breakdown by layer only: it changes no section but the debug ones.
  arm-none-eabi-gcc $m3 ${define[$profile]} -g -c dist/firmware/mlnpool.c -o "$dir/mlnpool.o"
  read -r lib_text[$profile] lib_data[$profile] < <(arm-none-eabi-size "$dir/mlnpool.o" | awk 'NR == 2 { print $1, $2 }')
  # Each image twice: with the library, and with empty stand-ins for its
  # calls (-DSTUBS): the difference is what the library costs the image.
  for image in region_only region_child; do
    arm-none-eabi-gcc $m3 -Idist/firmware $link tools/firmware/$image.c "$dir/mlnpool.o" -o "$dir/$image.elf" -lgcc
    arm-none-eabi-gcc $m3 -Idist/firmware $link -DSTUBS tools/firmware/$image.c -o "$dir/${image}_stubs.elf" -lgcc
    share=$(($(image_bytes "$dir/$image.elf") - $(image_bytes "$dir/${image}_stubs.elf")))
    # The library's RAM in the image: the data symbols the stand-ins' image lacks.
    symbols=$(comm -23 <(data_symbols "$dir/$image.elf") <(data_symbols "$dir/${image}_stubs.elf") |
      awk '{ s = s (s ? ", " : "") "`" $1 "` (" $2 ", ." ($3 ~ /[dDgG]/ ? "data" : "bss") ($1 == "panic_hook" ? ", the panic hook pointer" : "") ")" }
        END { print s ? s : "none" }')
    ram=$(arm-none-eabi-size "$dir/$image.elf" "$dir/${image}_stubs.elf" |
      awk 'NR == 2 { d = $2; b = $3 } NR == 3 { print d - $2 " + " b - $3 }')
    if [ $image = region_only ]; then
      only[$profile]=$share only_ram[$profile]=$ram only_symbols[$profile]=$symbols
      only_layers[$profile]=$(by_layer "$dir/$image.elf")
    else
      child[$profile]=$share child_ram[$profile]=$ram child_symbols[$profile]=$symbols
    fi
  done
  # The firmware example, as its Makefile builds it (the services profile's
  # define given to every file: only mlnpool.c reads it).
  make -s -C examples/firmware OUT="$dir/example" CC="arm-none-eabi-gcc ${define[$profile]}" >&2
  example[$profile]=$(arm-none-eabi-size "$dir/example/firmware.elf" | awk 'NR == 2 { print $1 }')
  # The RAM figures on 32-bit ARM: tools/firmware/ram_probe.c, run under qemu-arm.
  arm-linux-gnueabihf-gcc -static -std=c11 -O2 -Idist/firmware ${define[$profile]} tools/firmware/ram_probe.c \
    -o "$dir/ram_probe"
  while read -r name value; do fig[$profile.$name]=$value; done < <(qemu-arm "$dir/ram_probe")
  [ "${fig[$profile.pointer_bytes]}" = 4 ] || { echo "firmware_figures: the probe is not 32-bit" >&2; exit 1; }
done

# "engine 1, pool 2, ... (sum S, D less than the library's share: ...)"
breakdown() {
  local text="" sum=0 layer bytes
  for part in ${only_layers[$1]}; do
    layer=${part%=*} bytes=${part#*=}
    text+="${text:+, }$layer $bytes"
    sum=$((sum + bytes))
  done
  if [ "$sum" -ge "${only[$1]}" ]; then
    echo "$text (sum $sum, $((sum - only[$1])) more than the library's share: the stand-ins' own code)"
  else
    echo "$text (sum $sum, $((only[$1] - sum)) less than the library's share: the messages' strings, alignment, padding)"
  fi
}
yes_no() { [ "$1" = 1 ] && echo yes || echo no; }

for profile in "${profiles[@]}"; do
  f() { echo "${fig[$profile.$1]}"; }
  echo "== $profile (${define[$profile]:-no define}), Cortex-M3, arm-none-eabi-gcc -Os, bytes"
  echo "  library (mlnpool.o) text + data:                ${lib_text[$profile]} + ${lib_data[$profile]}"
  echo "  region-only image, the library's share:         ${only[$profile]}"
  echo "    by layer: $(breakdown $profile)"
  echo "  region + child image, the library's share:      ${child[$profile]}"
  echo "  the library's .data + .bss, region-only image:  ${only_ram[$profile]}: ${only_symbols[$profile]}"
  echo "  the library's .data + .bss, region + child:     ${child_ram[$profile]}: ${child_symbols[$profile]}"
  echo "  examples/firmware image, text:                  ${example[$profile]}"
  echo "  32-bit ARM (qemu-arm):"
  echo "    pool control structure, blocks < 64 KiB:      $(f control_64k) ($(f bin_heads_64k) bin heads)"
  echo "    pool control structure, blocks < 2 KiB:       $(f control_2k) ($(f bin_heads_2k) bin heads)"
  echo "    a region pool over 64 KiB / 2 KiB, and each child of it: $(f child_control_64k) / $(f child_control_2k)"
  echo "    smallest region:                              $(f region_min)"
  echo "    a child in a 2 KiB region, without / with a 512-byte capacity: $(yes_no "$(f child_in_2k)") / $(yes_no "$(f child_in_2k_capacity_512)")"
  echo "    smallest region a child works in, without / with: $(f child_region_min) / $(f child_region_min_capacity_512)"
  echo "    header $(f block_header), alignment $(f alignment), smallest block $(f smallest_block)"
done

[ "${1:-}" = "--readme" ] || exit 0
# One row: the figure, then the firmware and the services cell (each made by
# the function given, from the profile's figures).
row() {
  local cell=$2 line="| $1"
  for profile in "${profiles[@]}"; do line+=" | $($cell "$profile")"; done
  echo "$line |"
}
g() { echo "${fig[$profile.$1]}"; }
cell_lib() { echo "${lib_text[$1]} + ${lib_data[$1]} bytes"; }
cell_only() { echo "${only[$1]} bytes of text + data"; }
cell_layers() { breakdown "$1"; }
cell_child() { echo "${child[$1]} bytes of text + data"; }
cell_ram() {
  [ "${only_ram[$1]}" = "${child_ram[$1]}" ] && [ "${only_symbols[$1]}" = "${child_symbols[$1]}" ] ||
    { echo "firmware_figures: the two images' library RAM differs: write both" >&2; exit 1; }
  echo "${only_ram[$1]} bytes: ${only_symbols[$1]}"
}
cell_example() { echo "${example[$1]} bytes of text"; }
cell_64k() { profile=$1; echo "$(g control_64k) bytes ($(g bin_heads_64k) of them bin heads)"; }
cell_2k() { profile=$1; echo "$(g control_2k) bytes ($(g bin_heads_2k) of them bin heads)"; }
cell_children() { profile=$1; echo "$(g child_control_64k) / $(g child_control_2k) bytes"; }
cell_region_min() { profile=$1; echo "$(g region_min) bytes"; }
cell_child_2k() {
  profile=$1
  echo "$(yes_no "$(g child_in_2k)") / $(yes_no "$(g child_in_2k_capacity_512)") (a child works from a $(g child_region_min) / $(g child_region_min_capacity_512) byte region)"
}
cell_overhead() { profile=$1; echo "$(g block_header) bytes (header), blocks aligned to $(g alignment), smallest block $(g smallest_block) bytes"; }
table="$probe/table.md"
{
  echo "| Figure | firmware (no define) | services (\`-DMLN_ALLOC_PROFILE=2\`) |"
  echo "| --- | --- | --- |"
  row "library text + data (all of \`mlnpool.c\`: engine, pools, region, shared pools with journal, rebuild and integrity walk, hardening, statistics, capacity, platform)" cell_lib
  row "an image with one region pool only (create, m, c, re, free, destroy; \`tools/firmware/region_only.c\`, \`-ffunction-sections -fdata-sections\`, \`--gc-sections\`): the library's share" cell_only
  row "the same, by layer (each kept symbol by the source file it is defined in)" cell_layers
  row "the same with one child pool of the region (m, re, destroy; \`tools/firmware/region_child.c\`): the library's share" cell_child
  row "the library's .data + .bss in either image (\`arm-none-eabi-nm\`)" cell_ram
  row "the \`examples/firmware\` image, whole (\`make -C examples/firmware\`; startup and semihosting included)" cell_example
  row "a pool's control structure (RAM, 32-bit), blocks below 64 KiB" cell_64k
  row "the same, blocks below 2 KiB" cell_2k
  row "a region pool of 64 KiB / of 2 KiB, and each child of it (a child takes its parent's bins)" cell_children
  row "the smallest region (\`mln_alloc_region_min_size()\`, 32-bit ARM)" cell_region_min
  row "a child pool (allocating 16 and 100 bytes) in a 2 KiB region, without / with a 512-byte capacity" cell_child_2k
  row "per-allocation overhead (32-bit)" cell_overhead
} >"$table"
awk -v table="$table" '
  /<!-- firmware-figures:begin/ { print; while ((getline line < table) > 0) print line; skip = 1; next }
  /<!-- firmware-figures:end/ { skip = 0 }
  !skip { print }' README.md >"$probe/README.md"
grep -q 'firmware-figures:begin' "$probe/README.md" || { echo "README has no firmware-figures marks" >&2; exit 1; }
cp "$probe/README.md" README.md
echo "README.md: firmware table rewritten"
