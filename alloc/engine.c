/* SPDX-License-Identifier: MIT */
/*
 * engine.c: bins, spans, and the O(1) operations on blocks.
 *
 * Invariants (checked in full by mln_engine_check, locally by MLN_ASSERT):
 *   - the blocks of a span tile it from the first block to the sentinel;
 *   - no two free blocks are adjacent (freeing merges at once);
 *   - a block has MLN_PREV_FREE exactly when the block before it is free,
 *     and then that block's footer points to it;
 *   - every free block is in the bin its size maps to, and only there;
 *   - a bitmap bit is set exactly when its bin (or its row) is non-empty.
 */
#include "alloc/engine.h"

static inline unsigned lowest_bit(uint32_t x)
{
    MLN_ASSERT(x != 0);
    return (unsigned)__builtin_ctz(x);
}

/* Unlink a free block from its bin. */
static inline void bin_remove(mln_engine_t *e, mln_block_t *b)
{
    unsigned fl, sl;
    mln_engine_bin_of(block_size(b), &fl, &sl);
    mln_block_t *next = b->link;
    mln_block_t *prev = *block_prev_free_slot(b);
    MLN_ASSERT(block_is_free(b) && (e->sl_bitmap[fl] & (1u << sl)));
    if (next != NULL)
        *block_prev_free_slot(next) = prev;
    if (prev != NULL) {
        prev->link = next;
        return;
    }
    MLN_ASSERT(e->heads[fl][sl] == b && fl < mln_engine_levels_for(e->bin_limit - 1));
    e->heads[fl][sl] = next;
    if (next == NULL) {
        e->sl_bitmap[fl] &= ~(1u << sl);
        if (e->sl_bitmap[fl] == 0)
            e->fl_bitmap &= ~(1u << fl);
    }
}

/* Push a free block (flags and footer already set) on the front of its bin. */
static inline void bin_insert(mln_engine_t *e, mln_block_t *b)
{
    unsigned fl, sl;
    MLN_ASSERT(block_size(b) < e->bin_limit);
    mln_engine_bin_of(block_size(b), &fl, &sl);
    MLN_ASSERT(block_is_free(b) && !block_prev_is_free(b));
    MLN_ASSERT(block_prev_physical(block_next(b)) == b);
    mln_block_t *head = (e->sl_bitmap[fl] & (1u << sl)) ? e->heads[fl][sl] : NULL;
    b->link = head;
    *block_prev_free_slot(b) = NULL;
    if (head != NULL)
        *block_prev_free_slot(head) = b;
    e->heads[fl][sl] = b;
    e->sl_bitmap[fl] |= 1u << sl;
    e->fl_bitmap |= 1u << fl;
}

/*
 * When no bin is certain to fit, the head of the request's own bin still
 * may: one more O(1) look, so that a block nearly as large as the largest
 * free block can be had.
 */
static inline mln_block_t *exact_bin_head(const mln_engine_t *e, size_t size)
{
    unsigned fl, sl;
    mln_engine_bin_of(size, &fl, &sl);
    if (!((e->sl_bitmap[fl] >> sl) & 1u))
        return NULL;
    mln_block_t *head = e->heads[fl][sl];
    return block_size(head) >= size ? head : NULL;
}

/* The wilderness if it holds `size` bytes, else NULL. */
static inline mln_block_t *wild_for(const mln_engine_t *e, size_t size)
{
    mln_block_t *w = mln_engine_wild(e);
    return w != NULL && block_size(w) >= size ? w : NULL;
}

/*
 * The free block an allocation of `size` bytes takes, in order of preference:
 *   1. the first block of the smallest non-empty bin of the same power of two
 *      whose every block is large enough (the request is rounded up to its
 *      bin's upper edge: "good fit");
 *   2. the head of the request's own bin, if it happens to be large enough;
 *   3. the first block of the smallest non-empty bin of a higher power of two;
 *   4. the wilderness.
 * Used memory before fresh memory, close fits before splitting large blocks:
 * this keeps the footprint near the live bytes. Each step is a bitmap scan
 * or one comparison: O(1).
 */
static inline mln_block_t *find(const mln_engine_t *e, size_t size)
{
    size_t fit = mln_engine_fit_size(size);
    mln_block_t *head;
    if (fit < e->bin_limit) {
        unsigned fl, sl;
        mln_engine_bin_of(fit, &fl, &sl);
        uint32_t sl_map = e->sl_bitmap[fl] & (~(uint32_t)0 << sl);
        if (sl_map != 0)
            return e->heads[fl][lowest_bit(sl_map)];
        if ((head = exact_bin_head(e, size)) != NULL)
            return head;
        uint32_t fl_map = fl + 1u < 32u ? e->fl_bitmap & (~(uint32_t)0 << (fl + 1u)) : 0;
        if (fl_map != 0) {
            fl = lowest_bit(fl_map);
            return e->heads[fl][lowest_bit(e->sl_bitmap[fl])];
        }
    } else if (size < e->bin_limit && (head = exact_bin_head(e, size)) != NULL) {
        return head; /* a block nearly as large as any the bins hold: their top bin's head may do */
    }
    return wild_for(e, size);
}

