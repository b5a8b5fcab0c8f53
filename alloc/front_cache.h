/* SPDX-License-Identifier: MIT */
/*
 * front_cache.h: a pool's front cache of small freed blocks, by size class.
 *
 * Freeing a block and allocating one of about the same size soon after is
 * the commonest pattern there is; going through the engine each time costs
 * a merge and a split that the next call undoes, and on a large heap each
 * of them touches lines that have gone cold. So a pool keeps, per size
 * class up to MLN_FRONT_CACHE_MAX bytes, a short LIFO of freed blocks (at
 * most MLN_FRONT_CACHE_DEPTH): freeing pushes, allocating pops, a few
 * instructions each, and a block comes back where one of its class was.
 *
 * The classes are the engine's bins (engine.h): MLN_ALIGN bytes apart below
 * MLN_SMALL_LIMIT, then MLN_SL_COUNT per power of two. A request up to
 * MLN_FRONT_CACHE_MAX is rounded up to its class's size
 * (mln_front_cache_round) before anything serves it, so the blocks of a
 * class are all one size, and a cached block is exactly what a request of
 * its class asks for. A block of any other size (one resized in place) is
 * never cached.
 *
 * To the engine these blocks are still in use; they go back to it when a
 * list is full or the cache holds its limit in bytes, and all of them at
 * once before the pool takes a new span (mln_pool_flush_front_cache), so
 * cached memory never makes a pool grow.
 *
 * A pool's kind may turn the pool's own cache off (a limit of 0 bytes:
 * nothing is ever cached, so nothing is found) and keep one of its own
 * instead: shared pools do (kind_shared_journal.c), since every change to
 * their blocks is journaled and must first check whether a process died
 * mid-operation, which the inline paths do not.
 */
#ifndef MLN_ALLOC_FRONT_CACHE_H
#define MLN_ALLOC_FRONT_CACHE_H

#include <limits.h>
#include <stddef.h>
#include <stdint.h>

#include "alloc/engine.h"

/*
 * Largest cached block, header included: 2^MLN_ALLOC_QUICK_MAX_LOG2 bytes,
 * 8 .. 12 (256 B .. 4 KiB), at least MLN_SMALL_LIMIT. A build setting: the
 * classes' tables grow with it (front_cache.c), so firmware builds choose
 * 512 B (tools/copts.bzl).
 */
#ifndef MLN_ALLOC_QUICK_MAX_LOG2
#define MLN_ALLOC_QUICK_MAX_LOG2 12
#endif
#define MLN_FRONT_CACHE_MAX_LOG2 ((unsigned)MLN_ALLOC_QUICK_MAX_LOG2)
#define MLN_FRONT_CACHE_MAX ((size_t)1 << MLN_FRONT_CACHE_MAX_LOG2)
/*
 * Depth of each list and the cap on all of them: the trade between speed and
 * footprint (bench/memory and bench/mixed measure both; README has the curve).
 * A build may choose other values with -DMLN_ALLOC_QUICK_DEPTH=... and
 * -DMLN_ALLOC_QUICK_BYTES=... (depth at most 255; the settings keep the name
 * they had when the cache was called the quick lists, since builds set them).
 */
#ifndef MLN_ALLOC_QUICK_DEPTH
#define MLN_ALLOC_QUICK_DEPTH 32
#endif
#ifndef MLN_ALLOC_QUICK_BYTES
#define MLN_ALLOC_QUICK_BYTES 65536
#endif
/* ... plus this share of the pool's bytes in use: 1/8. */
#define MLN_FRONT_CACHE_SHARE_LOG2 3u
/* No share at all (a shift that leaves nothing of any size). */
#define MLN_FRONT_CACHE_NO_SHARE ((unsigned)(sizeof(size_t) * CHAR_BIT - 1))
#define MLN_FRONT_CACHE_DEPTH ((unsigned)MLN_ALLOC_QUICK_DEPTH)
/* Classes 0 .. the class of MLN_FRONT_CACHE_MAX (the first of its first-level bin). */
#define MLN_FRONT_CACHE_CLASSES ((MLN_FRONT_CACHE_MAX_LOG2 - MLN_SMALL_LOG2 + 1u) * MLN_SL_COUNT + 1u)
_Static_assert(MLN_ALLOC_QUICK_DEPTH <= 255, "list depths are counted in a byte");
_Static_assert(MLN_FRONT_CACHE_MAX >= MLN_SMALL_LIMIT && MLN_FRONT_CACHE_MAX < MLN_BIN_LIMIT,
               "the cached sizes are classes of the engine");
#define MLN_FRONT_CACHE_BYTES ((size_t)MLN_ALLOC_QUICK_BYTES)
/* The class of requests the cache does not serve: its list is always empty. */
#define MLN_FRONT_CACHE_NONE ((size_t)MLN_FRONT_CACHE_CLASSES)

typedef struct mln_front_cache {
    size_t bytes;                              /* bytes held in all lists */
    /* Most bytes held: `limit` plus 1/2^share_log2 of the pool's bytes in
     * use, so that a small pool holds little and a large one enough to
     * serve its mix (MLN_FRONT_CACHE_BYTES, MLN_FRONT_CACHE_SHARE_LOG2);
     * 0 and no share: off. */
    size_t limit;
    unsigned share_log2;
    /* Blocks cached per class; one more count, always 0, for "no class"
     * (MLN_FRONT_CACHE_NONE), so that asking for it needs no test. */
    uint8_t count[MLN_FRONT_CACHE_CLASSES + 1];
    mln_block_t *top[MLN_FRONT_CACHE_CLASSES];       /* valid only while count > 0 */
} mln_front_cache_t;

