#!/bin/bash
# SPDX-License-Identifier: MIT
# Runs the memcheck checker suite (checker_valgrind.cc) under valgrind. The
# suite itself asserts which misuse memcheck reports, through its error
# count, so errors are expected here: valgrind's exit code is the suite's.
set -euo pipefail
exec valgrind --quiet --leak-check=no "$1"
