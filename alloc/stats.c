/*
 * stats.c: mln_alloc_stats, a pool's figures at a glance.
 */
#include "alloc/pool.h"
#include "alloc/track.h"

int mln_alloc_stats(const mln_alloc_t *pool, struct mln_alloc_stats_s *stats)
{
    MLN_TRACK_CORE_CALL();
    if (pool == NULL || stats == NULL || pool->magic != MLN_POOL_MAGIC)
        return -1;
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
    stats->capacity = mln_pool_held_bytes(pool);
    stats->largest_free = mln_engine_largest_free(&pool->engine);
    stats->allocations = pool->allocations;
    stats->frees = pool->frees;
    stats->failures = pool->failures;
    return 0;
}
