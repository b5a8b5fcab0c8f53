#!/bin/bash
# Long, coverage-guided run of the pool fuzzer under libFuzzer, ASan and UBSan
# (clang and libclang-rt-14-dev from Debian), outside Bazel:
#   tests/fuzz/run_libfuzzer.sh [seconds]      (default 600)
# Prints libFuzzer's own report; exits non-zero on a finding.
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds="${1:-600}"
out="${TMPDIR:-/tmp}/mlnpool-fuzz"
mkdir -p "$out/corpus"
sources=(alloc/*.c platform/posix/os_spans.c platform/posix/panic.c platform/posix/owner_id.c
         platform/posix/shm.c platform/posix/shm_mutex.c tests/pool_probe.c)
flags=(-g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all -I. -Ialloc -D_DEFAULT_SOURCE)
objects=()
for src in "${sources[@]}"; do
  obj="$out/$(echo "$src" | tr / _).o"
  clang -std=c11 "${flags[@]}" -c "$src" -o "$obj"
  objects+=("$obj")
done
clang++ -std=c++17 "${flags[@]}" tests/fuzz/pool_fuzz.cc "${objects[@]}" -lpthread -o "$out/pool_fuzz"
"$out/pool_fuzz" -max_total_time="$seconds" -max_len=3000 -print_final_stats=1 "$out/corpus"
