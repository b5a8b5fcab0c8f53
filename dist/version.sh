#!/bin/bash
# SPDX-License-Identifier: MIT
# Prints the library's version as the public header writes it (the macros
# MLNPOOL_VERSION_MAJOR, _MINOR and _PATCH), the one place it is written:
#
#   dist/version.sh alloc/mln_alloc.h          # 1.2.0
#   dist/version.sh alloc/mln_alloc.h major    # 1
#
# Used by the soname rule and the installer (dist/BUILD, dist/install.sh)
# and by the tests that check everything else against the header.
set -euo pipefail

usage() {
  echo "usage: version.sh HEADER [major]" >&2
  exit 2
}
[ $# -ge 1 ] || usage
header="$1"

part() {
  local value
  value=$(sed -nE "s/^#define MLNPOOL_VERSION_$1 +([0-9]+) *$/\1/p" "$header")
  # Exactly one plain number: anything else means the header changed shape
  # and every derived name would be wrong.
  [[ "$value" =~ ^[0-9]+$ ]] || { echo "version.sh: no MLNPOOL_VERSION_$1 in $header" >&2; exit 1; }
  echo "$value"
}

major=$(part MAJOR)
if [ "${2:-}" = major ]; then
  echo "$major"
elif [ -z "${2:-}" ]; then
  echo "$major.$(part MINOR).$(part PATCH)"
else
  usage
fi
