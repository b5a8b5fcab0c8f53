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
 * (mln_front_cache_block_bytes) before anything serves it, so the blocks of a
 * class are all one size, and a cached block is exactly what a request of
 * its class asks for. A block of any other size (one resized in place) is
 * never cached.
 *
 * To the engine these blocks are still in use; they go back to it when a
 * list is full, and all of them at once before the pool takes a new span
 * (mln_pool_flush_front_cache), so cached memory never makes a pool grow.
 * There is no limit in bytes besides the depth (there was one: checked on
 * every free and allocation it cost instructions, and shallower lists
 * hold less on a small heap than it let them: bench/peers, bench/memory).
 *
 * The services profile carries the cache (profile.h: MLN_WITH_FRONT_CACHE);
 * in firmware, where it would make a call's worst case a flush of every
 * list, the same calls compile to "no class", and pushes refuse.
 *
 * Only the inline paths (pool_fast.h) use a pool's own cache. A kind whose
 * blocks they do not serve may keep a cache of its own instead: shared
 * pools do (kind_shared_journal.c), since every change to their blocks is
 * journaled and must first check whether a process died mid-operation,
 * which the inline paths do not.
 *
 * A list's count is kept biased, so that the hot tests are one instruction
 * on a byte in memory: MLN_FRONT_CACHE_EMPTY plus the blocks held, so that
 * a full list is 255 and a push that overflows the byte (to 0) is the full
 * test itself; an empty one is MLN_FRONT_CACHE_EMPTY.
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
/* Largest request a class serves: its block, header included, is at most MLN_FRONT_CACHE_MAX. */
#define MLN_FRONT_CACHE_MAX_REQUEST (MLN_FRONT_CACHE_MAX - MLN_BLOCK_HEADER)
/*
 * Depth of each list: the trade between speed and footprint (bench/memory
 * and bench/peers measure both). At most MLN_FRONT_CACHE_DEPTH blocks of a
 * class wait, so a pool holds at most that many of each class's size
 * (about 1.9 MB over all 81 classes up to 4 KiB at the default depth, far
 * less in a pool that never used them all: only blocks it freed are
 * cached). A build may choose
 * another with -DMLN_ALLOC_QUICK_DEPTH=... (at most 255; the setting keeps
 * the name it had when the cache was called the quick lists).
 */
#ifndef MLN_ALLOC_QUICK_DEPTH
#define MLN_ALLOC_QUICK_DEPTH 20
#endif
#define MLN_FRONT_CACHE_DEPTH ((unsigned)MLN_ALLOC_QUICK_DEPTH)
/* Classes 0 .. the class of MLN_FRONT_CACHE_MAX (the first of its first-level bin). */
#define MLN_FRONT_CACHE_CLASSES ((MLN_FRONT_CACHE_MAX_LOG2 - MLN_SMALL_LOG2 + 1u) * MLN_SL_COUNT + 1u)
_Static_assert(MLN_ALLOC_QUICK_DEPTH <= 255, "list depths are counted in a byte");
_Static_assert(MLN_FRONT_CACHE_MAX >= MLN_SMALL_LIMIT && MLN_FRONT_CACHE_MAX < MLN_BIN_LIMIT,
               "the cached sizes are classes of the engine");
/* No class: of a request past MLN_FRONT_CACHE_MAX, and of a block that is
 * not exactly a class's size. Its list is always full, so that a push of
 * such a block fails with no test of its own; nothing pops it. */
#define MLN_FRONT_CACHE_NONE ((size_t)MLN_FRONT_CACHE_CLASSES)
/* A list's biased count when full, and when empty (see above). */
#define MLN_FRONT_CACHE_FULL 255u
#define MLN_FRONT_CACHE_EMPTY (MLN_FRONT_CACHE_FULL - MLN_FRONT_CACHE_DEPTH)

typedef struct mln_front_cache {
    /* MLN_FRONT_CACHE_EMPTY plus the blocks cached, per class; for NONE
     * always MLN_FRONT_CACHE_FULL. Small, so that creating a pool (a
     * request's child) is cheap: the tops are read only while their list
     * holds a block, never initialised. */
    uint8_t count[MLN_FRONT_CACHE_CLASSES + 1];
    mln_block_t *top[MLN_FRONT_CACHE_CLASSES]; /* the newest cached block; the next in its first payload word */
} mln_front_cache_t;

