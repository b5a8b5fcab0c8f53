/* SPDX-License-Identifier: MIT */
/*
 * engine.h: the allocation engine every pool kind runs on.
 *
 * A two-level segregated fit allocator (the TLSF class: Masmano et al., 2004).
 * Free blocks live in FL x SL bins: the first level is the power of two of
 * the size, the second splits each power of two into MLN_SL_COUNT equal
 * ranges (sizes below MLN_SMALL_LIMIT get linear bins of MLN_ALIGN bytes).
 * Two bitmaps say which bins are non-empty, so finding a block, freeing one
 * (with immediate merging of free neighbours) and resizing in place are O(1)
 * with no list scan. Requests are rounded up to the next bin boundary before
 * the search ("good fit"), so any block found is large enough.
 *
 * The engine manages spans it is handed; it never obtains memory itself. The
 * pool layer (pool.c) decides where spans come from and where they go.
 */
#ifndef MLN_ALLOC_ENGINE_H
#define MLN_ALLOC_ENGINE_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "alloc/block.h"
#include "alloc/profile.h"

/* MLN_SL_LOG2, the bins per power of two, is the profile's (profile.h). */
#define MLN_SL_COUNT (1u << MLN_SL_LOG2)
#define MLN_ALIGN_LOG2 (MLN_ALIGN == 8 ? 3u : MLN_ALIGN == 16 ? 4u : MLN_ALIGN == 32 ? 5u : 6u)
#define MLN_SMALL_LOG2 (MLN_SL_LOG2 + MLN_ALIGN_LOG2)
#define MLN_SMALL_LIMIT ((size_t)1 << MLN_SMALL_LOG2)
/* 32 first-level bins on 64-bit (blocks below 512 GiB); on 32-bit, enough for
 * blocks below 2 GiB. */
#define MLN_SIZE_BITS ((unsigned)(sizeof(size_t) * CHAR_BIT))
#define MLN_FL_COUNT_MAX 32u
#define MLN_FL_COUNT                                                  \
    (MLN_SIZE_BITS - MLN_SMALL_LOG2 > MLN_FL_COUNT_MAX ? MLN_FL_COUNT_MAX \
                                                       : MLN_SIZE_BITS - MLN_SMALL_LOG2)
/* Every block in a bin is smaller than this. */
#define MLN_BIN_LIMIT ((size_t)1 << (MLN_SMALL_LOG2 + MLN_FL_COUNT - 1u))

/* A second-level bitmap: a byte where a power of two has at most 8 bins
 * (firmware), so that the bitmaps stay a few dozen bytes of a pool. */
#if MLN_SL_COUNT <= 8
typedef uint8_t mln_sl_map_t;
#else
typedef uint32_t mln_sl_map_t;
#endif

/* The bin heads of an engine: MLN_SL_COUNT per level (power of two). */
typedef struct mln_block *mln_bin_row_t[MLN_SL_COUNT];

/* A span: a run of blocks. The header sits at the span's first byte. */
typedef struct mln_span {
    struct mln_span *prev;
    struct mln_span *next;
    size_t size;   /* bytes from this header to the end of the span */
    unsigned kind; /* the pool layer's tag (where it came from, what to do when empty) */
} mln_span_t;

#define MLN_SPAN_HEADER MLN_ALIGN_UP(sizeof(mln_span_t))
/* Bytes of a span that no block can use: its header and its end sentinel. */
#define MLN_SPAN_OVERHEAD (MLN_SPAN_HEADER + MLN_BLOCK_HEADER)

