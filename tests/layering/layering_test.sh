#!/bin/bash
# SPDX-License-Identifier: MIT
# Runs layering_test.py (see there): the core's layers point down, no circles,
# and shared-pool code reaches an image only through mln_alloc_shm_init.
exec python3 "${TEST_SRCDIR:-.}/${TEST_WORKSPACE:-mlnpool}/tests/layering/layering_test.py"
