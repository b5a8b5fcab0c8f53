/* SPDX-License-Identifier: MIT */
/*
 * mixed: a live set of 1000 blocks of 8-512 bytes; 10M free+alloc pairs at
 * random slots. One op = one free plus one allocation. The random slots and
 * sizes come from a table filled before the clock starts (64Ki pairs, cycled),
 * so that both sides are timed on allocation alone.
 *
 *   ./tools/bazel run -c opt //bench:mixed
 */
#include <stdlib.h>
#include <string.h>

#include "bench/harness.h"
#include "mln_alloc.h"

enum { LIVE = 1000, TABLE = 1 << 16 };
#define PAIRS 10000000ull

static struct {
    uint16_t slot;
    uint16_t size;
} table[TABLE];

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
        size_t slot = table[i % TABLE].slot;
        size_t n = table[i % TABLE].size;
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
    uint64_t rng = 0x2545F4914F6CDD1Dull;
    for (int i = 0; i < TABLE; i++) {
        uint64_t r = bench_rand(&rng);
        table[i].slot = (uint16_t)(r % LIVE);
        table[i].size = (uint16_t)(8 + (r >> 32) % 505);
    }
    bench_compare("mixed", PAIRS, mixed_round);
    return 0;
}
