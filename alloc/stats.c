/*
 * stats.c: mln_alloc_stats, a pool's figures at a glance.
 */
#include "alloc/pool.h"

/* The largest free block: the wilderness, or a member of the highest bin. */
static size_t largest_free_block(const mln_engine_t *e)
{
    size_t largest = e->wild != NULL ? block_size(e->wild) : 0;
    if (e->fl_bitmap != 0) {
        unsigned fl = 31u - (unsigned)__builtin_clz(e->fl_bitmap);
        unsigned sl = 31u - (unsigned)__builtin_clz(e->sl_bitmap[fl]);
        for (const mln_block_t *b = e->heads[fl][sl]; b != NULL; b = b->link)
            if (block_size(b) > largest)
                largest = block_size(b);
    }
    return largest > MLN_BLOCK_HEADER ? largest - MLN_BLOCK_HEADER : 0;
}

int mln_alloc_stats(const mln_alloc_t *pool, struct mln_alloc_stats_s *stats)
{
    if (pool == NULL || stats == NULL || pool->magic != MLN_POOL_MAGIC)
        return -1;
    size_t capacity = pool->home_bytes;
    const mln_span_t *span = pool->engine.spans;
    if (span != NULL) {
        do {
            if (span->kind != MLN_SPAN_HOME)
                capacity += span->size;
            span = span->next;
        } while (span != pool->engine.spans);
    }
    if (pool->spare != NULL)
        capacity += pool->spare->size;
    stats->bytes_in_use = pool->bytes_in_use;
    if (pool->shared != NULL) {
        /* Sub-pools of other processes take memory without these counters:
         * count what the blocks say (O(blocks); the caller holds the lock). */
        size_t used = 0;
        if (mln_pool_check(pool, &used) != NULL)
            return -1;
        stats->bytes_in_use = used;
    }
    stats->peak_bytes_in_use = pool->peak_bytes_in_use;
    stats->capacity = capacity;
    stats->largest_free = largest_free_block(&pool->engine);
    stats->allocations = pool->allocations;
    stats->frees = pool->frees;
    stats->failures = pool->failures;
    return 0;
}
