#!/bin/bash
# Usage: expect_output.sh PROGRAM EXPECTED -- runs PROGRAM, which must exit 0
# and print exactly EXPECTED (one line).
set -u
program="$1"
expected="$2"
actual="$("$program")" || { echo "FAIL: $program exited with status $?"; exit 1; }
if [ "$actual" != "$expected" ]; then
  printf 'FAIL: %s printed %q, expected %q\n' "$program" "$actual" "$expected"
  exit 1
fi
echo "PASS: $program printed '$expected'"
