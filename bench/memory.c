/*
 * memory: what the pools cost in memory, beside glibc.
 *
 *   1. Metadata per allocation: bytes a pool uses per block beyond the bytes
 *      requested, split into the header and the rounding to the alignment.
 *   2. Footprint / live on the mixed workload (1000 live blocks of 8-512 B,
 *      1M free+alloc pairs at random slots): the peak of the memory the
 *      allocator holds, over the peak of the bytes the program asked for and
 *      still holds. "Holds" excludes untouched space at the end: for
 *      mlnpool, all span bytes but the wilderness (the never-used tail);
 *      for glibc (mallinfo2), heap and mmapped bytes but the top chunk.
 *
 *   ./tools/bazel run -c opt //bench:memory
 */
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>

#include "alloc/pool.h"
#include "bench/harness.h"
#include "mln_alloc.h"

enum { LIVE = 1000 };
#define PAIRS 1000000ull

static size_t pool_footprint(const mln_alloc_t *pool)
{
    size_t bytes = MLN_BLOCK_HEADER + MLN_POOL_STRUCT_BYTES; /* the handle's header too */
    for (const mln_span_t *s = pool->engine.spans; s != NULL; s = mln_engine_next_span(&pool->engine, s))
        bytes += s->size;
    if (pool->spare != NULL)
        bytes += pool->spare->size;
    if (pool->engine.wild != NULL)
        bytes -= block_size(pool->engine.wild);
    return bytes;
}

static size_t glibc_footprint(void)
{
    struct mallinfo2 mi = mallinfo2();
    return mi.arena + mi.hblkhd - mi.keepcost;
}

/* Peak footprint over peak live bytes for the mixed workload. */
static double mixed_ratio(int use_pool, size_t *peak_live_out, size_t *peak_foot_out)
{
    static void *slots[LIVE];
    static size_t sizes[LIVE];
    uint64_t rng = 0x9E3779B97F4A7C15ull;
    mln_alloc_t *pool = use_pool ? mln_alloc_init(NULL) : NULL;
    size_t base = use_pool ? 0 : glibc_footprint();
    size_t live = 0, peak_live = 0, peak_foot = 0;
    for (int i = 0; i < LIVE; i++) {
        sizes[i] = 8 + bench_rand(&rng) % 505;
        slots[i] = use_pool ? mln_alloc_m(pool, sizes[i]) : malloc(sizes[i]);
        live += sizes[i];
    }
    for (uint64_t i = 0; i < PAIRS; i++) {
        uint64_t r = bench_rand(&rng);
        size_t slot = (size_t)(r % LIVE);
        size_t n = 8 + (size_t)((r >> 32) % 505);
        live -= sizes[slot];
        if (use_pool) {
            mln_alloc_free(slots[slot]);
            slots[slot] = mln_alloc_m(pool, n);
        } else {
            free(slots[slot]);
            slots[slot] = malloc(n);
        }
        sizes[slot] = n;
        live += n;
        if (live > peak_live)
            peak_live = live;
        if (i % 1024 == 0) {
            size_t foot = use_pool ? pool_footprint(pool) : glibc_footprint() - base;
            if (foot > peak_foot)
                peak_foot = foot;
        }
    }
    for (int i = 0; i < LIVE; i++) {
        if (use_pool)
            mln_alloc_free(slots[i]);
        else
            free(slots[i]);
    }
    mln_alloc_destroy(pool);
    *peak_live_out = peak_live;
    *peak_foot_out = peak_foot;
    return (double)peak_foot / (double)peak_live;
}

int main(void)
{
    printf("memory: metadata per allocation (LP64)\n");
    printf("  %-10s %12s %12s %12s\n", "request", "block bytes", "header", "rounding");
    mln_alloc_t *pool = mln_alloc_init(NULL);
    for (size_t n = 1; n <= 4096; n *= 4) {
        void *p = mln_alloc_m(pool, n);
        size_t block = block_size(block_from_payload(p));
        size_t header = MLN_BLOCK_HEADER;
        printf("  %-10zu %12zu %12zu %12zu\n", n, block, header, block - header - n);
        mln_alloc_free(p);
    }
    mln_alloc_destroy(pool);
    printf("  every block: %zu bytes of header (Melon: 56); smallest block %zu bytes\n",
           (size_t)MLN_BLOCK_HEADER, (size_t)MLN_BLOCK_MIN);

    size_t live, foot;
    double pool_ratio = mixed_ratio(1, &live, &foot);
    printf("memory: mixed workload, peak footprint / peak live\n");
    printf("  mlnpool: %zu / %zu bytes = %.3f\n", foot, live, pool_ratio);
    double libc_ratio = mixed_ratio(0, &live, &foot);
    printf("  glibc:   %zu / %zu bytes = %.3f\n", foot, live, libc_ratio);
    return 0;
}
