#!/bin/bash
# SPDX-License-Identifier: MIT
# Builds and tests examples/bazel_consumer, a workspace that uses mlnpool the
# way README.md ("Using it") tells Bazel users to, as such a user would have
# it: a copy outside this checkout, its local_repository path pointing here.
#
#   ./tools/consumer_check.sh          (.ci/run calls it after the main suites)
#
# It runs `bazel test //...` there, offline, with its own Bazel server and
# output base (both thrown away at the end), then the README's cross builds
# (aarch64, armhf, Cortex-M3), checking each file's machine, and exits with
# a failure if any of it failed.
# The test summary's lines ("//test:server_test  PASSED") go to stdout with
# the rest of Bazel's output, so .ci/run counts them with the main suites'.
set -euo pipefail
cd "$(dirname "$0")/.."
checkout="$(pwd)"

work="$(mktemp -d)"
# shellcheck disable=SC2317 # called by the trap below
cleanup() {
  # The server first: it holds files of the output base open.
  if [ -d "$work/output_base" ]; then
    (cd "$work/consumer" && "$checkout/tools/bazel" --output_base="$work/output_base" shutdown) || true
  fi
  # Bazel leaves its outputs read-only.
  chmod -R u+w "$work" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

# The example as committed, with the README's placeholder path (here the
# in-tree "../..") replaced by this checkout's absolute path. The copy has no
# tools/bazel, so Debian's launcher runs Bazel itself there.
cp -R examples/bazel_consumer "$work/consumer"
rm -rf "$work/consumer"/bazel-*
sed -i "s|^local_repository(name = \"mlnpool\", path = \"[^\"]*\")\$|local_repository(name = \"mlnpool\", path = \"$checkout\")|" \
  "$work/consumer/WORKSPACE"
grep -qF "path = \"$checkout\")" "$work/consumer/WORKSPACE" || {
  echo "consumer_check: no local_repository line for mlnpool in examples/bazel_consumer/WORKSPACE" >&2
  exit 1
}

echo "consumer_check: bazel test //... in a copy of examples/bazel_consumer (its own Bazel server; about a minute)" >&2
start=$SECONDS
cd "$work/consumer"
status=0
# tools/bazel (not the copy's, which has none) so that the Debian packages are
# checked for, as on every other Bazel call.
"$checkout/tools/bazel" --output_base="$work/output_base" test //... 2>&1 || status=$?

# The cross builds the README shows (.bazelrc's configs, WORKSPACE's
# toolchains): each file must be for its machine, not the host's. A verdict
# line each, in the test summary's format, for .ci/run to count.
bazel_bin() { "$checkout/tools/bazel" --output_base="$work/output_base" info "$@" bazel-bin 2>/dev/null; }
cross() { # NAME CONFIG TARGET FILE_OR_DIRECTORY MACHINE (a directory: every object under it)
  local file machine
  if "$checkout/tools/bazel" --output_base="$work/output_base" build "--config=$2" "$3" 2>&1; then
    file="$(bazel_bin "--config=$2")/$4"
    machine=$({ find "$file" -type f \( -name '*.o' -o -path "$file" \) -exec readelf -h {} + 2>/dev/null || true; } |
      sed -n 's/^ *Machine: *//p' | sort -u)
    if [ "$machine" = "$5" ]; then
      echo "//consumer:$1 PASSED"
      return
    fi
    echo "consumer_check: $file is for '${machine:-nothing}', not '$5'" >&2
  fi
  echo "//consumer:$1 FAILED"
  status=1
}
cross server_aarch64 aarch64 //:server server AArch64
cross server_armhf armhf //:server server ARM
cross mln_alloc_m3 m3 @mlnpool//alloc:mln_alloc external/mlnpool/alloc/_objs ARM
echo "consumer_check: done in $((SECONDS - start)) s, exit status $status" >&2
exit "$status"
