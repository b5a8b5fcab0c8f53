/*
 * pool.h: the pool behind mln_alloc_t, shared by every pool kind.
 *
 * A pool is an engine plus the answer to two questions the engine leaves
 * open: where spans come from (the parent pool, or the platform for a root)
 * and what happens to a span once it is empty (keep it, cache it, give it
 * back). The pool's own control structure sits at the front of its first
 * ("home") span, so creating a pool is one request to its source.
 */
#ifndef MLN_ALLOC_POOL_H
#define MLN_ALLOC_POOL_H

#include <stdbool.h>
#include <stddef.h>

#include "alloc/engine.h"
#include "alloc/mln_alloc.h"
#include "alloc/quick.h"

/* What a span is, which decides what happens when it becomes empty. */
enum mln_span_kind {
    MLN_SPAN_HOME,  /* holds the pool itself: kept until destroy */
    MLN_SPAN_GROWN, /* added when the pool ran short: kept as the spare or given back */
    MLN_SPAN_LARGE  /* holds one large block: given back as soon as it is free */
};

/* Sizes that shape how a pool grows; one set per pool kind. */
struct mln_pool_policy {
    size_t home_bytes;        /* first request to the source: control structure + home span */
    size_t first_grow_bytes;  /* first grown span; each next one doubles ... */
    size_t max_grow_bytes;    /* ... up to this */
    size_t large_block_bytes; /* blocks above this get a span of their own */
};

struct mln_shared;

/* Every live pool carries this; a freed block's header must name such a pool. */
#define MLN_POOL_MAGIC 0x6d6c6e70u /* "mlnp" */
/* What a destroyed pool (and every pool that was below it) carries instead,
 * for as long as its memory is not reused: calls on it are refused. */
#define MLN_POOL_DEAD 0x64656164u /* "dead" */

struct mln_alloc_s {
    /* Read on every call: kept with the engine's hot fields in one line. */
    uint32_t magic;            /* MLN_POOL_MAGIC while the pool lives */
    struct mln_shared *shared; /* a shared pool's lock and journal; NULL otherwise */
    size_t large_block_bytes;  /* blocks above this get a span of their own */
    mln_engine_t engine;
    mln_quick_t quick; /* front cache of small freed blocks (unused by shared pools) */
    /* Counters for mln_alloc_stats; blocks given to children count here too. */
    size_t bytes_in_use;   /* bytes of blocks handed out, headers included */
    /* Most bytes_in_use may become (mln_alloc_init_capacity), SIZE_MAX for
     * no limit: beside bytes_in_use, so that the check costs one compare of
     * fields the allocation touches anyway. Never below bytes_in_use. */
    size_t capacity_limit;
    size_t peak_bytes_in_use;
    size_t allocations, frees, failures;
    mln_alloc_t *parent; /* source of spans; NULL: the platform or a fixed region */
    mln_alloc_t *first_child;
    mln_alloc_t *prev_sibling;
    mln_alloc_t *next_sibling;
    mln_span_t *spare;     /* one emptied grown span kept for reuse, or NULL */
    size_t home_bytes;     /* bytes of the allocation this structure heads */
    size_t next_grow_bytes;
    const struct mln_pool_policy *policy;
    unsigned long owner_id; /* the creating process (mln_platform_owner_id) */
    /* Lives in memory several processes share (a shared pool or a pool
     * descended from one): memory checkers, whose view is per process,
     * are not told about its blocks. */
    bool in_shared_memory;
    /* For a pool over a fixed region: what gives the region back at destroy. */
    void (*release_region)(void *mem, size_t size);
};

#define MLN_POOL_STRUCT_BYTES MLN_ALIGN_UP(sizeof(struct mln_alloc_s))

/*
 * Every pool handle is preceded by a block header whose link names the pool
 * itself, so that mln_alloc_free(pool) reads a header like any other and
 * recognises a pool. A child's home is a block of its parent and has one;
 * a pool at the start of memory of its own (a root, region or shared pool)
 * gets one written before it: its handle sits this many bytes in.
 */
