#!/bin/bash
# SPDX-License-Identifier: MIT
# dist/firmware/mln_alloc.h and mlnpool.c are what tools/amalgamate.py
# writes from the sources in this build: fails, saying which file, when a
# change to the core or to platform/freestanding was not followed by
# `python3 tools/amalgamate.py`.
set -euo pipefail
root="${TEST_SRCDIR:-.}/${TEST_WORKSPACE:-mlnpool}"
exec python3 "$root/tools/amalgamate.py" --check --root "$root"
