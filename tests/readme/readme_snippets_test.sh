#!/bin/bash
# SPDX-License-Identifier: MIT
# Checks that the Bazel snippets of README.md ("Using it": the WORKSPACE,
# BUILD and .bazelrc a user writes) are word for word the files of
# examples/bazel_consumer, which CI builds and tests as a workspace of its
# own (tools/consumer_check.sh): a snippet that changes without the example,
# or the other way round, fails here. Only the path of the local_repository
# line may differ (a placeholder in the README, the checkout in the example).
#
#   readme_snippets_test.sh README.md NAME=FILE ...   (//tests/readme), e.g.
#   readme_snippets_test.sh README.md WORKSPACE=examples/bazel_consumer/WORKSPACE
set -euo pipefail
readme="$1"
shift
out="${TEST_TMPDIR:-$(mktemp -d)}/snippets"
mkdir -p "$out"

# Inside the "Using it" section's fenced blocks, a line "# WORKSPACE",
# "# BUILD" or "# .bazelrc" starts that file's text, which runs to the next
# such line or the end of the block; blank lines at its end are dropped.
awk -v out="$out" '
  /^## / { in_section = ($0 == "## Using it") }
  !in_section { next }
  /^```/ { fenced = !fenced; file = ""; next }
  !fenced { next }
  /^# (WORKSPACE|BUILD|\.bazelrc)$/ { file = out "/" substr($0, 3); seen[file]++; printf "" >file; next }
  file != "" { print >>file }
  END { for (f in seen) if (seen[f] > 1) { print "README.md: " f " appears " seen[f] " times" >"/dev/stderr"; exit 1 } }
' "$readme"

# The local_repository path, the one difference allowed.
normalise() {
  sed -e 's|^\(local_repository(name = "mlnpool", path = \)"[^"]*")$|\1"PATH")|' "$1" |
    awk '{ lines[NR] = $0 } NF { last = NR } END { for (i = 1; i <= last; i++) print lines[i] }'
}

failed=0
for pair in "$@"; do
  name="${pair%%=*}"
  file="${pair#*=}"
  if [ ! -f "$out/$name" ]; then
    echo "README.md, Using it: no snippet headed \"# $name\"" >&2
    failed=1
  elif ! diff -u --label "README.md: $name" --label "examples/bazel_consumer/$name" \
    <(normalise "$out/$name") <(normalise "$file") >&2; then
    failed=1
  else
    echo "README.md snippet \"$name\" = examples/bazel_consumer/$name"
  fi
done
exit "$failed"
