/* SPDX-License-Identifier: MIT */
/*
 * pool.h: the pool layer: the pool behind mln_alloc_t, common to every kind.
 *
 * A pool is an engine plus the answer to two questions the engine leaves
 * open: where spans come from (the parent pool, or the platform for a root)
 * and what happens to a span once it is empty (keep it, cache it, give it
 * back). The pool's own control structure sits at the front of its first
 * ("home") span, so creating a pool is one request to its source.
 *
 * What differs between kinds of pool (heap and region pools, shared pools)
 * reaches this layer only through the pool's kind (struct mln_pool_kind): a
 * small table of operations that the kind layer above fills in. Nothing
 * here names a kind.
 */
#ifndef MLN_ALLOC_POOL_H
#define MLN_ALLOC_POOL_H

#include <stdbool.h>
#include <stddef.h>

#include "alloc/engine.h"
#include "alloc/mln_alloc.h"
#include "alloc/front_cache.h"
#include "alloc/track.h"

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
    /* Allocate from the wilderness (a bump) before reusing freed blocks:
     * for short-lived pools (a request's child), where a bump is the
     * cheapest allocation there is and the freed blocks are soon dropped
     * with the pool. Reuse waits until the wilderness is used up; the pool
     * grows only when neither serves, so it holds no more memory for it. */
    bool bump_first;
};

struct mln_pool_kind;

/*
 * Every live pool carries one of these; a freed block's header must name
 * such a pool. Which one says how the pool is served, so that the fast
 * paths tell with the compare that checks the pool anyway: MLN_POOL_MAGIC
 * for a pool whose small blocks the fast paths serve inline (its kind is
 * engine_direct: the front cache, a bump) reusing freed blocks first;
 * MLN_POOL_MAGIC_BUMP for one served inline too, whose policy bumps first
 * (a child: one compare more, out of line, so that the first kind pays no
 * test of the policy); MLN_POOL_MAGIC_KIND for one whose every block goes
 * through its kind (a shared pool), which then skips the inline paths it
 * could not use.
 */
#define MLN_POOL_MAGIC 0x6d6c6e70u      /* "mlnp" */
#define MLN_POOL_MAGIC_BUMP 0x6d6c6e71u /* "mlnq": MLN_POOL_MAGIC + 1 */
#define MLN_POOL_MAGIC_KIND 0x6d6c6e72u /* "mlnr": MLN_POOL_MAGIC + 2 */
_Static_assert(MLN_POOL_MAGIC_BUMP == MLN_POOL_MAGIC + 1 && MLN_POOL_MAGIC_KIND == MLN_POOL_MAGIC + 2,
               "the live marks are consecutive: one compare tells a live pool (mln_pool_is_live)");
/* What a destroyed pool (and every pool that was below it) carries instead,
 * for as long as its memory is not reused: calls on it are refused. */
#define MLN_POOL_DEAD 0x64656164u /* "dead" */

