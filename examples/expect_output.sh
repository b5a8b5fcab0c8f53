#!/bin/bash
# SPDX-License-Identifier: MIT
# Usage: expect_output.sh PROGRAM EXPECTED
# Runs PROGRAM, which must exit 0 and print exactly EXPECTED: the contents of
# the file EXPECTED if there is one, else the text itself.
set -u
program="$1"
expected="$2"
[ -f "$expected" ] && expected="$(cat "$expected")"
actual="$("$program")" || { echo "FAIL: $program exited with status $?"; exit 1; }
if [ "$actual" != "$expected" ]; then
  printf 'FAIL: %s printed:\n%s\nexpected:\n%s\n' "$program" "$actual" "$expected"
  exit 1
fi
echo "PASS: $program printed what was expected"
