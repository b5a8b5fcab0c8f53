#!/bin/bash
# SPDX-License-Identifier: MIT
# bench:worst_case in both build profiles (alloc/profile.h), side by side:
#
#   ./tools/bazel run -c opt //bench:worst_case_profiles
#
# Usage: worst_case_profiles.sh SERVICES_BINARY FIRMWARE_BINARY (the BUILD
# target passes both, each built in its profile within the one build). The
# two run at once (instructions are counted, not timed); each must say it
# was built in the profile of its column and optimised. Prints a Markdown
# table: one row per call, each profile's calls / p50 / p99 / max ("–"
# where a profile has no such call).
set -euo pipefail
[ $# -eq 2 ] || { echo "usage: $0 SERVICES_BINARY FIRMWARE_BINARY" >&2; exit 2; }
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
echo "worst_case_profiles: counting both profiles (a minute or two)..." >&2
"$1" --tsv >"$out/services" &
services=$!
"$2" --tsv >"$out/firmware" &
firmware=$!
wait "$services" || { echo "worst_case_profiles: the services run failed" >&2; exit 1; }
wait "$firmware" || { echo "worst_case_profiles: the firmware run failed" >&2; exit 1; }
for profile in services firmware; do
  read -r first name build < <(head -n 1 "$out/$profile" | tr '\t' ' ')
  if [ "$first" != profile ] || [ "$name" != "$profile" ]; then
    echo "worst_case_profiles: the $profile column's binary says it is '$name'" >&2
    exit 1
  fi
  if [ "$build" != optimised ]; then
    echo "worst_case_profiles: the binaries were not optimised: run with -c opt" >&2
    exit 1
  fi
done
awk -F '\t' '
  FNR == 1 { next }
  FILENAME ~ /services$/ { s[$1] = $2 " | " $3 " | " $4 " | " $5 }
  FILENAME ~ /firmware$/ { f[$1] = $2 " | " $3 " | " $4 " | " $5 }
  !($1 in seen) { seen[$1] = 1; order[++n] = $1 }
  END {
    print "Instructions per call (x86-64, -c opt), counted by single-stepping: calls | p50 | p99 | max"
    print ""
    print "| Operation | services: calls | p50 | p99 | max | firmware: calls | p50 | p99 | max |"
    print "| --- | --- | --- | --- | --- | --- | --- | --- | --- |"
    none = "– | – | – | –"
    for (i = 1; i <= n; i++) {
      k = order[i]
      printf "| %s | %s | %s |\n", k, (k in s) ? s[k] : none, (k in f) ? f[k] : none
    }
  }' "$out/services" "$out/firmware"
