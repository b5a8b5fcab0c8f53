#!/bin/bash
# SPDX-License-Identifier: MIT
# The reference pages against the header they are made from:
#   - the functions are found here with the compiler's preprocessor, not with
#     the generator's parser, so a declaration the parser missed fails;
#   - each has a page whose SYNOPSIS holds its prototype as declared;
#   - each page renders without a groff warning (-ww: all of them);
#   - docs/API.md is the generator's output for the header as it is now.
#   reference_test.sh HEADER GEN_REFERENCE_PY API_MD PAGE.3 ...
set -euo pipefail
header="$1"
generator="$2"
api_md="$3"
shift 3
tmp="${TEST_TMPDIR:-$(mktemp -d)}"

command -v groff >/dev/null || { echo "groff is missing (Debian: groff-base)"; exit 1; }

# One statement a line, comments gone; a function's name is the word before
# its first "(" in a statement that is not a typedef or struct.
cc -E -P -x c "$header" | tr '\n' ' ' | tr ';' '\n' | grep -vE '^ *(typedef|struct) ' |
  sed -nE 's/^ *([^(]*[ *]([a-z_][a-z0-9_]*) *\(.*)$/\2\t\1;/p' | sed -E 's/  +/ /g' >"$tmp/declared"
[ -s "$tmp/declared" ] || { echo "no function found in $header"; exit 1; }

python3 - "$tmp/declared" "$header" "$@" <<'PY'
import os, re, sys
declared_file, header_path, pages = sys.argv[1], sys.argv[2], sys.argv[3:]
header_text = open(header_path).read()
by_name = {os.path.basename(p)[:-2]: p for p in pages}
failures = []

def synopsis(path):
    """The SYNOPSIS of a page as text: requests dropped, escapes undone."""
    text, inside = [], False
    for line in open(path):
        if line.startswith(".SH"):
            inside = line.split()[1] == "SYNOPSIS"
            continue
        if inside and not line.startswith("."):
            text.append(line.replace("\\e", "\\").replace("\\&", ""))
    return " ".join(" ".join(text).split())

functions = []
for line in open(declared_file):
    name, prototype = line.rstrip("\n").split("\t")
    # Declarations from <stddef.h> are not the library's, and a struct's
    # function-pointer member ("void (*f)(void)") declares no function.
    if name in ("void", "char", "int", "long", "short", "double", "float", "unsigned") or \
            not re.search(r"\b%s\s*\(" % name, header_text):
        continue
    functions.append(name)
    if name not in by_name:
        failures.append("%s: declared in the header, no page" % name)
        continue
    prototype = " ".join(prototype.replace(" (", "(").split())
    page = synopsis(by_name[name]).replace(" (", "(")
    if prototype not in page:
        failures.append("%s: SYNOPSIS lacks the header's prototype\n  header: %s\n  page:   %s"
                        % (name, prototype, page))
for name in by_name:
    if name != "mln_alloc" and name not in functions:
        failures.append("%s.3: no such function in the header" % name)
overview = open(by_name.get("mln_alloc", os.devnull)).read()
for name in functions:
    if ".BR %s (3)" % name not in overview:
        failures.append("mln_alloc.3: %s missing" % name)
print("%d functions, %d pages" % (len(functions), len(pages)))
if failures:
    sys.exit("\n".join(failures))
PY

warned=0
for page in "$@"; do
  warnings=$(groff -man -Tutf8 -ww -z "$page" 2>&1)
  if [ -n "$warnings" ]; then
    echo "$(basename "$page"): groff warns:"
    echo "$warnings"
    warned=1
  fi
done
[ "$warned" = 0 ]

python3 "$generator" "$header" --markdown "$tmp/API.md"
if ! diff -u "$api_md" "$tmp/API.md"; then
  echo "docs/API.md is stale: python3 docs/gen_reference.py alloc/mln_alloc.h --markdown docs/API.md"
  exit 1
fi
echo "every function has its page; pages render cleanly; docs/API.md is current"