/* Mark b free, tell its successor, and write the footer; b's size is final. */
static inline void mark_free(mln_block_t *b)
{
    block_set_flag(b, MLN_FREE);
    block_set_flag(block_next(b), MLN_PREV_FREE);
    block_write_footer(b);
}

/*
 * Cut a used block down to `size` bytes and give the tail back, merged with
 * the free block after it if there is one. The tail becomes the wilderness
 * when it joins the wilderness (or `to_wild` says it came from there), else
 * it goes to the bins. Tails too small to be a block stay inside b.
 */
static inline void trim_tail(mln_engine_t *e, mln_block_t *b, size_t size, bool to_wild)
{
    MLN_ASSERT(!block_is_free(b) && size <= block_size(b));
    size_t tail_size = block_size(b) - size;
    /* Only a block on a span of its own can leave a tail too large for a bin. */
    if (tail_size < MLN_BLOCK_MIN || tail_size >= e->bin_limit)
        return;
    mln_block_t *after = block_next(b);
    block_set_size(b, size);
    mln_block_t *tail = block_next(b);
    tail->head = tail_size;
    if (block_is_free(after)) {
        if (after == mln_engine_wild(e))
            to_wild = true;
        else
            bin_remove(e, after);
        block_set_size(tail, tail_size + block_size(after));
    }
    mark_free(tail);
    if (to_wild)
        e->wild = tail;
    else
        bin_insert(e, tail);
}

/*
 * Take `size` bytes from the front of the wilderness for `owner`: a bump
 * (mln_engine_carve), or all of it when too little would remain.
 */
static inline void carve_wild(mln_engine_t *e, mln_block_t *b, size_t size, void *owner)
{
    MLN_ASSERT(b == mln_engine_wild(e) && block_size(b) >= size);
    if (block_size(b) - size >= MLN_BLOCK_MIN) {
        mln_engine_carve(e, b, size, owner);
        return;
    }
    e->wild = NULL; /* all of it */
    block_clear_flag(b, MLN_FREE);
    block_clear_flag(block_next(b), MLN_PREV_FREE);
    b->link = owner;
}

/* The out-of-line entry points of the helpers above. */
void mln_engine_mark_free(mln_block_t *b) { mark_free(b); }
void mln_engine_bin_insert(mln_engine_t *e, mln_block_t *b) { bin_insert(e, b); }
mln_block_t *mln_engine_find(const mln_engine_t *e, size_t size) { return find(e, size); }

void mln_engine_init(mln_engine_t *e, void *bins, unsigned levels)
{
    MLN_ASSERT(levels >= 1 && levels <= MLN_FL_COUNT);
    e->heads = bins;
    e->bin_limit = mln_engine_bin_limit(levels);
    e->fl_bitmap = 0;
    for (unsigned i = 0; i < MLN_FL_COUNT; i++)
        e->sl_bitmap[i] = 0;
    e->spans = NULL;
    e->wild = NULL;
}

static void span_link(mln_engine_t *e, mln_span_t *span)
{
    if (e->spans == NULL) {
        span->prev = span->next = span;
        e->spans = span;
        return;
    }
    span->next = e->spans;
    span->prev = e->spans->prev;
    span->prev->next = span;
    e->spans->prev = span;
}

/* Lay out a span with one block (free or not) and link it; returns the block. */
static mln_block_t *span_format(mln_engine_t *e, void *mem, size_t size, unsigned kind)
{
    MLN_ASSERT(((uintptr_t)mem & (MLN_ALIGN - 1)) == 0);
    MLN_ASSERT(size >= mln_engine_span_size_for(MLN_BLOCK_MIN));
    mln_span_t *span = mem;
    span->size = size;
    span->kind = kind;
    size_t block_bytes = mln_span_block_bytes(size);
    mln_block_t *b = mln_span_first_block(mem);
    b->head = block_bytes | MLN_FIRST;
    block_next(b)->head = 0; /* the sentinel: size 0, used */
    span_link(e, span);
    return b;
}

mln_span_t *mln_engine_add_span(mln_engine_t *e, void *mem, size_t size, unsigned kind)
{
    mln_block_t *b = span_format(e, mem, size, kind);
    mark_free(b);
    if (!MLN_WITH_WILDERNESS) {
        bin_insert(e, b);
        return mem;
    }
    /* The newest span is the wilderness; the previous one joins the bins,
     * with the footer a wilderness does without. */
    if (e->wild != NULL) {
        block_write_footer(e->wild);
        bin_insert(e, e->wild);
    }
    e->wild = b;
    return mem;
}

mln_block_t *mln_engine_add_span_used(mln_engine_t *e, void *mem, size_t size,
                                      unsigned kind, void *owner)
{
    mln_block_t *b = span_format(e, mem, size, kind);
    b->link = owner;
    return b;
}

