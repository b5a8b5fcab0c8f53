/* SPDX-License-Identifier: MIT */
/*
 * api_stats.c: mln_alloc_stats, a pool's figures at a glance.
 */
#include "alloc/pool.h"

/*
 * The largest request `pool`'s capacity lets through now (SIZE_MAX without
 * a limit): its block sized as the allocation sizes it (a class's size up
 * to MLN_FRONT_CACHE_MAX, else aligned), plus what the engine may leave in
 * a block beyond that (a tail too small to split off, less than
 * MLN_BLOCK_MIN), within the capacity left. O(1).
 */
static size_t capacity_room(const mln_alloc_t *pool)
{
    const size_t slack = MLN_BLOCK_MIN - MLN_ALIGN;
    if (pool->capacity_limit == SIZE_MAX)
        return SIZE_MAX;
    size_t left = pool->capacity_limit - pool->bytes_in_use;
    if (left < MLN_BLOCK_MIN + slack)
        return 0;
    size_t block = (left - slack) & ~(MLN_ALIGN - 1);
    if (block <= MLN_FRONT_CACHE_MAX)
        block = mln_engine_fit_floor(block);
    return block - MLN_BLOCK_HEADER;
}

int mln_alloc_stats(const mln_alloc_t *pool, struct mln_alloc_stats_s *stats)
{
    MLN_TRACK_CORE_CALL();
    if (pool == NULL || stats == NULL || !mln_pool_is_live(pool))
        return -1;
    /* A shared pool is first recovered if its last lock holder died, as
     * every call that reads it is (the caller holds the lock): counting a
     * torn operation's block would report what recovery then undoes. The
     * figures are read-only but for the peak, which takes the count in;
     * recovery is not, hence the cast. */
    mln_alloc_t *counted = (mln_alloc_t *)(uintptr_t)pool;
    if (!mln_pool_ready(counted))
        return -1;
    if (!mln_pool_used_bytes(counted, &stats->bytes_in_use))
        return -1;
    stats->peak_bytes_in_use = mln_pool_peak(pool);
    stats->bytes_held = mln_pool_held_bytes(pool);
    /* A block in the front cache is free to the caller, and the engine's
     * once the pool flushes the cache, as it does before it would grow. */
    size_t cached = pool->cache != NULL ? mln_front_cache_largest(pool->cache) : 0;
    size_t largest = mln_engine_largest_free(&pool->engine);
    if (cached > MLN_BLOCK_HEADER && cached - MLN_BLOCK_HEADER > largest)
        largest = cached - MLN_BLOCK_HEADER;
    /* What the pool would grant now: its capacity may refuse before its
     * free space runs out. */
    size_t room = capacity_room(pool);
    stats->largest_free = largest < room ? largest : room;
    stats->allocations = pool->allocations;
    stats->frees = pool->frees;
    stats->failures = pool->failures;
    stats->capacity_limit = mln_pool_is_fixed(pool) ? mln_span_block_bytes(pool->engine.spans->size)
                                                    : pool->capacity_limit;
    return 0;
}
