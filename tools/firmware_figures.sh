#!/bin/bash
# Prints the firmware figures of the README: code size of the library and of
# the firmware example image for Cortex-M3 at -Os, the RAM a pool's control structure takes, and the
# per-allocation overhead on 32-bit ARM.
#   ./tools/firmware_figures.sh
set -euo pipefail
cd "$(dirname "$0")/.."
./tools/bazel build --config=m3 -c opt --copt=-Os //alloc:core //platform/freestanding \
  //examples/firmware:firmware_elf >/dev/null 2>&1
out="$(./tools/bazel info --config=m3 -c opt --copt=-Os bazel-bin 2>/dev/null)"
echo "Cortex-M3, arm-none-eabi-gcc -Os (text + data per archive, then total):"
arm-none-eabi-size -t "$out/alloc/libcore.a" "$out/platform/freestanding/libfreestanding.lo" |
  awk 'NR == 1 || /TOTALS/ || /\.o/'
echo "The examples/firmware image, whole:"
arm-none-eabi-size "$out/examples/firmware/firmware_elf" | awk '{ print $1, $2, $3 }'
probe="$(mktemp -d)"
trap 'rm -rf "$probe"' EXIT
# Each constant becomes the size of an array, read back with nm.
cat >"$probe/sizes.c" <<'C'
#include "alloc/pool.h"
char pool_control_structure[MLN_POOL_STRUCT_BYTES];
char block_header[MLN_BLOCK_HEADER];
char smallest_block[MLN_BLOCK_MIN];
char alignment[MLN_ALLOC_ALIGNMENT];
C
arm-none-eabi-gcc -mcpu=cortex-m3 -mthumb -std=c11 -ffreestanding -Os -fno-common -I. \
  -c "$probe/sizes.c" -o "$probe/sizes.o"
echo "32-bit ARM (Cortex-M3), bytes:"
arm-none-eabi-nm -S "$probe/sizes.o" | while read -r _ size _ name; do
  printf '  %-24s %d\n' "$name" "$((16#$size))"
done
