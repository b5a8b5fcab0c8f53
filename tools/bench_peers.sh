#!/bin/bash
# SPDX-License-Identifier: MIT
# The peer benchmark (bench/peers.c): mlnpool against glibc, mimalloc heaps,
# talloc and APR pools, same process, rounds interleaved.
#   ./tools/bench_peers.sh [peers options]   e.g. --workload request --rounds 5
# Installs the peers' Debian packages first (as root; they are needed by this
# benchmark only, never by the library, its users or `bazel test //...`).
set -euo pipefail
cd "$(dirname "$0")/.."
source tools/bench_packages.sh
install_bench_packages
./tools/bazel build -c opt //bench:peers >&2
# (Not line-buffered through stdbuf: its preloaded library would be one more
# thing in the measured process.)
echo "bench_peers: running bench/peers $* (into a file or a pipe, its lines come at the end)" >&2
exec "$(./tools/bazel info -c opt bazel-bin 2>/dev/null)/bench/peers" "$@"
