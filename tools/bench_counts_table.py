#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The README's count table from tools/bench_counts.sh's long table.

    tools/bench_counts_table.py LONG.md            print the table
    tools/bench_counts_table.py LONG.md README.md  also rewrite README's
                                                   bench-counts block

Rows are workloads, columns allocators, each cell "instructions / D1 misses
/ LL misses" per operation ("–" where the allocator cannot run it).
"""
import sys

NAMES = {
    "mixed_small": "mixed 8–512 B, 1k live (per pair)",
    "mixed_wide": "mixed 16 B–4 KiB, 100k live (per pair)",
    "large_live": "mixed 16–256 B, 1M live (per pair)",
    "burst": "burst, then drop (per block)",
    "request": "request (per request)",
    "realloc": "realloc chain (per chain)",
    "size_shift": "size shift (per op)",
    "threads": "2 threads (per pair)",
    "fill_drain_64": "fill/drain 1,024 × 64 B, freed in order (per pair)",
    "fill_drain_64_reverse": "fill/drain 1,024 × 64 B, freed in reverse (per pair)",
    "fill_drain_64_16k": "fill/drain 16,384 × 64 B (per pair)",
    "fill_drain_64_100k": "fill/drain 100,000 × 64 B (per pair)",
    "fill_drain_16": "fill/drain 1,024 × 16 B (per pair)",
    "fill_drain_1k": "fill/drain 1,024 × 1 KiB (per pair)",
}

cells, workloads, allocators = {}, [], []
for line in open(sys.argv[1]):
    parts = [p.strip() for p in line.strip().strip("|").split("|")]
    if len(parts) != 5 or parts[0] not in NAMES:
        continue
    workload, allocator, instructions, d1, ll = parts
    if workload not in workloads:
        workloads.append(workload)
    if allocator not in allocators:
        allocators.append(allocator)
    # A difference of two runs can come out a hair below zero: it is zero.
    ll = f"{max(float(ll), 0.0):.3f}"
    cells[workload, allocator] = f"{instructions} / {d1} / {ll}"

table = ["| instructions / D1 misses / LL misses per op | " + " | ".join(allocators) + " |",
         "| --- |" + " --- |" * len(allocators)]
for workload in workloads:
    row = [cells.get((workload, a), "–") for a in allocators]
    table.append(f"| {NAMES[workload]} | " + " | ".join(row) + " |")
text = "\n".join(table) + "\n"
print(text, end="")

if len(sys.argv) > 2:
    readme = open(sys.argv[2]).read()
    begin = "<!-- bench-counts:begin (written by ./tools/bench_counts.sh --readme) -->\n"
    end = "<!-- bench-counts:end -->"
    if begin not in readme or end not in readme:
        sys.exit("README has no bench-counts marks")
    head, rest = readme.split(begin, 1)
    _, tail = rest.split(end, 1)
    open(sys.argv[2], "w").write(head + begin + text + end + tail)
    print("README.md: count table rewritten", file=sys.stderr)