struct mln_alloc_s {
    /* Read on every call: kept with the engine's hot fields in one line. */
    const struct mln_pool_kind *kind; /* what its kind does differently */
    /* MLN_POOL_MAGIC, _BUMP or _KIND while the pool lives. Not the first
     * word: a child's structure heads a block of its parent, and once the
     * child is destroyed and the block freed, the parent's engine writes
     * that word (a free block's previous-in-bin link) but no other of the
     * structure, so that MLN_POOL_DEAD stays readable until the memory is
     * handed out again. */
    uint32_t magic;
    bool bump_first;                  /* its policy's (in magic's padding on LP64) */
    /* Lives in memory several processes share (a shared pool or a pool
     * descended from one): memory checkers, whose view is per process,
     * are not told about its blocks. */
    bool in_shared_memory;
    size_t large_block_bytes;  /* blocks above this get a span of their own */
    mln_engine_t engine;
    /* The cache the pool's freed blocks sit in, for the checks and the
     * figures: its own (mln_pool_front_cache), one the kind keeps instead
     * (shared pools), or NULL where the profile has none. */
    const mln_front_cache_t *cache;
    /* Counters for mln_alloc_stats; blocks given to children count here too. */
    size_t bytes_in_use;   /* bytes of blocks handed out, headers included */
    /* Most bytes_in_use may become (mln_alloc_init_capacity), SIZE_MAX for
     * no limit: beside bytes_in_use, so that the check costs one compare of
     * fields the allocation touches anyway. Never below bytes_in_use. */
    size_t capacity_limit;
    /* The most bytes_in_use had before it last went down: the peak is the
     * larger of this and bytes_in_use (mln_pool_peak). */
    size_t peak_bytes_in_use;
    size_t allocations, frees, failures;
    mln_alloc_t *parent; /* source of spans; NULL: the platform or a fixed region */
    /* What it does as a parent: NULL until it has had a child (its kind's
     * parent operations are installed then: struct mln_pool_parent_ops). */
    const struct mln_pool_parent_ops *as_parent;
    mln_alloc_t *first_child;
    mln_alloc_t *prev_sibling;
    mln_alloc_t *next_sibling;
    mln_span_t *spare;     /* one emptied grown span kept for reuse, or NULL (MLN_WITH_SPARE_SPAN) */
    size_t home_bytes;     /* bytes of the allocation this structure heads */
    size_t next_grow_bytes;
    const struct mln_pool_policy *policy;
    unsigned long owner_id; /* the creating process, where a kind records it */
    void *kind_state;       /* the kind's own state (a shared pool's lock and journal) */
    /* For a pool over a fixed region: what gives the region back at destroy. */
    void (*release_region)(void *mem, size_t size);
};

#define MLN_POOL_STRUCT_BYTES MLN_ALIGN_UP(sizeof(struct mln_alloc_s))

/*
 * A pool's control structure is the struct above followed, in the same
 * memory, by the parts whose size depends on the profile or the pool:
 *
 *   | struct mln_alloc_s | front cache (services) | bin heads | kind's extra | home span ...
 *
 * The front cache sits at a constant offset from the handle (no pointer to
 * follow on the fast paths); the bin heads are sized to the blocks the pool
 * can ever hold (mln_engine_levels_for).
 */
#define MLN_POOL_CACHE_BYTES ((size_t)(MLN_WITH_FRONT_CACHE ? MLN_ALIGN_UP(sizeof(mln_front_cache_t)) : 0))

/* The pool's own front cache (only where the profile carries one). */
static inline mln_front_cache_t *mln_pool_front_cache(const mln_alloc_t *pool)
{
    MLN_ASSERT(MLN_WITH_FRONT_CACHE);
    return (mln_front_cache_t *)(void *)((char *)(uintptr_t)pool + MLN_POOL_STRUCT_BYTES);
}

/* Bytes of the control structure of a pool whose engine has `levels`
 * levels of bins: the struct, the front cache, the bin heads. */
static inline size_t mln_pool_control_bytes(unsigned levels)
{
    return MLN_POOL_STRUCT_BYTES + MLN_POOL_CACHE_BYTES + MLN_ALIGN_UP(mln_engine_bins_bytes(levels));
}

/* The levels of bins of `pool`'s engine: its children take as many (no block
 * of theirs can be larger than one of its own). */
static inline unsigned mln_pool_levels(const mln_alloc_t *pool)
{
    return mln_engine_levels_for(pool->engine.bin_limit - 1);
}

/*
 * Every pool handle is preceded by a block header whose link is the handle's
 * tag (mln_pool_handle_tag), so that mln_alloc_free(pool) reads a header
 * like any other and recognises a pool. A child's home is a block of its
 * parent and has one; a pool at the start of memory of its own (a root,
 * region or shared pool) gets one written before it: its handle sits this
 * many bytes in.
 */
static inline size_t mln_pool_handle_offset(const mln_alloc_t *parent)
{
    return parent == NULL ? MLN_BLOCK_HEADER : 0;
}

/*
 * The link of the header before the handle of `pool`: the handle with bit 1
 * set. No block's owner looks like it (pools are aligned, and a cached
 * block's mark is bit 0), so mln_alloc_free(pool) fails the alignment test
 * every free makes anyway and is told apart only then (api.c); to its
 * parent's checks it still names the pool whose home the block is.
 */
#define MLN_POOL_HANDLE_BIT ((uintptr_t)2)
_Static_assert(MLN_POOL_HANDLE_BIT < MLN_ALIGN, "a handle's tag is not an aligned address");

