/* SPDX-License-Identifier: MIT */
/*
 * pool_fast.h: a pool's blocks in and out, the fast way: the front cache,
 * the capacity check and the figures, inline; everything else through the
 * pool's kind (pool.h), out of line in pool_fast.c.
 *
 * Inline here, and only here, so that a front-cache hit runs inside
 * mln_alloc_m and mln_alloc_free with no call and no saved register
 * (bench/mixed measures it). Pool-layer private: the API layer and the
 * kinds include it, nothing above them does.
 */
#ifndef MLN_ALLOC_POOL_FAST_H
#define MLN_ALLOC_POOL_FAST_H

#include "alloc/pool.h"

/* The fast paths are forced inline: the compiler's own choice, made
 * differently as the code changes, was measurably slower (bench/mixed). */
#define MLN_HOT_INLINE inline __attribute__((always_inline))

/*
 * Whether a block of `block_bytes` would take `pool` past its capacity: a
 * check before the slow paths, so that a capped pool takes no span for an
 * allocation it must refuse. Never true without a limit.
 */
static inline bool mln_pool_over_capacity(const mln_alloc_t *pool, size_t block_bytes)
{
    return pool->bytes_in_use + block_bytes > pool->capacity_limit;
}

/*
 * `pool` now has `in_use` bytes in use, more or less than before (a block
 * resized in place). Every path that hands a block out, or resizes one,
 * ends here or in mln_pool_count_allocation, so the figures miss none.
 */
static inline void mln_pool_hand_out(mln_alloc_t *pool, size_t in_use)
{
    MLN_ASSERT(in_use <= pool->capacity_limit);
    mln_pool_fold_peak(pool);
    pool->bytes_in_use = in_use;
}

/* A new block is handed out and `pool` now has `in_use` (more) bytes in use. */
static inline void mln_pool_count_allocation(mln_alloc_t *pool, size_t in_use)
{
    MLN_ASSERT(in_use >= pool->bytes_in_use && in_use <= pool->capacity_limit);
    pool->allocations++;
    pool->bytes_in_use = in_use;
}

/* A used block of `size` bytes comes back to `pool`: the figures' other half. */
static inline void mln_pool_count_free(mln_alloc_t *pool, size_t size)
{
    pool->frees++;
    mln_pool_fold_peak(pool);
    pool->bytes_in_use -= size;
}

/* A used block for `bytes` past the front cache, counted (or NULL, counted
 * as a failure): the kind's alloc, then the capacity. In pool_fast.c. */
mln_block_t *mln_pool_alloc_missed(mln_alloc_t *pool, size_t bytes, size_t block_bytes);

/* `b`, just taken for `pool`, counted, or given back (NULL) when it would
 * take the pool past its capacity. In pool_fast.c. */
mln_block_t *mln_pool_admit(mln_alloc_t *pool, mln_block_t *b);

/* As mln_pool_alloc_fast and _missed together, for a block that must move to grow: placed where
 * its next growth can happen in place, where the kind can (no front cache:
 * the sizes that grow are rarely cached ones). In pool_fast.c. */
mln_block_t *mln_pool_alloc_for_growth(mln_alloc_t *pool, size_t bytes, size_t block_bytes);

/*
 * A used block of `bytes` payload bytes for `pool` the fast way, or NULL:
 * then mln_pool_alloc_missed(pool, bytes, *block_bytes) finds one (or
 * refuses). A small request (the commonest) finds its class in one load
 * and then, within the pool's capacity: the newest cached block of the
 * class; or a bump off the wilderness (exactly the class's size too),
 * while the pool fills a fresh span with nothing freed to reuse. A pool
 * whose policy bumps first (`bump_first`, a constant: the caller knows it
 * from the magic) tries the bump first and the cache after, so that a
 * growing pool takes the same branch every time. No call: the caller
 * decides how to call the slow half (mln_alloc_m, as a tail call).
 */
