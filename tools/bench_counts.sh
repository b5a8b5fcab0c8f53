#!/bin/bash
# SPDX-License-Identifier: MIT
# Deterministic counts beside the peer benchmark's timings: instructions,
# simulated D1 and last-level data-cache misses per operation, for each
# allocator and workload of bench/peers.c, under cachegrind.
#
#   ./tools/bench_counts.sh [workload ...]      (default: all of them)
#   ./tools/bench_counts.sh --readme             all, and rewrite the README's
#                                                count table (tools/bench_counts_table.py)
#   MLN_BENCH_COPTS="-DMLN_ALLOC_QUICK_DEPTH=24" ./tools/bench_counts.sh mixed_small
#                                                the library built with other settings
#                                                (not with --readme: the table is the default's)
#
# Each figure is the difference of two runs, of N and 2N operations, divided
# by N: set-up (filling the live set, loading libraries) cancels, and what
# remains is the operation itself plus the benchmark loop's own ~25
# instructions (the random stream, the slot, one byte written), the same for
# every allocator. The cache is the one cachegrind simulates for this host.
set -euo pipefail
cd "$(dirname "$0")/.."
readme=""
if [ "${1:-}" = --readme ]; then
  readme=README.md
  shift
fi
source tools/bench_packages.sh
install_bench_packages
copts=()
for copt in ${MLN_BENCH_COPTS:-}; do copts+=("--copt=$copt"); done
if [ ${#copts[@]} -gt 0 ] && [ -n "$readme" ]; then
  echo "bench_counts: --readme writes the default build's table; unset MLN_BENCH_COPTS" >&2
  exit 2
fi
./tools/bazel build -c opt "${copts[@]}" //bench:peers >&2
peers="$(./tools/bazel info -c opt bazel-bin 2>/dev/null)/bench/peers"

# workload, then N (small: cachegrind runs some 50 times slower)
declare -A ops=([mixed_small]=200000 [mixed_wide]=100000 [large_live]=100000 [burst]=100000
  [request]=4000 [realloc]=2000 [size_shift]=200000 [threads]=200000
  [fill_drain_64]=204800 [fill_drain_64_reverse]=204800 [fill_drain_64_16k]=196608
  [fill_drain_64_100k]=200000 [fill_drain_16]=204800 [fill_drain_1k]=102400)
order=(mixed_small mixed_wide large_live burst request realloc size_shift threads
  fill_drain_64 fill_drain_64_reverse fill_drain_64_16k fill_drain_64_100k fill_drain_16 fill_drain_1k)
[ $# -gt 0 ] && order=("$@")
allocators=(mlnpool mlnpool-shared glibc mimalloc talloc APR)
declare -A needs_free=([mixed_small]=1 [mixed_wide]=1 [large_live]=1 [realloc]=1 [size_shift]=1 [threads]=1
  [fill_drain_64]=1 [fill_drain_64_reverse]=1 [fill_drain_64_16k]=1 [fill_drain_64_100k]=1 [fill_drain_16]=1
  [fill_drain_1k]=1)

# "instructions d1_misses lld_misses" of one run
counts() {
  valgrind --tool=cachegrind --cache-sim=yes --cachegrind-out-file=/dev/null \
    "$peers" --workload "$1" --peer "$2" --rounds 1 --ops "$3" 2>&1 |
    awk '/I +refs:/ { gsub(",", "", $4); i = $4 }
         /D1 +misses:/ { gsub(",", "", $4); d = $4 }
         /LLd misses:/ { gsub(",", "", $4); l = $4 }
         END { print i, d, l }'
}

# Whether a workload / allocator pair has no row.
skipped() {
  # APR pools free no single block; a shared pool used directly has no children.
  { [ "$2" = APR ] && [ -n "${needs_free[$1]:-}" ]; } || { [ "$2" = mlnpool-shared ] && [ "$1" = request ]; }
}
# The pairs to count, so that each step can say how far the run is.
total=0
for workload in "${order[@]}"; do
  for allocator in "${allocators[@]}"; do
    skipped "$workload" "$allocator" || total=$((total + 1))
  done
done
echo "bench_counts: $total counts, each of two runs under cachegrind" >&2

long="$(mktemp)"
trap 'rm -f "$long"' EXIT
{
echo "| workload | allocator | instructions / op | D1 misses / op | LL misses / op |"
echo "| --- | --- | ---: | ---: | ---: |"
done_counts=0
for workload in "${order[@]}"; do
  n=${ops[$workload]:?unknown workload $workload}
  for allocator in "${allocators[@]}"; do
    skipped "$workload" "$allocator" && continue
    done_counts=$((done_counts + 1))
    echo "counting [$done_counts/$total, $SECONDS s] $workload / $allocator ..." >&2
    read -r i1 d1 l1 < <(counts "$workload" "$allocator" "$n")
    read -r i2 d2 l2 < <(counts "$workload" "$allocator" $((2 * n)))
    awk -v w="$workload" -v a="$allocator" -v n="$n" -v i="$((i2 - i1))" -v d="$((d2 - d1))" \
      -v l="$((l2 - l1))" 'BEGIN { printf "| %s | %s | %.0f | %.2f | %.3f |\n", w, a, i / n, d / n, l / n }'
  done
done
} | tee "$long"
if [ -n "$readme" ]; then
  python3 tools/bench_counts_table.py "$long" "$readme" >/dev/null
fi