typedef struct mln_engine {
    /* Hot fields first: the bump path reads only these. */
    uint32_t fl_bitmap;                 /* bit f: sl_bitmap[f] != 0 */
    /* The wilderness: the free tail of the newest span, kept out of the bins
     * and served front to back when no bin fits (a bump allocation), so that
     * a fresh span costs a few stores per block. NULL when there is none,
     * and always where the profile has no wilderness (MLN_WITH_WILDERNESS):
     * read it through mln_engine_wild. */
    mln_block_t *wild;
    mln_span_t *spans;                  /* circular list of the spans in use */
    /* heads[f][s] is the first free block of bin (f, s), f below the
     * engine's levels; read only while its bitmap bit is set, so it is
     * never initialised: creating an engine touches the bitmaps alone. The
     * storage is the engine owner's (mln_engine_init), sized to the blocks
     * the engine can ever hold: a pool over 2 KiB needs far fewer rows
     * than one that may hold 4 GiB blocks. */
    mln_bin_row_t *heads;
    size_t bin_limit;                   /* every block in a bin is smaller: 2^(MLN_SMALL_LOG2 + levels - 1) */
    mln_sl_map_t sl_bitmap[MLN_FL_COUNT]; /* bit s of [f]: bin (f, s) is non-empty */
} mln_engine_t;

_Static_assert(MLN_ALIGN == ((size_t)1 << MLN_ALIGN_LOG2), "alignment has a known log2");
_Static_assert(MLN_SL_COUNT <= 32, "a second-level bitmap fits in 32 bits");
_Static_assert(MLN_FL_COUNT <= MLN_FL_COUNT_MAX, "a first-level bitmap fits in 32 bits");

/* The wilderness of `e`, or NULL: a constant NULL where the profile keeps
 * none, so that the compiler drops every path that serves or grows one. */
static inline mln_block_t *mln_engine_wild(const mln_engine_t *e)
{
    return MLN_WITH_WILDERNESS ? e->wild : NULL;
}

/* Index of the highest set bit of x != 0. */
static inline unsigned mln_highest_bit(size_t x)
{
    MLN_ASSERT(x != 0);
    /* The test folds at compile time; 32-bit targets keep a single CLZ and
     * need no 64-bit helper from libgcc. */
    if (sizeof(size_t) <= sizeof(unsigned))
        return (unsigned)(sizeof(unsigned) * CHAR_BIT - 1) - (unsigned)__builtin_clz((unsigned)x);
    return 63u - (unsigned)__builtin_clzll((unsigned long long)x);
}

/* The bin (first level, second level) that a free block of `size` bytes belongs to. */
static inline void mln_engine_bin_of(size_t size, unsigned *fl, unsigned *sl)
{
    if (size < MLN_SMALL_LIMIT) {
        *fl = 0;
        *sl = (unsigned)(size >> MLN_ALIGN_LOG2);
    } else {
        unsigned top = mln_highest_bit(size);
        *fl = top - MLN_SMALL_LOG2 + 1u;
        *sl = (unsigned)(size >> (top - MLN_SL_LOG2)) ^ MLN_SL_COUNT;
    }
    MLN_ASSERT(*fl < MLN_FL_COUNT && *sl < MLN_SL_COUNT);
}

/* The first block of `span` (just after its header). */
static inline mln_block_t *mln_span_first_block(const mln_span_t *span)
{
    return (mln_block_t *)(void *)((char *)(uintptr_t)span + MLN_SPAN_HEADER);
}

/*
 * The span after `span` in `e`'s circular list, or NULL once round: walk
 * them all with
 *     for (const mln_span_t *s = e->spans; s != NULL; s = mln_engine_next_span(e, s))
 */
static inline mln_span_t *mln_engine_next_span(const mln_engine_t *e, const mln_span_t *span)
{
    return span->next == e->spans ? NULL : span->next;
}

/*
 * The largest block there is: the largest a bin holds. A span of more (a
 * large region) uses only its first part, and no request needs more:
 * mln_engine_block_size refuses the requests a block this size cannot
 * serve, so that no span is ever asked for one (2^39 - 16 bytes on LP64,
 * 2^31 - 8 on 32-bit ARM).
 */
#define MLN_BLOCK_MAX (MLN_BIN_LIMIT - MLN_ALIGN)
/* The largest request any pool serves: a block of MLN_BLOCK_MAX, header
 * included (2^39 - 32 bytes on LP64, 2^31 - 16 on 32-bit ARM). */