static MLN_HOT_INLINE mln_block_t *mln_pool_alloc_fast(mln_alloc_t *pool, size_t bytes, size_t *block_bytes,
                                                       bool bump_first)
{
    if (!MLN_WITH_FRONT_CACHE || __builtin_expect(bytes > MLN_FRONT_CACHE_MAX_REQUEST, 0)) {
        *block_bytes = mln_engine_block_size(bytes);
        return NULL; /* without the front cache (firmware), the engine's way at once */
    }
    size_t c = mln_front_cache_class_of_request(bytes);
    size_t class_bytes = mln_front_cache_class_bytes[c];
    *block_bytes = class_bytes;
    size_t in_use = pool->bytes_in_use + class_bytes;
    /* The capacity first, so that a capped pool takes nothing it must refuse. */
    if (__builtin_expect(in_use > pool->capacity_limit, 0))
        return NULL;
    MLN_ASSERT(pool->kind->engine_direct); /* the magic says so: the engine's blocks are the pool's to take */
    MLN_ASSERT(bump_first == pool->bump_first);
    mln_block_t *b;
    if (bump_first) {
        b = mln_engine_bump(&pool->engine, class_bytes, pool, true);
        if (b == NULL && mln_front_cache_holds(mln_pool_front_cache(pool), c))
            b = mln_front_cache_take(mln_pool_front_cache(pool), c, pool);
    } else {
        mln_front_cache_t *q = mln_pool_front_cache(pool);
        b = mln_front_cache_holds(q, c) ? mln_front_cache_take(q, c, pool)
                                        : mln_engine_bump(&pool->engine, class_bytes, pool, false);
    }
    if (b == NULL)
        return NULL;
    mln_pool_count_allocation(pool, in_use);
    return b;
}

/* Give a used block of `size` bytes back to `pool` (which owns it or lends
 * it to a child), counted, into its front cache's list `c` (its class, or
 * NONE) inline (no call, no saved register), else to the kind. */
static MLN_HOT_INLINE void mln_pool_free_into(mln_alloc_t *pool, mln_block_t *b, size_t size, size_t c)
{
    mln_pool_count_free(pool, size);
    if (!MLN_WITH_FRONT_CACHE || !mln_front_cache_push_class(mln_pool_front_cache(pool), b, c, pool))
        pool->kind->free(pool, b);
}

/* Give a used block back to `pool` (which owns it or lends it to a child). */
static MLN_HOT_INLINE void mln_pool_free_block(mln_alloc_t *pool, mln_block_t *b)
{
    size_t size = block_size(b);
    mln_pool_free_into(pool, b, size, mln_front_cache_class_of_block(size));
}

/* As mln_pool_free_block, for a block whose head word `head`
 * (mln_front_cache_head_is_small_used) the caller has read: its list in
 * one load, no bound to check. */
static MLN_HOT_INLINE void mln_pool_free_small_block(mln_alloc_t *pool, mln_block_t *b, size_t head)
{
    MLN_ASSERT(head == b->head);
    mln_pool_free_into(pool, b, block_size_of_head(head), mln_front_cache_class_of_small_head(head));
}

/*
 * As mln_pool_alloc_fast (with _missed) and mln_pool_free_block, for blocks the front
 * cache rarely holds (a child's home or span, almost always larger than
 * MLN_FRONT_CACHE_MAX): straight to the kind, so that these rare paths do
 * not carry a copy of the inline fast path. Either way is correct: a block
 * is found, or goes back, all the same.
 */
static inline mln_block_t *mln_pool_alloc_uncached(mln_alloc_t *pool, size_t bytes)
{
    return mln_pool_alloc_missed(pool, bytes, mln_front_cache_block_bytes(bytes));
}

static inline void mln_pool_free_uncached(mln_alloc_t *pool, mln_block_t *b)
{
    mln_pool_count_free(pool, block_size(b));
    pool->kind->free(pool, b);
}

#endif /* MLN_ALLOC_POOL_FAST_H */
