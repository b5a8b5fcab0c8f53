/* SPDX-License-Identifier: MIT */
/*
 * pool_fast.c: the out-of-line halves of pool_fast.h.
 */
#include "alloc/pool_fast.h"

/* A block taken for `pool` past its capacity goes back, uncounted: rare, so
 * out of line, and to the kind (the front cache's blocks never get here:
 * their size is checked before they are taken). */
static __attribute__((noinline, cold)) void refuse(mln_alloc_t *pool, mln_block_t *b)
{
    pool->kind->free(pool, b);
}

/*
 * The one compare an uncapped pool pays (its limit is SIZE_MAX): the engine
 * may leave a few bytes more in a block than asked, so the capacity is
 * checked again on the block actually taken.
 */
mln_block_t *mln_pool_admit(mln_alloc_t *pool, mln_block_t *b)
{
    size_t in_use = pool->bytes_in_use + block_size(b);
    if (__builtin_expect(in_use > pool->capacity_limit, 0)) {
        refuse(pool, b);
        return NULL;
    }
    mln_pool_count_allocation(pool, in_use);
    return b;
}

/*
 * `b` (or NULL: none was found) for a request of `bytes` (`block_bytes`)
 * admitted and counted, or counted as a failure. A block whose tail was too
 * small to split off may be what takes a capped pool past its capacity
 * when the request alone would not: then one more try, O(1), where the
 * block can be cut to size (the wilderness, for a heap pool). Where the
 * profile keeps no wilderness no block can be, and there is no retry: near
 * its capacity, a pool may refuse a request that a block of exactly its
 * size would have served (mln_alloc_init_capacity says so).
 */
static mln_block_t *counted(mln_alloc_t *pool, mln_block_t *b, size_t bytes, size_t block_bytes)
{
    if (b == NULL)
        goto failed;
    size_t taken = block_size(b);
    if ((b = mln_pool_admit(pool, b)) != NULL)
        return b;
    if (MLN_WITH_WILDERNESS && taken > block_bytes && !mln_pool_over_capacity(pool, block_bytes) &&
        (b = pool->kind->alloc_for_growth(pool, bytes, block_bytes)) != NULL &&
        (b = mln_pool_admit(pool, b)) != NULL)
        return b;
failed:
    pool->failures++;
    return NULL;
}

/* Out of line, so that the front cache's hit saves no register. */
__attribute__((noinline)) mln_block_t *mln_pool_alloc_missed(mln_alloc_t *pool, size_t bytes,
                                                             size_t block_bytes)
{
    mln_block_t *b = NULL;
    if (pool->kind->engine_direct && block_bytes != 0) {
        /* A pool that bumps first does so at every size (the fast path
         * bumps only the classes' sizes). */
        if (pool->bump_first)
            b = mln_engine_bump(&pool->engine, block_bytes, pool, true);
        if (b == NULL)
            b = mln_engine_alloc(&pool->engine, block_bytes, pool);
    }
    if (b == NULL)
        b = pool->kind->alloc(pool, bytes, block_bytes);
    return counted(pool, b, bytes, block_bytes);
}

mln_block_t *mln_pool_alloc_for_growth(mln_alloc_t *pool, size_t bytes, size_t block_bytes)
{
    return counted(pool, pool->kind->alloc_for_growth(pool, bytes, block_bytes), bytes, block_bytes);
}
