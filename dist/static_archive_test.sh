#!/bin/bash
# SPDX-License-Identifier: MIT
# The static archive shows a program the public API and nothing else:
#   1. its global symbols are exactly the functions the header declares, in
#      one object (no internal name, no member twice);
#   2. a program that defines every internal name of the library (as its
#      own functions, which end the program if called) links against it
#      without a clash and gets the library's own behaviour: allocation works
#      and a double free reaches the panic hook through the library's panic,
#      not the program's mln_panic.
set -euo pipefail
archive="$1"
internal="$2"
header="$3"
out="${TEST_TMPDIR:-/tmp}/static_archive"
mkdir -p "$out"

members=$(ar t "$archive")
[ "$(echo "$members" | wc -l)" -eq 1 ] || { echo "FAIL: more than one member:"; echo "$members"; exit 1; }

globals=$(nm --defined-only -g "$archive" | awk 'NF == 3 { print $3 }' | sort -u)
declared=$(cc -E -P -x c "$header" | tr '\n' ' ' | tr ';' '\n' |
  grep -vE '^ *(typedef|struct) ' |
  sed -nE 's/^[^(]*[ *](mln_alloc_[a-z_]+) *\(.*/\1/p' | sort -u)
if [ "$globals" != "$declared" ]; then
  echo "FAIL: the archive's globals differ from the header (< archive only, > header only):"
  diff <(echo "$globals") <(echo "$declared") || true
  exit 1
fi
count=$(wc -l <"$internal")
[ "$count" -gt 20 ] || { echo "FAIL: only $count internal names listed"; exit 1; }

{
  echo '#include <stdio.h>'
  echo '#include <unistd.h>'
  echo '#include "mln_alloc.h"'
  echo 'static void impostor(const char *name) { fprintf(stderr, "program'"'"'s %s called\n", name); _exit(3); }'
  while read -r name; do
    echo "void $name(void); void $name(void) { impostor(\"$name\"); }"
  done <"$internal"
  cat <<'PROGRAM'
static void hook(const char *message)
{
    printf("library panic: %s\n", message);
    fflush(stdout);
    _exit(0);
}

int main(void)
{
    mln_alloc_t *pool = mln_alloc_init(NULL);
    char *p = mln_alloc_m(pool, 100);
    if (pool == NULL || p == NULL || mln_alloc_check(pool) != 0)
        return 4;
    mln_alloc_set_panic_hook(hook);
    mln_alloc_free(p);
    mln_alloc_free(p); /* the library's panic calls the hook, which exits 0 */
    return 5;
}
PROGRAM
} >"$out/impostors.c"

cc -std=c11 -I"$(dirname "$header")" "$out/impostors.c" "$archive" -pthread -o "$out/impostors"
result=$("$out/impostors")
echo "$result"
case "$result" in
  "library panic: mln_alloc_free: double free"*) ;;
  *) echo "FAIL: unexpected result"; exit 1 ;;
esac
echo "PASS: $count internal names defined by the program, the library's own used"