static inline void *mln_pool_handle_tag(const void *handle)
{
    return (void *)((uintptr_t)handle | MLN_POOL_HANDLE_BIT);
}

/* The link of block `b`, taken for `tag` (a pool, or a child for a span),
 * or for a child's home (NULL): the tag of the handle at its payload. */
static inline void *mln_pool_lent_tag(const mln_block_t *b, void *tag)
{
    return tag != NULL ? tag : mln_pool_handle_tag(block_payload(b));
}

/* The pool a block's link names, a handle's tag included (any other mark
 * kept: a cached block's link stays unlike any pool). */
static inline const mln_alloc_t *mln_pool_named_by(const void *link)
{
    return (const mln_alloc_t *)((uintptr_t)link & ~MLN_POOL_HANDLE_BIT);
}

/* The handle of the pool set up at `home` (below `parent`, or NULL): the
 * inverse of mln_pool_home. */
static inline mln_alloc_t *mln_pool_at_home(void *home, const mln_alloc_t *parent)
{
    return (mln_alloc_t *)(void *)((char *)home + mln_pool_handle_offset(parent));
}

/*
 * The peak is kept lazily: bytes_in_use peaks just before it goes down, so
 * that is when the peak is updated (mln_pool_fold_peak), and the peak is
 * the larger of the field and bytes_in_use (mln_pool_peak). An allocation
 * then only adds: no compare of the peak where blocks are handed out, the
 * busiest place, and none that a growing pool (a request's, a burst's)
 * would find hard to predict. A free compares, and in a steady state
 * almost never finds a new peak.
 */
static inline void mln_pool_fold_peak(mln_alloc_t *pool)
{
    if (pool->bytes_in_use > pool->peak_bytes_in_use)
        pool->peak_bytes_in_use = pool->bytes_in_use;
}

/* The most bytes `pool` has had in use. */
static inline size_t mln_pool_peak(const mln_alloc_t *pool)
{
    return pool->bytes_in_use > pool->peak_bytes_in_use ? pool->bytes_in_use : pool->peak_bytes_in_use;
}

/* Start of the memory `pool` was set up in (home_bytes long). */
static inline void *mln_pool_home(const mln_alloc_t *pool)
{
    return (char *)(uintptr_t)pool - mln_pool_handle_offset(pool->parent);
}

/* Whether `pool` may be used: created, and neither it nor an ancestor destroyed. */
static inline bool mln_pool_is_live(const mln_alloc_t *pool)
{
    return pool->magic - MLN_POOL_MAGIC < 3u; /* MAGIC, _BUMP or _KIND: one compare */
}

/* Whether `pool` is live, its small blocks served inline (pool_fast.h),
 * freed ones reused first: the commonest pool, told in one compare. */
static inline bool mln_pool_is_served_inline(const mln_alloc_t *pool)
{
    return pool->magic == MLN_POOL_MAGIC;
}

/* Whether `pool` is live and served inline, bumping first (pool_fast.h). */
static inline bool mln_pool_is_served_inline_bumping(const mln_alloc_t *pool)
{
    return pool->magic == MLN_POOL_MAGIC_BUMP;
}

/*
 * What a kind of pool does its own way. The pool layer calls these; the
 * kind layer (kind_heap.c, kind_shared.c) fills them in. Every member is
 * set (no NULL checks on the way).
 */
struct mln_pool_kind {
    /* ---- the pool's own blocks, past the front cache ---- */
    /* A used block for a request of `bytes` (`block_bytes` from
     * mln_engine_block_size, 0 when not representable), or NULL. The
     * capacity is checked by the caller afterwards. A kind with
     * engine_direct is asked only once its engine had no block. */
    mln_block_t *(*alloc)(mln_alloc_t *pool, size_t bytes, size_t block_bytes);
    /* As alloc, for a block that is moving to grow (it will likely grow
     * again): where its next growth can happen in place, if the kind can. */
    mln_block_t *(*alloc_for_growth)(mln_alloc_t *pool, size_t bytes, size_t block_bytes);
    /* Take back a used block of the pool that the front cache did not. */
    void (*free)(mln_alloc_t *pool, mln_block_t *b);
    /* Resize a block of the pool in place, within its capacity; false:
     * nothing changed. */
    bool (*resize)(mln_alloc_t *pool, mln_block_t *b, size_t block_bytes);
    /* Before a call that reads the pool: make it trustworthy (a shared
     * pool recovers a torn operation); false when it cannot be. */
    bool (*ready)(mln_alloc_t *pool);
    /* Bytes of the pool's blocks in use, into *used; false when a count
     * from the blocks finds the pool broken. */
    bool (*used_bytes)(const mln_alloc_t *pool, size_t *used);

