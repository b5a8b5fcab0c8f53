/*
 * mixed: a live set of 1000 blocks of 8-512 bytes; 10M free+alloc pairs at
 * random slots. One op = one free plus one allocation.
 *
 *   ./tools/bazel run -c opt //bench:mixed
 */
#include <stdlib.h>
#include <string.h>

#include "bench/harness.h"
#include "mln_alloc.h"

enum { LIVE = 1000 };
#define PAIRS 10000000ull

static uint64_t mixed_round(int use_pool)
{
    static void *slots[LIVE];
    uint64_t rng = 0x9E3779B97F4A7C15ull;
    mln_alloc_t *pool = use_pool ? mln_alloc_init(NULL) : NULL;
    for (int i = 0; i < LIVE; i++) {
        size_t n = 8 + bench_rand(&rng) % 505;
        slots[i] = use_pool ? mln_alloc_m(pool, n) : malloc(n);
    }
    uint64_t start = bench_now_ns();
    for (uint64_t i = 0; i < PAIRS; i++) {
        uint64_t r = bench_rand(&rng);
        size_t slot = (size_t)(r % LIVE);
        size_t n = 8 + (size_t)((r >> 32) % 505);
        if (use_pool) {
            mln_alloc_free(slots[slot]);
            slots[slot] = mln_alloc_m(pool, n);
        } else {
            free(slots[slot]);
            slots[slot] = malloc(n);
        }
        *(char *)slots[slot] = (char)i; /* touch it, as a program would */
    }
    uint64_t elapsed = bench_now_ns() - start;
    for (int i = 0; i < LIVE; i++) {
        if (use_pool)
            mln_alloc_free(slots[i]);
        else
            free(slots[i]);
    }
    mln_alloc_destroy(pool);
    return elapsed;
}

int main(void)
{
    bench_compare("mixed", PAIRS, mixed_round);
    return 0;
}
