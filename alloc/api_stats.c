/* SPDX-License-Identifier: MIT */
/*
 * api_stats.c: mln_alloc_stats, a pool's figures at a glance.
 */
#include "alloc/pool.h"

int mln_alloc_stats(const mln_alloc_t *pool, struct mln_alloc_stats_s *stats)
{
    MLN_TRACK_CORE_CALL();
    if (pool == NULL || stats == NULL || !mln_pool_is_live(pool))
        return -1;
    /* A shared pool is first recovered if its last lock holder died, as
     * every call that reads it is (the caller holds the lock): counting a
     * torn operation's block would report what recovery then undoes. The
     * figures are read-only; recovery is not, hence the cast. */
    if (!mln_pool_ready((mln_alloc_t *)(uintptr_t)pool))
        return -1;
    if (!mln_pool_used_bytes(pool, &stats->bytes_in_use))
        return -1;
    stats->peak_bytes_in_use = mln_pool_peak(pool);
    stats->bytes_held = mln_pool_held_bytes(pool);
    /* A block in the front cache is free to the caller, and the engine's
     * once the pool flushes the cache, as it does before it would grow. */
    size_t cached = mln_front_cache_largest(pool->cache);
    size_t largest = mln_engine_largest_free(&pool->engine);
    if (cached > MLN_BLOCK_HEADER && cached - MLN_BLOCK_HEADER > largest)
        largest = cached - MLN_BLOCK_HEADER;
    stats->largest_free = largest;
    stats->allocations = pool->allocations;
    stats->frees = pool->frees;
    stats->failures = pool->failures;
    stats->capacity_limit = mln_pool_is_fixed(pool) ? mln_span_block_bytes(pool->engine.spans->size)
                                                    : pool->capacity_limit;
    return 0;
}