#define MLN_REQUEST_MAX (MLN_BLOCK_MAX - MLN_BLOCK_HEADER)

/* Bytes of the first block of a fresh span of `size` bytes (clamped to MLN_BLOCK_MAX). */
static inline size_t mln_span_block_bytes(size_t size)
{
    size_t block_bytes = (size - MLN_SPAN_OVERHEAD) & ~(MLN_ALIGN - 1);
    return block_bytes > MLN_BLOCK_MAX ? MLN_BLOCK_MAX : block_bytes;
}

/* Where a span's end sentinel sits: its blocks must tile up to exactly here. */
static inline const mln_block_t *mln_span_sentinel(const mln_span_t *span)
{
    return (const mln_block_t *)(const void *)((const char *)span + MLN_SPAN_HEADER +
                                               mln_span_block_bytes(span->size));
}

/*
 * Levels (powers of two) of bins an engine needs for blocks of up to
 * `largest` bytes: 1 to MLN_FL_COUNT. O(1).
 */
static inline unsigned mln_engine_levels_for(size_t largest)
{
    if (largest < MLN_SMALL_LIMIT)
        return 1u;
    unsigned levels = mln_highest_bit(largest) - MLN_SMALL_LOG2 + 2u;
    return levels < MLN_FL_COUNT ? levels : MLN_FL_COUNT;
}

/* Every block an engine of `levels` levels holds is smaller than this. */
static inline size_t mln_engine_bin_limit(unsigned levels)
{
    return (size_t)1 << (MLN_SMALL_LOG2 + levels - 1u);
}

/* Bytes of bin heads an engine of `levels` levels needs (mln_engine_init). */
static inline size_t mln_engine_bins_bytes(unsigned levels)
{
    return (size_t)levels * sizeof(mln_bin_row_t);
}

/*
 * Make `e` empty (no spans, no free blocks), its bins' heads in `bins`
 * (mln_engine_bins_bytes(levels) bytes, pointer-aligned, never read before
 * written): every block it is ever given must be smaller than
 * 2^(MLN_SMALL_LOG2 + levels - 1) (mln_engine_levels_for). O(FL).
 */
void mln_engine_init(mln_engine_t *e, void *bins, unsigned levels);

/*
 * Block size (header included) that serves a request of `bytes`, or 0 when
 * no block can: above MLN_REQUEST_MAX (which also keeps the sum below from
 * wrapping). Every request past the front cache's sizes is sized here, so
 * every pool refuses these the same way, whatever its source would grant.
 */
static inline size_t mln_engine_block_size(size_t bytes)
{
    if (bytes > MLN_REQUEST_MAX)
        return 0;
    size_t size = MLN_ALIGN_UP(bytes + MLN_BLOCK_HEADER);
    return size < MLN_BLOCK_MIN ? MLN_BLOCK_MIN : size;
}

/*
 * Smallest free block that mln_engine_alloc(block_bytes) is sure to find: the
 * search rounds a request up to the edge of its bin (see engine.c).
 */
static inline size_t mln_engine_fit_size(size_t block_bytes)
{
    if (block_bytes < MLN_SMALL_LIMIT)
        return block_bytes;
    size_t granule = (size_t)1 << (mln_highest_bit(block_bytes) - MLN_SL_LOG2);
    return (block_bytes + granule - 1) & ~(granule - 1);
}

/*
 * The largest size mln_engine_fit_size returns that is at most `bytes` (an
 * aligned size of at least MLN_BLOCK_MIN): the edge of a bin, which is
 * also a front-cache class's size up to MLN_FRONT_CACHE_MAX.
 */
static inline size_t mln_engine_fit_floor(size_t bytes)
{
    if (bytes < MLN_SMALL_LIMIT)
        return bytes;
    size_t granule = (size_t)1 << (mln_highest_bit(bytes) - MLN_SL_LOG2);
    return bytes & ~(granule - 1);
}

