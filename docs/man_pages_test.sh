#!/bin/bash
# SPDX-License-Identifier: MIT
# man/man3 holds exactly the pages //docs:man3 generates from the header,
# byte for byte: regenerate them with
#   python3 docs/gen_reference.py alloc/mln_alloc.h --man \
#     $(python3 docs/gen_reference.py alloc/mln_alloc.h --list | sed 's|^|man/man3/|')
#
#   man_pages_test.sh GENERATED... -- CHECKED_IN...
set -euo pipefail
generated=() checked_in=()
while [ "$1" != -- ]; do generated+=("$1"); shift; done
shift
checked_in=("$@")
names() { for f in "$@"; do basename "$f"; done | sort; }
diff <(names "${generated[@]}") <(names "${checked_in[@]}") ||
  { echo "man/man3 lists other pages than the header calls for (< generated, > checked in)"; exit 1; }
stale=0
for g in "${generated[@]}"; do
  for c in "${checked_in[@]}"; do
    [ "$(basename "$g")" = "$(basename "$c")" ] || continue
    cmp -s "$g" "$c" || { echo "man/man3/$(basename "$c") is stale"; stale=1; }
  done
done
[ "$stale" -eq 0 ] || exit 1
echo "man/man3: ${#checked_in[@]} pages, as the header gives them"
