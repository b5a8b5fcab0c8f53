/* SPDX-License-Identifier: MIT */
/*
 * burst: 1M allocations of 16-256 bytes, then all released at once
 * (mlnpool: mln_alloc_destroy; glibc: 1M frees). One op = one allocation
 * plus its share of the release.
 *
 *   ./tools/bazel run -c opt //bench:burst
 */
#include <stdlib.h>

#include "bench/harness.h"
#include "mln_alloc.h"

#define COUNT 1000000ull

static void *blocks[COUNT];

static uint64_t burst_round(int use_pool)
{
    uint64_t rng = 0x243F6A8885A308D3ull;
    uint64_t start = bench_now_ns();
    if (use_pool) {
        mln_alloc_t *pool = mln_alloc_init(NULL);
        for (uint64_t i = 0; i < COUNT; i++) {
            char *p = mln_alloc_m(pool, 16 + bench_rand(&rng) % 241);
            *p = 1;
        }
        mln_alloc_destroy(pool);
    } else {
        for (uint64_t i = 0; i < COUNT; i++) {
            char *p = malloc(16 + bench_rand(&rng) % 241);
            *p = 1;
            blocks[i] = p;
        }
        for (uint64_t i = 0; i < COUNT; i++)
            free(blocks[i]);
    }
    return bench_now_ns() - start;
}

int main(void)
{
    bench_compare("burst", COUNT, burst_round);
    return 0;
}