static inline void mln_front_cache_init(mln_front_cache_t *q, size_t limit, unsigned share_log2)
{
    q->bytes = 0;
    q->limit = limit;
    q->share_log2 = share_log2;
    for (size_t i = 0; i <= MLN_FRONT_CACHE_CLASSES; i++)
        q->count[i] = 0;
}

/*
 * The classes as tables (front_cache.c, built by the compiler): the class
 * serving a block of u alignment units, NONE past MLN_FRONT_CACHE_MAX; and
 * each class's size. A request's class is its engine bin after the
 * engine's own rounding: its size is mln_engine_fit_size(block_bytes), at
 * most 1/MLN_SL_COUNT more, and its number the bin of that size
 * (mln_engine_bin_of, numbered flat: first level * MLN_SL_COUNT + second).
 */
#define MLN_FRONT_CACHE_UNIT_ENTRIES (MLN_FRONT_CACHE_MAX / 8 + 1)
extern const uint8_t mln_front_cache_class_of_units[MLN_FRONT_CACHE_UNIT_ENTRIES];
extern const uint16_t mln_front_cache_class_bytes[];

/* The class serving a request of `block_bytes` (at most MLN_FRONT_CACHE_MAX,
 * from mln_engine_block_size), and in *class_bytes its size. */
static inline size_t mln_front_cache_lookup(size_t block_bytes, size_t *class_bytes)
{
    size_t c = mln_front_cache_class_of_units[block_bytes >> MLN_ALIGN_LOG2];
    *class_bytes = mln_front_cache_class_bytes[c];
    return c;
}

/* The block size that serves a request of `block_bytes`: its class's size
 * up to MLN_FRONT_CACHE_MAX, else itself; 0 stays 0. */
static inline size_t mln_front_cache_round(size_t block_bytes)
{
    if (block_bytes <= MLN_FRONT_CACHE_MAX)
        (void)mln_front_cache_lookup(block_bytes, &block_bytes);
    return block_bytes;
}

/* Whether a block of `size` bytes may be cached (small, and exactly its
 * class's size), and in *c which class's list it goes in. */
static inline bool mln_front_cache_class_of_block(size_t size, size_t *c)
{
    if (size > MLN_FRONT_CACHE_MAX)
        return false;
    size_t class_bytes;
    *c = mln_front_cache_lookup(size, &class_bytes);
    return class_bytes == size;
}

/* Bytes of the largest cached block (0: none). O(MLN_FRONT_CACHE_CLASSES). */
static inline size_t mln_front_cache_largest(const mln_front_cache_t *q)
{
    for (size_t c = MLN_FRONT_CACHE_CLASSES; c-- > 0;)
        if (q->count[c] != 0)
            return mln_front_cache_class_bytes[c];
    return 0;
}

/* The next block down a list is kept in the cached block's first payload word. */
static inline mln_block_t **mln_front_cache_next_slot(mln_block_t *b)
{
    return (mln_block_t **)block_payload(b);
}

/*
 * A cached block's link word: its pool with the low bit set. Still the pool
 * to the engine's eye once unmarked, but no longer a valid owner, so that a
 * second free of a cached block is caught (see api.c).
 */
static inline void *mln_front_cache_mark(const void *pool)
{
    return (void *)((uintptr_t)pool | 1u);
}

/*
 * Cache a used block of `size` bytes in the front cache of `pool`, which
 * has `in_use` bytes in use; false if it does not qualify or the cache is
 * full. The block may carry another tag (a child's span coming back): from
 * now on it is `pool`'s.
 */
static inline bool mln_front_cache_push(mln_front_cache_t *q, mln_block_t *b, size_t size, const void *pool,
                                        size_t in_use)
{
    size_t c;
    if (!mln_front_cache_class_of_block(size, &c) || q->count[c] >= MLN_FRONT_CACHE_DEPTH ||
        q->bytes + size > q->limit + (in_use >> q->share_log2))
        return false;
    q->bytes += size;
    b->link = mln_front_cache_mark(pool);
    *mln_front_cache_next_slot(b) = q->top[c];
    q->top[c] = b;
    q->count[c]++;
    return true;
}

/* The top block of class `c` (which holds one), handed back owned by `pool`. */
static inline mln_block_t *mln_front_cache_take(mln_front_cache_t *q, size_t c, void *pool)
{
    mln_block_t *b = q->top[c];
    q->top[c] = *mln_front_cache_next_slot(b);
    q->count[c]--;
    q->bytes -= mln_front_cache_class_bytes[c];
    b->link = pool;
    return b;
}

/* A cached block of class `c` (MLN_FRONT_CACHE_NONE: none), handed back
 * owned by `pool`, or NULL. */
static inline mln_block_t *mln_front_cache_pop(mln_front_cache_t *q, size_t c, void *pool)
{
    if (q->count[c] == 0)
        return NULL;
    return mln_front_cache_take(q, c, pool);
}

/*
 * The first class at or past *c whose list holds a block, left in *c; false
 * when none does. Emptying a cache is a loop over this from 0, each block
 * then taken as its owner needs (the shared kind journals it first):
 * O(MLN_FRONT_CACHE_CLASSES + blocks cached) in all.
 */
static inline bool mln_front_cache_next_class(const mln_front_cache_t *q, size_t *c)
{
    for (; *c < MLN_FRONT_CACHE_CLASSES; ++*c)
        if (q->count[*c] != 0)
            return true;
    return false;
}

/*
 * The cache of `pool` is sound: each list within its depth and holding
 * blocks of `pool` in use, marked as cached, of exactly its class's size.
 * NULL when so, else a message; *cached_bytes is increased by the bytes
 * held. O(blocks cached). In front_cache.c.
 */
const char *mln_front_cache_check(const mln_front_cache_t *q, const void *pool, size_t *cached_bytes);

#endif /* MLN_ALLOC_FRONT_CACHE_H */
