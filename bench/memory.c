/* SPDX-License-Identifier: MIT */
/*
 * memory: what the pools cost in memory, beside glibc.
 *
 *   1. Metadata per allocation: bytes a pool uses per block beyond the bytes
 *      requested, split into the header and the rounding to the alignment.
 *   2. Footprint / live: the peak of the memory the allocator holds, over
 *      the peak of the bytes the program asked for and still holds, on
 *      three workloads: mixed (1000 live blocks of 8-512 B, 1M free+alloc
 *      pairs at random slots), large live (1M live blocks of 16-256 B, 2M
 *      pairs) and size shift (100k blocks of one size, all freed, then
 *      100k of another, 20 sizes of 16-1039 B), and 1M live blocks of 16 B
 *      (all taken, then all freed). "Holds" excludes untouched
 *      space at the end: for mlnpool, all span bytes but the wilderness
 *      (the never-used tail); for glibc (mallinfo2), heap and mmapped bytes
 *      but the top chunk.
 *
 *   ./tools/bazel run -c opt //bench:memory
 */
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "alloc/pool.h"
#include "bench/harness.h"
#include "mln_alloc.h"


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

/* One allocator under measurement: an mlnpool root pool, or glibc (NULL). */
struct meter {
    mln_alloc_t *pool;
    size_t base, live, peak_live, peak_foot;
};

static void meter_start(struct meter *m, int use_pool)
{
    m->pool = use_pool ? mln_alloc_init(NULL) : NULL;
    m->base = use_pool ? 0 : glibc_footprint();
    m->live = m->peak_live = m->peak_foot = 0;
}

static void *meter_alloc(struct meter *m, size_t n)
{
    m->live += n;
    if (m->live > m->peak_live)
        m->peak_live = m->live;
    return m->pool != NULL ? mln_alloc_m(m->pool, n) : malloc(n);
}

static void meter_free(struct meter *m, void *p, size_t n)
{
    m->live -= n;
    if (m->pool != NULL)
        mln_alloc_free(p);
    else
        free(p);
}

static void meter_sample(struct meter *m)
{
    size_t foot = m->pool != NULL ? pool_footprint(m->pool) : glibc_footprint() - m->base;
    if (foot > m->peak_foot)
        m->peak_foot = foot;
}

static double meter_end(struct meter *m, const char *name)
{
    double ratio = (double)m->peak_foot / (double)m->peak_live;
    printf("  %-8s %10zu / %10zu bytes = %.3f\n", name, m->peak_foot, m->peak_live, ratio);
    mln_alloc_destroy(m->pool);
    return ratio;
}

/* `live` blocks of min..min+span-1 bytes, then `pairs` free+alloc pairs at random slots. */
static void mixed(struct meter *m, size_t live, size_t min, size_t span, uint64_t pairs)
{
    void **slots = malloc(live * sizeof *slots);
    size_t *sizes = malloc(live * sizeof *sizes);
    uint64_t rng = 0x9E3779B97F4A7C15ull;
    for (size_t i = 0; i < live; i++) {
        sizes[i] = min + bench_rand(&rng) % span;
        slots[i] = meter_alloc(m, sizes[i]);
    }
    for (uint64_t i = 0; i < pairs; i++) {
        uint64_t r = bench_rand(&rng);
        size_t slot = (size_t)(r % live);
        meter_free(m, slots[slot], sizes[slot]);
        sizes[slot] = min + (size_t)((r >> 32) % span);
        slots[slot] = meter_alloc(m, sizes[slot]);
        if (i % 1024 == 0)
            meter_sample(m);
    }
    for (size_t i = 0; i < live; i++)
        meter_free(m, slots[i], sizes[i]);
    free(slots);
    free(sizes);
}

/* 100k blocks of one size, all freed, then 100k of the next size. */
static void size_shift(struct meter *m)
{
    enum { PHASE = 100000, SIZES = 20 };
    void **slots = malloc(PHASE * sizeof *slots);
    uint64_t rng = 0x2545F4914F6CDD1Dull;
    for (int round = 0; round < SIZES; round++) {
        size_t n = 16 + bench_rand(&rng) % 1024;
        for (int i = 0; i < PHASE; i++)
            slots[i] = meter_alloc(m, n);
        meter_sample(m);
        for (int i = 0; i < PHASE; i++)
            meter_free(m, slots[i], n);
    }
    free(slots);
}

/* 1M live blocks of 16 bytes, all taken, then all freed: the tiny blocks
 * of a parser's nodes or a list's links. */
static void tiny_live(struct meter *m)
{
    enum { LIVE = 1000000 };
    void **slots = malloc(LIVE * sizeof *slots);
    for (int i = 0; i < LIVE; i++)
        slots[i] = meter_alloc(m, 16);
    meter_sample(m);
    for (int i = 0; i < LIVE; i++)
        meter_free(m, slots[i], 16);
    free(slots);
}

static void compare(const char *title, void (*run)(struct meter *m))
{
    struct meter m;
    printf("memory: %s, peak footprint / peak live\n", title);
    meter_start(&m, 1);
    run(&m);
    meter_end(&m, "mlnpool:");
    /* glibc keeps what an earlier workload freed, and would serve this one
     * from it: a child process starts from the heap main() started with. */
    fflush(stdout);
    pid_t child = fork();
    if (child == 0) {
        meter_start(&m, 0);
        run(&m);
        meter_end(&m, "glibc:");
        fflush(stdout);
        _exit(0);
    }
    waitpid(child, NULL, 0);
}

static void run_mixed(struct meter *m) { mixed(m, 1000, 8, 505, 1000000); }
static void run_large(struct meter *m) { mixed(m, 1000000, 16, 241, 2000000); }
static void run_shift(struct meter *m) { size_shift(m); }

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

    compare("mixed workload", run_mixed);
    compare("1M live blocks of 16-256 B", run_large);
    compare("size shift", run_shift);
    compare("1M live blocks of 16 B", tiny_live);
    return 0;
}
