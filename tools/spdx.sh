#!/bin/bash
# SPDX-License-Identifier: MIT
# Every source file of the repository names its license in an SPDX line
# near its top (within its first three lines, after a #! line):
#   ./tools/spdx.sh            list the files that lack one (exit 1 if any)
#   ./tools/spdx.sh --add      add "MIT" to those, in their comment syntax
# A file that is someone else's work names that work's license instead
# (examples/seed/seed_example.c: Melon's example, BSD-3-Clause). The files
# that are README snippets word for word are exempt (a line of ours would
# be one more line to copy). tests/repo/spdx_test runs the check in CI.
set -euo pipefail
cd "$(dirname "$0")/.."
mode=check
[ "${1:-}" = --add ] && mode=add

readonly EXEMPT="examples/bazel_consumer/WORKSPACE examples/bazel_consumer/BUILD examples/bazel_consumer/.bazelrc"

# The comment that carries the line, by file name; nothing: not a source file.
comment_of() {
  case "$1" in
    *.c | *.h | *.ld | *.map) echo "/* SPDX-License-Identifier: MIT */" ;;
    *.cc) echo "// SPDX-License-Identifier: MIT" ;;
    *.sh | *.py | *.bzl | *.in | *BUILD | *.BUILD | *WORKSPACE | *.bazelrc | *CMakeLists.txt | .ci/run | tools/bazel)
      echo "# SPDX-License-Identifier: MIT" ;;
  esac
}

missing=0
while IFS= read -r file; do
  line="$(comment_of "$file")"
  [ -n "$line" ] || continue
  case " $EXEMPT " in *" $file "*) continue ;; esac
  head -n 3 "$file" | grep -q 'SPDX-License-Identifier: ' && continue
  if [ "$mode" = check ]; then
    echo "no SPDX line: $file"
    missing=$((missing + 1))
    continue
  fi
  tmp="$(mktemp)"
  if head -n 1 "$file" | grep -q '^#!'; then
    { head -n 1 "$file"; echo "$line"; tail -n +2 "$file"; } >"$tmp"
  else
    { echo "$line"; cat "$file"; } >"$tmp"
  fi
  chmod --reference="$file" "$tmp"
  mv "$tmp" "$file"
  echo "added: $file"
done < <(git ls-files)
if [ "$mode" = check ]; then
  [ "$missing" -eq 0 ] || { echo "$missing files lack an SPDX line (./tools/spdx.sh --add)"; exit 1; }
  echo "every source file names its license"
fi