/* Allocate `b`, the block find() chose for `block_bytes`. */
static inline mln_block_t *take_found(mln_engine_t *e, mln_block_t *b, size_t block_bytes, void *owner)
{
    MLN_ASSERT(block_size(b) >= block_bytes);
    if (b == mln_engine_wild(e)) {
        carve_wild(e, b, block_bytes, owner);
        return b;
    }
    bin_remove(e, b);
    block_clear_flag(b, MLN_FREE);
    block_clear_flag(block_next(b), MLN_PREV_FREE);
    trim_tail(e, b, block_bytes, false);
    b->link = owner;
    return b;
}

mln_block_t *mln_engine_alloc(mln_engine_t *e, size_t block_bytes, void *owner)
{
    MLN_ASSERT(block_bytes >= MLN_BLOCK_MIN && (block_bytes & (MLN_ALIGN - 1)) == 0);
    mln_block_t *b = mln_engine_bump(e, block_bytes, owner, false);
    if (b != NULL)
        return b; /* nothing in the bins: a fresh span being filled */
    b = find(e, block_bytes);
    return b == NULL ? NULL : take_found(e, b, block_bytes, owner);
}

mln_block_t *mln_engine_alloc_found(mln_engine_t *e, mln_block_t *b, size_t block_bytes, void *owner)
{
    MLN_ASSERT(b == find(e, block_bytes));
    return take_found(e, b, block_bytes, owner);
}

mln_block_t *mln_engine_alloc_at_end(mln_engine_t *e, size_t block_bytes, void *owner)
{
    mln_block_t *b = wild_for(e, block_bytes);
    if (b == NULL)
        return mln_engine_alloc(e, block_bytes, owner);
    carve_wild(e, b, block_bytes, owner);
    return b;
}

static mln_span_t *span_of_first_block(mln_block_t *b)
{
    MLN_ASSERT(block_is_first(b));
    return (mln_span_t *)(void *)((char *)b - MLN_SPAN_HEADER);
}

mln_span_t *mln_engine_free(mln_engine_t *e, mln_block_t *b)
{
    MLN_ASSERT(!block_is_free(b) && !block_is_sentinel(b));
    if (block_prev_is_free(b)) {
        mln_block_t *prev = block_prev_physical(b);
        bin_remove(e, prev);
        block_set_size(prev, block_size(prev) + block_size(b));
        b->link = MLN_ENGINE_LINK_FREED; /* b's header is inside prev from now on */
        b = prev;
    }
    mln_block_t *next = block_next(b);
    bool wild = false;
    if (block_is_free(next)) {
        wild = next == mln_engine_wild(e);
        if (!wild)
            bin_remove(e, next);
        block_set_size(b, block_size(b) + block_size(next));
    }
    mark_free(b);
    if (block_is_first(b) && block_is_sentinel(block_next(b))) {
        if (wild)
            e->wild = NULL;
        return span_of_first_block(b);
    }
    if (wild)
        e->wild = b; /* the wilderness grows backwards */
    else
        bin_insert(e, b);
    return NULL;
}

void mln_engine_keep_span(mln_engine_t *e, mln_span_t *span)
{
    mln_block_t *b = mln_span_first_block(span);
    MLN_ASSERT(block_is_free(b) && block_is_sentinel(block_next(b)));
    if (MLN_WITH_WILDERNESS && e->wild == NULL)
        e->wild = b;
    else
        bin_insert(e, b);
}

void mln_engine_remove_span(mln_engine_t *e, mln_span_t *span)
{
    MLN_ASSERT(e->wild == NULL || (char *)e->wild < (char *)span ||
               (char *)e->wild >= (char *)span + span->size);
    if (span->next == span) {
        MLN_ASSERT(e->spans == span);
        e->spans = NULL;
        return;
    }
    span->prev->next = span->next;
    span->next->prev = span->prev;
    if (e->spans == span)
        e->spans = span->next;
}

bool mln_engine_resize(mln_engine_t *e, mln_block_t *b, size_t block_bytes)
{
    MLN_ASSERT(!block_is_free(b) && block_bytes >= MLN_BLOCK_MIN);
    size_t size = block_size(b);
    bool wild = false;
    if (block_bytes > size) {
        mln_block_t *next = block_next(b);
        if (!block_is_free(next) || size + block_size(next) < block_bytes)
            return false;
        wild = next == mln_engine_wild(e);
        if (wild)
            e->wild = NULL; /* given back by trim_tail, if anything is left */
        else
            bin_remove(e, next);
        block_set_size(b, size + block_size(next));
        block_clear_flag(block_next(b), MLN_PREV_FREE);
    }
    trim_tail(e, b, block_bytes, wild);
    return true;
}

void mln_engine_words_written(mln_block_t *b, void (*note)(void *ctx, void *word), void *ctx)
{
    note(ctx, &b->head);
    note(ctx, &b->link);
    if (block_prev_is_free(b))
        note(ctx, &block_prev_physical(b)->head);
    mln_block_t *next = block_next(b);
    note(ctx, &next->head);
    note(ctx, &next->link);
    if (block_is_free(next))
        note(ctx, &block_next(next)->head);
}