/* Smallest span that can hold one block of `block_bytes`. */
static inline size_t mln_engine_span_size_for(size_t block_bytes)
{
    return block_bytes + MLN_SPAN_OVERHEAD;
}

/*
 * Format `size` bytes at `mem` (aligned to MLN_ALIGN, size >=
 * mln_engine_span_size_for(MLN_BLOCK_MIN)) as a span of one free block, and
 * add it to `e`. Spans beyond MLN_BIN_LIMIT use only their first part. O(1).
 */
mln_span_t *mln_engine_add_span(mln_engine_t *e, void *mem, size_t size, unsigned kind);

/*
 * As mln_engine_add_span, but the span's single block is handed out used, to
 * `owner`, at once (a span of its own for a large block). O(1).
 */
mln_block_t *mln_engine_add_span_used(mln_engine_t *e, void *mem, size_t size,
                                      unsigned kind, void *owner);

/*
 * The link word the engine leaves in the header of a block it merged into its
 * predecessor: odd, so that it names no owner (a later free of the same
 * pointer is then recognised as a second free).
 */
#define MLN_ENGINE_LINK_FREED ((void *)(uintptr_t)0x0f4eed01u)

/* A block of at least `block_bytes` (from mln_engine_block_size) for `owner`, or NULL. O(1). */
mln_block_t *mln_engine_alloc(mln_engine_t *e, size_t block_bytes, void *owner);

/*
 * Take exactly `block_bytes` from the front of the wilderness `w` (at
 * least that plus MLN_BLOCK_MIN bytes), for `owner`: a bump. What remains
 * stays the wilderness, and the block after it keeps its MLN_PREV_FREE. The
 * wilderness keeps no footer: the block after it is its span's sentinel,
 * which is never freed, so nothing reads one; it gets its footer when it
 * joins the bins (mln_engine_add_span). A store per bump saved. Inline: also the pool layer's fast path while a pool fills
 * its newest span (mln_engine_bump). O(1).
 */
static inline mln_block_t *mln_engine_carve(mln_engine_t *e, mln_block_t *w, size_t block_bytes,
                                            void *owner)
{
    MLN_ASSERT(w == mln_engine_wild(e) && block_size(w) >= block_bytes + MLN_BLOCK_MIN);
    size_t head = w->head;
    MLN_ASSERT(block_is_free(w) && !block_prev_is_free(w));
    w->head = block_bytes | (head & MLN_FIRST); /* used; the block before is used */
    w->link = owner;
    mln_block_t *left = (mln_block_t *)(void *)((char *)w + block_bytes);
    /* The wilderness's flags are MLN_FREE and perhaps MLN_FIRST (the block
     * before it is never free: it would have merged): the bytes taken off
     * its head word, what is left keeps MLN_FREE and is not first. */
    left->head = (head - block_bytes) & ~(size_t)MLN_FIRST;
    e->wild = left;
    return w;
}

/*
 * A block of exactly `block_bytes` bumped off the wilderness, or NULL (then
 * mln_engine_alloc). Without `before_reuse`, only while the bins are empty
 * (a fresh span being filled, nothing freed to reuse first): what
 * mln_engine_alloc would do in that state, in a few instructions. With it,
 * even when freed blocks wait in the bins: they are reused once the
 * wilderness is used up, before the engine's owner grows (the policy of
 * short-lived pools: see struct mln_pool_policy). O(1).
 */
static inline mln_block_t *mln_engine_bump(mln_engine_t *e, size_t block_bytes, void *owner,
                                           bool before_reuse)
{
    mln_block_t *w = mln_engine_wild(e);
    /* The head word's flags (below MLN_ALIGN) cannot make it reach the next
     * multiple of MLN_ALIGN: compared whole, unmasked, it says whether the
     * wilderness keeps at least MLN_BLOCK_MIN after the block. */
    if ((!before_reuse && e->fl_bitmap != 0) || w == NULL || w->head < block_bytes + MLN_BLOCK_MIN)
        return NULL;
    return mln_engine_carve(e, w, block_bytes, owner);
}

