/* SPDX-License-Identifier: MIT */
#include "bench/harness.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

uint64_t bench_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static int compare_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

double bench_median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof *v, compare_double);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

double bench_compare(const char *name, uint64_t ops_per_round, bench_round_fn round)
{
    double pool_ns[BENCH_ROUNDS], libc_ns[BENCH_ROUNDS];
    round(1); /* warm both sides up: page faults, caches */
    round(0);
    printf("%s: %llu ops per round\n", name, (unsigned long long)ops_per_round);
    printf("  round   mlnpool ns/op   glibc ns/op\n");
    for (int i = 0; i < BENCH_ROUNDS; i++) {
        pool_ns[i] = (double)round(1) / (double)ops_per_round;
        libc_ns[i] = (double)round(0) / (double)ops_per_round;
        printf("  %5d   %13.2f   %11.2f\n", i + 1, pool_ns[i], libc_ns[i]);
    }
    double pool = bench_median(pool_ns, BENCH_ROUNDS);
    double libc = bench_median(libc_ns, BENCH_ROUNDS);
    double ratio = libc / pool;
    printf("  median  %13.2f   %11.2f\n", pool, libc);
    printf("%s: mlnpool %.2f ns/op, glibc %.2f ns/op, ratio %.2fx (glibc/mlnpool)\n",
           name, pool, libc, ratio);
    return ratio;
}