    /* ---- its end ---- */
    /* Destroy the pool (live) and every pool below it: the pool layer's
     * mln_pool_destroy_fixed or mln_pool_destroy_grown, whichever the
     * kind's pools are, so that an image whose pools never grow carries
     * no code to give spans back. */
    void (*destroy)(mln_alloc_t *pool);

    /* A block may be taken from the pool's engine with no more ado (no
     * journal, no lock): the allocation past the front cache tries the
     * engine inline first, and calls alloc only when it has no block. */
    bool engine_direct;

    /* Destroying a pool over a fixed region lets the region go in this
     * process only (other processes go on using it): nothing may be
     * written into it, the pools inside are not marked dead. */
    bool detach_only;
};

/*
 * What a pool does as a parent: the memory its child pools live in. Not
 * part of its kind: a pool's parent operations are installed in the pool
 * (mln_alloc_s.as_parent) by whatever gives it its first child (a shared
 * pool's at its creation), so that an image with no child pools carries
 * none of this code. Every member is set.
 */
struct mln_pool_parent_ops {
    /* Start a series of exchanges with `parent` (a shared pool takes its
     * lock); false: nothing may be done. leave ends it. */
    bool (*enter)(mln_alloc_t *parent);
    void (*leave)(mln_alloc_t *parent);
    /* Memory of at least *bytes (updated to what was granted) for a new
     * child's home; NULL if none. On success the child is set up in it and
     * then handed to adopt, which completes the operation. */
    void *(*lend_home)(mln_alloc_t *parent, size_t *bytes);
    void (*adopt)(mln_alloc_t *parent, mln_alloc_t *child);
    /* A span of at least *bytes (updated) for `child`, or NULL. */
    void *(*lend_span)(mln_alloc_t *parent, size_t *bytes, mln_alloc_t *child);
    /* Take back a home or span (`bytes` long) a child is done with. */
    void (*take_back)(mln_alloc_t *parent, void *mem, size_t bytes);
    /* A child's destruction begins (it leaves the parent's child list) and
     * ends (its memory has all been taken back). */
    void (*disown)(mln_alloc_t *parent, mln_alloc_t *child);
    void (*disowned)(mln_alloc_t *parent);
};

/*
 * Create a pool of `kind` with `policy`: a root when parent == NULL (its
 * home from the platform), else a child of `parent` (its home lent by the
 * parent's kind). Its blocks may occupy at most `limit` bytes (SIZE_MAX: no
 * limit). NULL when no memory can be had.
 */
mln_alloc_t *mln_pool_create(mln_alloc_t *parent, size_t limit, const struct mln_pool_kind *kind,
                             const struct mln_pool_policy *policy);

/*
 * Create a pool of `kind` over the fixed region [mem, mem + size): the
 * header of its handle, the control structure, `extra_bytes` for the kind
 * (returned in *extra), then one span that never grows. `release` (may be
 * NULL) gets the region back at destroy. NULL if the region is too small.
 */
mln_alloc_t *mln_pool_init_fixed(void *mem, size_t size, size_t extra_bytes, void **extra,
                                 const struct mln_pool_kind *kind,
                                 void (*release)(void *mem, size_t size));

/* Smallest region mln_pool_init_fixed accepts with `extra_bytes`. */
size_t mln_pool_fixed_min_size(size_t extra_bytes);

/* Destroy `pool` (live) and every pool below it (mln_alloc_destroy): its
 * kind's way. */
static inline void mln_pool_destroy(mln_alloc_t *pool) { pool->kind->destroy(pool); }

/* The two ways, for the kinds' tables: a pool over a fixed region (its
 * region goes back to its owner whole), and a pool that grows by spans
 * from its parent or the platform (each goes back). */