static inline size_t mln_pool_handle_offset(const mln_alloc_t *parent)
{
    return parent == NULL ? MLN_BLOCK_HEADER : 0;
}

/* Start of the memory `pool` was set up in (home_bytes long). */
static inline void *mln_pool_home(const mln_alloc_t *pool)
{
    return (char *)(uintptr_t)pool - mln_pool_handle_offset(pool->parent);
}

/* Whether `pool` may be used: created, and neither it nor an ancestor destroyed. */
static inline bool mln_pool_is_live(const mln_alloc_t *pool)
{
    return pool->magic == MLN_POOL_MAGIC;
}

/*
 * Create a heap pool (a root when parent == NULL, else a child of `parent`)
 * whose blocks may occupy at most `limit` bytes (SIZE_MAX: no limit).
 */
mln_alloc_t *mln_pool_create(mln_alloc_t *parent, size_t limit);

/* Whether `pool` is over a fixed region (a region or shared pool): one span, never grows. */
static inline bool mln_pool_is_fixed(const mln_alloc_t *pool)
{
    return pool->policy->first_grow_bytes == 0;
}

/* Bytes `pool` holds from its parent or the platform: its spans, home and spare included. O(spans). */
size_t mln_pool_held_bytes(const mln_alloc_t *pool);

/*
 * Bytes of blocks `pool` has in use, into *used: its counter, or for a
 * shared pool, whose counter misses what other processes' sub-pools took,
 * a count from the blocks (O(blocks); the caller holds the lock). False
 * when that walk finds the pool broken.
 */
bool mln_pool_used_bytes(const mln_alloc_t *pool, size_t *used);

/* Allocate a used block of `bytes` payload bytes for `pool`, or NULL (also past its capacity). */
mln_block_t *mln_pool_alloc_block(mln_alloc_t *pool, size_t bytes);

/* Give a used block back to `pool` (which owns it or lends it to a child). */
void mln_pool_free_block(mln_alloc_t *pool, mln_block_t *b);

/*
 * Create a pool over the fixed region [mem, mem + size): the control
 * structure, `extra_bytes` for the caller (returned in *extra), then one span
 * that never grows. `release` (may be NULL) gets the region back at destroy.
 * Returns NULL if the region is too small.
 */
mln_alloc_t *mln_pool_init_fixed(void *mem, size_t size, size_t extra_bytes, void **extra,
                                 void (*release)(void *mem, size_t size));

/* Smallest region mln_pool_init_fixed accepts with `extra_bytes`. */
size_t mln_pool_fixed_min_size(size_t extra_bytes);

/* Hand every block of the front cache back to the engine. O(MLN_QUICK_CLASSES * MLN_QUICK_DEPTH). */
void mln_pool_flush_quick(mln_alloc_t *pool);

/* Decide the fate of a span that mln_engine_free reported empty. */
void mln_pool_span_emptied(mln_alloc_t *pool, mln_span_t *span);

/* Slow paths of mln_pool_alloc_block, in pool.c. */
mln_block_t *mln_pool_alloc_large(mln_alloc_t *pool, size_t block_bytes);
bool mln_pool_grow(mln_alloc_t *pool, size_t block_bytes);

/* Whether a used block of `pool` may carry `tag`: the pool (its front cache's
 * mark included) or one of its children. */
static inline bool mln_pool_is_owner(const mln_alloc_t *pool, const void *tag)
{
    return tag == pool || tag == mln_quick_mark(pool) ||
           (tag != NULL && ((const mln_alloc_t *)tag)->parent == pool);
}

/* Integrity walk of `pool` and every descendant: NULL when clean, else a message. */
const char *mln_pool_check_tree(const mln_alloc_t *pool);

/*
 * Integrity walk of `pool` alone (not its descendants), O(blocks): NULL when
 * every engine invariant holds and the front cache is sound, else a message.
 * `used_bytes` (optional) receives the bytes of blocks in use (headers
 * included; blocks in the front cache are not in use). A test and debug aid.
 */
const char *mln_pool_check(const mln_alloc_t *pool, size_t *used_bytes);

#endif /* MLN_ALLOC_POOL_H */
