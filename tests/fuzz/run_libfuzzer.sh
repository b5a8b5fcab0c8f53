#!/bin/bash
# SPDX-License-Identifier: MIT
# Long, coverage-guided run of the pool fuzzer under libFuzzer, ASan and UBSan
# (clang and libclang-rt-14-dev from Debian), outside Bazel:
#   tests/fuzz/run_libfuzzer.sh [seconds [libFuzzer flags...]]   (default 600)
# e.g. tests/fuzz/run_libfuzzer.sh 3600 -jobs=2 -workers=2
# Prints libFuzzer's own report and the operations run; exits non-zero on a
# finding.
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds="${1:-600}"
shift || true
out="${TMPDIR:-/tmp}/mlnpool-fuzz"
mkdir -p "$out/corpus"
sources=(alloc/*.c platform/posix/os_spans.c platform/posix/panic.c platform/posix/owner_id.c
         platform/posix/shared_region.c platform/posix/shm_mutex.c tests/pool_probe.c)
flags=(-g -O1 -fsanitize=address,undefined -fno-sanitize-recover=all -I. -Ialloc -D_DEFAULT_SOURCE)
objects=()
for src in "${sources[@]}"; do
  obj="$out/$(echo "$src" | tr / _).o"
  # The integrity walk runs after every step and visits every block: its
  # edges say nothing about the input, and tracing its comparisons would be
  # most of the run's time. It is checked by ASan and UBSan all the same.
  guided=(-fsanitize=fuzzer-no-link)
  [ "$src" = alloc/engine_check.c ] && guided=()
  clang -std=c11 "${flags[@]}" "${guided[@]}" -c "$src" -o "$obj"
  objects+=("$obj")
done
clang++ -std=c++17 "${flags[@]}" -fsanitize=fuzzer tests/fuzz/pool_fuzz.cc "${objects[@]}" -lpthread \
  -o "$out/pool_fuzz"
"$out/pool_fuzz" -max_total_time="$seconds" -max_len=3000 -print_final_stats=1 "$@" "$out/corpus"