void mln_pool_destroy_fixed(mln_alloc_t *pool);
void mln_pool_destroy_grown(mln_alloc_t *pool);

/* Whether `pool` is over a fixed region (a region or shared pool): one span, never grows. */
static inline bool mln_pool_is_fixed(const mln_alloc_t *pool)
{
    return pool->policy->first_grow_bytes == 0;
}

/* The kind's operations, for the layers above. */
static inline bool mln_pool_ready(mln_alloc_t *pool) { return pool->kind->ready(pool); }

/*
 * Bytes of `pool`'s blocks in use, into *used: the kind's count (false when
 * a count from the blocks finds the pool broken). A count from the blocks
 * (a shared pool's) sees what the pool's own counter, which hears its
 * direct calls only, does not (its sub-pools' homes and spans): the peak
 * takes every count in, so that it is never below a figure reported.
 */
static inline bool mln_pool_used_bytes(mln_alloc_t *pool, size_t *used)
{
    if (!pool->kind->used_bytes(pool, used))
        return false;
    if (*used > pool->peak_bytes_in_use)
        pool->peak_bytes_in_use = *used;
    return true;
}

/* Bytes `pool` holds from its parent or the platform: its spans, home and spare included. O(spans). */
size_t mln_pool_held_bytes(const mln_alloc_t *pool);

/* ---- for the kinds: the engine-backed way to serve a pool's blocks ---- */

/* Hand every block of the front cache back to the engine (nothing where the
 * profile has no cache). O(MLN_FRONT_CACHE_CLASSES * MLN_FRONT_CACHE_DEPTH). */
void mln_pool_flush_front_cache(mln_alloc_t *pool);

/* Decide the fate of a span that mln_engine_free reported empty. */
void mln_pool_span_emptied(mln_alloc_t *pool, mln_span_t *span);

/* Free a used block of `pool` into its engine, and settle the span's fate if it emptied. */
void mln_pool_engine_free(mln_alloc_t *pool, mln_block_t *b);

/* Take a span of its own for a block of `block_bytes`, or grow by a span
 * that fits one: the ways a pool gets memory from its source. */
mln_block_t *mln_pool_alloc_large(mln_alloc_t *pool, size_t block_bytes);
bool mln_pool_grow(mln_alloc_t *pool, size_t block_bytes);

/* Called before each word of the child list that link/unlink write. */
typedef void (*mln_word_fn)(void *ctx, void *word);

/* Link or unlink `child` in `parent`'s child list; `before_write` (may be
 * NULL) hears of each word first. */
void mln_pool_link_child(mln_alloc_t *parent, mln_alloc_t *child, mln_word_fn before_write, void *ctx);
void mln_pool_unlink_child(mln_alloc_t *parent, mln_alloc_t *child, mln_word_fn before_write, void *ctx);

/* ---- what memory checkers are told (alloc/track.h) ---- */

/* Memory several processes share is never announced: a checker sees one. */
static inline bool mln_pool_tracked(const mln_alloc_t *pool)
{
    return MLN_TRACKING && !pool->in_shared_memory;
}

/* Space in `pool`'s engine that is no caller's: no one may touch it. */
static inline void mln_pool_hide(const mln_alloc_t *pool, void *mem, size_t bytes)
{
    if (mln_pool_tracked(pool))
        mln_track_hide(mem, bytes);
}

/* ---- integrity ---- */

/* Whether a used block of `pool` may carry `tag`: the pool (its front cache's
 * mark included) or one of its children. */
static inline bool mln_pool_is_owner(const mln_alloc_t *pool, const void *tag)
{
    return tag == pool || tag == mln_front_cache_mark(pool) ||
           (tag != NULL && mln_pool_named_by(tag)->parent == pool); /* a child's span or home */
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

/* As mln_pool_check, with `owner_ok(ctx, link)` deciding which owners a
 * used block may name (a kind whose blocks other pools' may own: shared). */
const char *mln_pool_check_owned(const mln_alloc_t *pool, mln_owner_check_fn owner_ok, const void *ctx,
                                 size_t *used_bytes);

#endif /* MLN_ALLOC_POOL_H */
