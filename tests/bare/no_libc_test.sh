#!/bin/bash
# SPDX-License-Identifier: MIT
# The library built for Cortex-M3 (arm-none-eabi, -ffreestanding) must need
# nothing from outside itself: every undefined symbol of its archives must be
# defined by one of them. Allow-list: empty.
set -u
archives=("$@")
[ "${#archives[@]}" -gt 0 ] || { echo "FAIL: no archives given"; exit 1; }
nm=/usr/bin/arm-none-eabi-nm
defined=$("$nm" --defined-only "${archives[@]}" 2>/dev/null | awk 'NF == 3 {print $3}' | sort -u)
undefined=$("$nm" -u "${archives[@]}" 2>/dev/null | awk 'NF == 2 {print $2}' | sort -u)
missing=$(comm -23 <(echo "$undefined") <(echo "$defined"))
if [ -n "$missing" ]; then
  echo "FAIL: the freestanding library needs symbols from outside itself:"
  echo "$missing"
  exit 1
fi
echo "PASS: $(echo "$defined" | wc -l) symbols defined, none needed from outside:"
printf '  %s\n' "${archives[@]}"
