/*
 * front_cache.h: a pool's front cache of small freed blocks.
 *
 * Freeing a block and allocating one of the same size soon after is the
 * commonest pattern there is; going through the engine each time costs a
 * merge and a split that the next call undoes. So a pool keeps, per block
 * size up to MLN_FRONT_CACHE_MAX, a short LIFO of freed blocks (at most
 * MLN_FRONT_CACHE_DEPTH): freeing pushes, allocating pops, a few instructions
 * each. To the engine these blocks are still in use; they go back to it
 * when a list is full, and all of them at once before the pool takes a new
 * span (mln_pool_flush_front_cache), so cached memory never makes a pool
 * grow.
 *
 * A pool's kind may turn the cache off (a limit of 0 bytes: nothing is ever
 * cached, so nothing is found): shared pools do, since their operations are
 * journaled one by one and may come from any process.
 */
#ifndef MLN_ALLOC_FRONT_CACHE_H
#define MLN_ALLOC_FRONT_CACHE_H

#include <stddef.h>
#include <stdint.h>

#include "alloc/block.h"

#define MLN_FRONT_CACHE_MAX ((size_t)512)
/*
 * Depth of each list and the cap on all of them: the trade between speed and
 * footprint (bench/memory and bench/mixed measure both; README has the curve).
 * A build may choose other values with -DMLN_ALLOC_QUICK_DEPTH=... and
 * -DMLN_ALLOC_QUICK_BYTES=... (depth at most 255; the settings keep the name
 * they had when the cache was called the quick lists, since builds set them).
 */
#ifndef MLN_ALLOC_QUICK_DEPTH
#define MLN_ALLOC_QUICK_DEPTH 16
#endif
#ifndef MLN_ALLOC_QUICK_BYTES
#define MLN_ALLOC_QUICK_BYTES 65536
#endif
#define MLN_FRONT_CACHE_DEPTH ((unsigned)MLN_ALLOC_QUICK_DEPTH)
#define MLN_FRONT_CACHE_CLASSES (MLN_FRONT_CACHE_MAX / MLN_ALIGN + 1)
_Static_assert(MLN_ALLOC_QUICK_DEPTH <= 255, "list depths are counted in a byte");
#define MLN_FRONT_CACHE_BYTES ((size_t)MLN_ALLOC_QUICK_BYTES)

typedef struct mln_front_cache {
    size_t bytes;                              /* bytes held in all lists */
    size_t limit;                              /* most bytes held: MLN_FRONT_CACHE_BYTES, or 0 (off) */
    uint8_t count[MLN_FRONT_CACHE_CLASSES];          /* blocks cached per size */
    mln_block_t *top[MLN_FRONT_CACHE_CLASSES];       /* valid only while count > 0 */
} mln_front_cache_t;

static inline void mln_front_cache_init(mln_front_cache_t *q, size_t limit)
{
    q->bytes = 0;
    q->limit = limit;
    for (size_t i = 0; i < MLN_FRONT_CACHE_CLASSES; i++)
        q->count[i] = 0;
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
 * Cache a used block of `size` bytes in the front cache of `pool`; false if it
 * does not qualify or the list is full. The block may carry another tag (a
 * child's span coming back): from now on it is `pool`'s.
 */
static inline bool mln_front_cache_push(mln_front_cache_t *q, mln_block_t *b, size_t size, const void *pool)
{
    if (size > MLN_FRONT_CACHE_MAX)
        return false;
    size_t c = size / MLN_ALIGN;
    if (q->count[c] >= MLN_FRONT_CACHE_DEPTH || q->bytes + size > q->limit)
        return false;
    q->bytes += size;
    b->link = mln_front_cache_mark(pool);
    *mln_front_cache_next_slot(b) = q->top[c];
    q->top[c] = b;
    q->count[c]++;
    return true;
}

/* A cached block of exactly `size` bytes, handed back owned by `pool`, or NULL. */
static inline mln_block_t *mln_front_cache_pop(mln_front_cache_t *q, size_t size, void *pool)
{
    if (size > MLN_FRONT_CACHE_MAX)
        return NULL;
    size_t c = size / MLN_ALIGN;
    if (q->count[c] == 0)
        return NULL;
    mln_block_t *b = q->top[c];
    q->top[c] = *mln_front_cache_next_slot(b);
    q->count[c]--;
    q->bytes -= size;
    b->link = pool;
    return b;
}

#endif /* MLN_ALLOC_FRONT_CACHE_H */
