#!/bin/bash
# SPDX-License-Identifier: MIT
# Runs readme_figures_test.py (see there): the README's figures against the
# build, the installable libraries and the test sources, and the blocks the
# figure scripts write present and well formed.
set -euo pipefail
exec python3 "${TEST_SRCDIR:-.}/${TEST_WORKSPACE:-mlnpool}/tests/readme/readme_figures_test.py" "$@"
