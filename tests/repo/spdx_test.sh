#!/bin/bash
# SPDX-License-Identifier: MIT
# Runs tools/spdx.sh (see there) on the checkout itself: every file git
# tracks is a candidate, which no list of Bazel labels could keep up with.
# The checkout is found through this test's own runfile, a symlink into it;
# the test is "external" (never cached) since Bazel does not see the files.
set -euo pipefail
script="${TEST_SRCDIR:-.}/${TEST_WORKSPACE:-mlnpool}/tools/spdx.sh"
checkout="$(dirname "$(dirname "$(readlink -f "$script")")")"
git -C "$checkout" rev-parse --is-inside-work-tree >/dev/null ||
  { echo "not a git checkout: $checkout"; exit 1; }
exec "$checkout/tools/spdx.sh"
