/* SPDX-License-Identifier: MIT */
/*
 * harness.h: shared plumbing of the benchmarks: a clock, a deterministic
 * random source, and the side-by-side report (ns/op per round, medians, ratio).
 *
 * Each benchmark runs mlnpool and glibc on the same workload in the same
 * process, alternating round by round, so that both see the same machine
 * state. The ratio printed is glibc's median time over mlnpool's: above 1.0
 * means mlnpool is faster.
 */
#ifndef MLN_BENCH_HARNESS_H
#define MLN_BENCH_HARNESS_H

#include <stddef.h>
#include <stdint.h>

#define BENCH_ROUNDS 7

/* Monotonic time in nanoseconds. */
uint64_t bench_now_ns(void);

/* The median of the n values at v (sorts them). */
double bench_median(double *v, int n);

/* xorshift64*: cheap and identical for both sides of a comparison. */
static inline uint64_t bench_rand(uint64_t *state)
{
    uint64_t x = *state;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    *state = x;
    return x * 0x2545F4914F6CDD1DULL;
}

/* One workload: run it once with the given side, return elapsed ns. */
typedef uint64_t (*bench_round_fn)(int use_pool);

/*
 * Run `round` BENCH_ROUNDS times per side, alternating, and print ns/op for
 * each round, the medians and the ratio. Returns glibc median / pool median.
 */
double bench_compare(const char *name, uint64_t ops_per_round, bench_round_fn round);

#endif /* MLN_BENCH_HARNESS_H */