/*
 * As mln_engine_alloc, but from the wilderness when it is large enough: for
 * a block that is likely to grow again (a reallocation that had to move), so
 * that its next growth happens in place. O(1).
 */
mln_block_t *mln_engine_alloc_at_end(mln_engine_t *e, size_t block_bytes, void *owner);

/*
 * Free a used block, merging it with free neighbours. Returns NULL normally;
 * when the span it belongs to has become entirely free, returns that span
 * and leaves its single free block out of the bins: the caller then either
 * keeps it (mln_engine_keep_span) or detaches it (mln_engine_remove_span). O(1).
 */
mln_span_t *mln_engine_free(mln_engine_t *e, mln_block_t *b);

/* Put an emptied span's block back in the bins. O(1). */
void mln_engine_keep_span(mln_engine_t *e, mln_span_t *span);

/* Detach an emptied span from `e` (its memory is then the caller's). O(1). */
void mln_engine_remove_span(mln_engine_t *e, mln_span_t *span);

/*
 * Resize a used block in place to `block_bytes`: shrink (returning the tail)
 * or grow into the free block after it. Returns false, changing nothing, when
 * the space after it does not allow. O(1).
 */
bool mln_engine_resize(mln_engine_t *e, mln_block_t *b, size_t block_bytes);

/*
 * Recompute everything derivable from the blocks' head words: the "previous
 * free" bits, footers, bins and bitmaps, merging free neighbours on the way.
 * Used after a crash has been undone (journal.h). O(blocks). Returns false if
 * the head words do not tile some span (the engine is then unusable).
 */
bool mln_engine_rebuild(mln_engine_t *e);

/* The block mln_engine_alloc(e, block_bytes, ...) would take, or NULL. O(1), changes nothing. */
mln_block_t *mln_engine_find(const mln_engine_t *e, size_t block_bytes);

/* Allocate `b`, just returned by mln_engine_find(e, block_bytes) with no
 * change to `e` since: mln_engine_alloc without searching again. O(1). */
mln_block_t *mln_engine_alloc_found(mln_engine_t *e, mln_block_t *b, size_t block_bytes, void *owner);

/*
 * Payload bytes of the largest free block: the wilderness, or a member of
 * the highest non-empty bin (every block there is larger than any block in a
 * lower one). O(blocks in that bin).
 */
size_t mln_engine_largest_free(const mln_engine_t *e);

/*
 * The ground-truth words (journal.h) that any engine operation on the used
 * block `b` (allocating it, freeing it, resizing it in place) may write, each
 * passed to `note` before the operation: b's head and link, the head of a
 * free block before it, the head and link of the block after it and, when
 * that one is free, the head after that. Kept beside the code that writes
 * them. O(1).
 */
void mln_engine_words_written(mln_block_t *b, void (*note)(void *ctx, void *word), void *ctx);

/* Building blocks shared by engine.c and engine_rebuild.c. */
void mln_engine_mark_free(mln_block_t *b);
void mln_engine_bin_insert(mln_engine_t *e, mln_block_t *b);

/*
 * Full integrity walk (test and debug aid, O(blocks)): every span's blocks
 * tile it, flags and footers agree, no two free blocks touch, every free
 * block sits in the right bin and every bin member is free, bitmaps match
 * the bins, and `owner_ok(ctx, link)` accepts every used block's owner
 * (not asked when owner_ok is NULL).
 * Returns NULL when all holds, else a message naming the first violation.
 * `used_bytes`, when not NULL, receives the total size of used blocks.
 */
typedef bool (*mln_owner_check_fn)(const void *ctx, const void *owner);
const char *mln_engine_check(const mln_engine_t *e, mln_owner_check_fn owner_ok, const void *ctx,
                             size_t *used_bytes);

#endif /* MLN_ALLOC_ENGINE_H */
