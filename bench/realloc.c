/* SPDX-License-Identifier: MIT */
/*
 * realloc: a block grown by doubling from 16 bytes to 64 KiB (13 resizes),
 * then freed; repeated. One op = one resize. Other blocks are allocated in
 * between now and then, so that not every growth can happen in place.
 *
 *   ./tools/bazel run -c opt //bench:realloc
 */
#include <stdlib.h>

#include "bench/harness.h"
#include "mln_alloc.h"

#define CHAINS 200000ull
#define STEPS 12ull /* 16 -> 32 -> ... -> 65536 */

static uint64_t realloc_round(int use_pool)
{
    mln_alloc_t *pool = use_pool ? mln_alloc_init(NULL) : NULL;
    void *neighbours[8] = {0};
    uint64_t start = bench_now_ns();
    for (uint64_t chain = 0; chain < CHAINS; chain++) {
        size_t size = 16;
        char *p = use_pool ? mln_alloc_m(pool, size) : malloc(size);
        p[0] = 1;
        for (uint64_t s = 0; s < STEPS; s++) {
            size *= 2;
            p = use_pool ? mln_alloc_re(pool, p, size) : realloc(p, size);
            p[size - 1] = 1;
        }
        /* A long-lived small neighbour now and then, as real programs have. */
        size_t slot = chain % 8;
        if (use_pool) {
            mln_alloc_free(neighbours[slot]);
            neighbours[slot] = mln_alloc_m(pool, 48);
            mln_alloc_free(p);
        } else {
            free(neighbours[slot]);
            neighbours[slot] = malloc(48);
            free(p);
        }
    }
    uint64_t elapsed = bench_now_ns() - start;
    for (int i = 0; i < 8; i++) {
        if (use_pool)
            mln_alloc_free(neighbours[i]);
        else
            free(neighbours[i]);
    }
    mln_alloc_destroy(pool);
    return elapsed;
}

int main(void)
{
    bench_compare("realloc", CHAINS * STEPS, realloc_round);
    return 0;
}