/* An empty cache. */
static inline void mln_front_cache_init(mln_front_cache_t *q)
{
    for (size_t i = 0; i < MLN_FRONT_CACHE_CLASSES; i++)
        q->count[i] = MLN_FRONT_CACHE_EMPTY;
    q->count[MLN_FRONT_CACHE_NONE] = MLN_FRONT_CACHE_FULL;
}

/* How many blocks the list of class `c` holds (NONE's: as full as any). */
static inline unsigned mln_front_cache_held(const mln_front_cache_t *q, size_t c)
{
    return (unsigned)q->count[c] - MLN_FRONT_CACHE_EMPTY;
}

/* Whether the list of class `c` (not NONE) holds a block: one compare. */
static inline bool mln_front_cache_holds(const mln_front_cache_t *q, size_t c)
{
    return q->count[c] != MLN_FRONT_CACHE_EMPTY;
}

/*
 * The classes as tables (front_cache.c, built by the compiler), indexed by
 * a size in alignment units u: the class serving a request that needs u
 * units (the engine's rounding included: u below MLN_BLOCK_MIN serves as
 * MLN_BLOCK_MIN; 0 is no size, NONE; NONE past MLN_FRONT_CACHE_MAX); the
 * class a block of u units is cached in (NONE unless u units are exactly
 * a class's size); and each class's size. A request's class is its engine
 * bin after the engine's own rounding: its size is
 * mln_engine_fit_size(block_bytes), at most 1/MLN_SL_COUNT more, and its
 * number the bin of that size (mln_engine_bin_of, numbered flat: first
 * level * MLN_SL_COUNT + second).
 */
#define MLN_FRONT_CACHE_UNIT_ENTRIES (MLN_FRONT_CACHE_MAX / 8 + 1)
extern const uint8_t mln_front_cache_class_of_units[MLN_FRONT_CACHE_UNIT_ENTRIES];
extern const uint8_t mln_front_cache_exact_class_of_units[MLN_FRONT_CACHE_UNIT_ENTRIES];
extern const uint16_t mln_front_cache_class_bytes[];

/* The class serving a request of `bytes` payload bytes, at most
 * MLN_FRONT_CACHE_MAX_REQUEST: the header added, rounded up to units, one
 * load (the table does the engine's rounding to MLN_BLOCK_MIN). */
static inline size_t mln_front_cache_class_of_request(size_t bytes)
{
    MLN_ASSERT(bytes <= MLN_FRONT_CACHE_MAX_REQUEST);
    if (!MLN_WITH_FRONT_CACHE)
        return MLN_FRONT_CACHE_NONE; /* no tables in this profile */
    return mln_front_cache_class_of_units[(bytes + MLN_BLOCK_HEADER + MLN_ALIGN - 1) >> MLN_ALIGN_LOG2];
}

/* The block size that serves a request of `bytes` payload bytes: its
 * class's size up to MLN_FRONT_CACHE_MAX_REQUEST, else the engine's block
 * size (mln_engine_block_size: 0 when not representable). */
static inline size_t mln_front_cache_block_bytes(size_t bytes)
{
    return MLN_WITH_FRONT_CACHE && bytes <= MLN_FRONT_CACHE_MAX_REQUEST ? mln_front_cache_class_bytes[mln_front_cache_class_of_request(bytes)]
                                                : mln_engine_block_size(bytes);
}

/* The list a block of `size` bytes is cached in: NONE unless it is small
 * and exactly its class's size (a block resized in place may not be). */
static inline size_t mln_front_cache_class_of_block(size_t size)
{
    return MLN_WITH_FRONT_CACHE && size <= MLN_FRONT_CACHE_MAX ? mln_front_cache_exact_class_of_units[size >> MLN_ALIGN_LOG2]
                                       : MLN_FRONT_CACHE_NONE;
}

/*
 * Blocks below this many bytes have an entry in the exact-size table (it
 * has one per MLN_ALIGN bytes up to here: twice MLN_FRONT_CACHE_MAX on
 * LP64, MLN_FRONT_CACHE_MAX itself where MLN_ALIGN is 8), a power of two.
 */
#define MLN_FRONT_CACHE_SMALL_BLOCK ((MLN_FRONT_CACHE_UNIT_ENTRIES - 1) * MLN_ALIGN)
_Static_assert((MLN_FRONT_CACHE_SMALL_BLOCK & (MLN_FRONT_CACHE_SMALL_BLOCK - 1)) == 0 &&
                   MLN_FRONT_CACHE_SMALL_BLOCK >= MLN_FRONT_CACHE_MAX,
               "the exact-size table covers every cached size, up to a power of two");

/*
 * The bits of a head word of which any says the block is not a used one
 * below MLN_FRONT_CACHE_SMALL_BLOCK: MLN_FREE and the size bits at or above
 * it (the other flags may be set). One test; a free's fast path makes it
 * first, and the rare rest (a misuse, a larger block) goes the long way.
 */
#define MLN_FRONT_CACHE_NOT_SMALL_USED (~(size_t)(MLN_FRONT_CACHE_SMALL_BLOCK - 2))

static inline bool mln_front_cache_head_is_small_used(size_t head)
{
    return (head & MLN_FRONT_CACHE_NOT_SMALL_USED) == 0;
}

/* The list a used block with such a head word is cached in: one load, no
 * bound to check (the flags fall off with the shift). */
static inline size_t mln_front_cache_class_of_small_head(size_t head)
{
    MLN_ASSERT(mln_front_cache_head_is_small_used(head));
    if (!MLN_WITH_FRONT_CACHE)
        return MLN_FRONT_CACHE_NONE; /* no tables in this profile */
    return mln_front_cache_exact_class_of_units[head >> MLN_ALIGN_LOG2];
}

/* Bytes of the largest cached block (0: none). O(MLN_FRONT_CACHE_CLASSES). */
static inline size_t mln_front_cache_largest(const mln_front_cache_t *q)
{
    if (!MLN_WITH_FRONT_CACHE)
        return 0; /* never holds any */
    for (size_t c = MLN_FRONT_CACHE_CLASSES; c-- > 0;)
        if (mln_front_cache_holds(q, c))
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
    return (void *)((const char *)pool + 1); /* a pool is aligned: the same as setting bit 0, in one add */
}

/*
 * Cache a used block in list `c` (its class, or NONE) of the front cache of
 * `pool`; false if it does not qualify (NONE) or its list is full. The block
 * may carry another tag (a child's span coming back): from now on it is
 * `pool`'s.
 */
static inline bool mln_front_cache_push_class(mln_front_cache_t *q, mln_block_t *b, size_t c, const void *pool)
{
    MLN_ASSERT(c == mln_front_cache_class_of_block(block_size(b)));
    if (!MLN_WITH_FRONT_CACHE) /* the profile keeps none (profile.h) */
        return false;
    /* Full is 255: its increment wraps to 0, the one test (then undone). */
    if (__builtin_expect(++q->count[c] == 0, 0)) {
        q->count[c] = MLN_FRONT_CACHE_FULL;
        return false;
    }
    b->link = mln_front_cache_mark(pool);
    *mln_front_cache_next_slot(b) = q->top[c];
    q->top[c] = b;
    return true;
}

/* As mln_front_cache_push_class, for a block of `size` bytes. */
static inline bool mln_front_cache_push(mln_front_cache_t *q, mln_block_t *b, size_t size, const void *pool)
{
    return mln_front_cache_push_class(q, b, mln_front_cache_class_of_block(size), pool);
}

/* The top block of class `c` (which holds one), handed back owned by `pool`. */
static inline mln_block_t *mln_front_cache_take(mln_front_cache_t *q, size_t c, void *pool)
{
    MLN_ASSERT(c < MLN_FRONT_CACHE_CLASSES && mln_front_cache_holds(q, c));
    mln_block_t *b = q->top[c];
    q->top[c] = *mln_front_cache_next_slot(b);
    q->count[c]--;
    b->link = pool;
    return b;
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
        if (mln_front_cache_holds(q, *c))
            return true;
    return false;
}

/* Whether the cache holds any block. O(MLN_FRONT_CACHE_CLASSES). */
static inline bool mln_front_cache_holds_any(const mln_front_cache_t *q)
{
    size_t c = 0;
    return mln_front_cache_next_class(q, &c);
}

/*
 * The cache of `pool` is sound: each list within its depth and holding
 * blocks of `pool` in use, marked as cached, of exactly its class's size. NULL when so, else a message; *cached_bytes is
 * increased by the bytes held. O(blocks cached). In front_cache.c.
 */
const char *mln_front_cache_check(const mln_front_cache_t *q, const void *pool, size_t *cached_bytes);

#endif /* MLN_ALLOC_FRONT_CACHE_H */
