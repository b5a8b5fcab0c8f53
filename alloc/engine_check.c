/* SPDX-License-Identifier: MIT */
/*
 * engine_check.c: the full integrity walk of an engine (O(blocks)), and the
 * other walks that only inspect it (the largest free block).
 *
 * Kept apart from engine.c so that the hot code stays small; tests call it
 * after every step of their stress runs.
 */
#include "alloc/engine.h"

#define CHECK(cond, message)       \
    do {                           \
        if (!(cond))               \
            return (message);      \
    } while (0)

/* Walk one span's blocks; counts its free blocks and adds its used bytes.
 * `wild` is the engine's wilderness, which keeps no footer (engine.h). */
static const char *check_span(const mln_span_t *span, const mln_block_t *wild, mln_owner_check_fn owner_ok,
                              const void *ctx, size_t *free_blocks, size_t *used_bytes)
{
    const char *end = (const char *)span + span->size;
    const mln_block_t *b = mln_span_first_block(span);
    CHECK(block_is_first(b), "first block of a span lacks MLN_FIRST");
    CHECK(!block_prev_is_free(b), "first block of a span has MLN_PREV_FREE");
    int prev_free = 0;
    for (;;) {
        CHECK(((uintptr_t)b & (MLN_ALIGN - 1)) == 0, "block misaligned");
        CHECK((const char *)b + MLN_BLOCK_HEADER <= end, "block runs past its span");
        CHECK(block_prev_is_free(b) == prev_free, "MLN_PREV_FREE disagrees with the previous block");
        if (block_is_sentinel(b)) {
            CHECK(b == mln_span_sentinel(span), "blocks do not tile their span");
            CHECK(!block_is_free(b), "sentinel marked free");
            return NULL;
        }
        CHECK(block_size(b) >= MLN_BLOCK_MIN, "block smaller than the minimum");
        CHECK((const char *)b + block_size(b) + MLN_BLOCK_HEADER <= end, "block runs past its span");
        if (b != mln_span_first_block(span))
            CHECK(!block_is_first(b), "MLN_FIRST inside a span");
        if (block_is_free(b)) {
            CHECK(!prev_free, "two adjacent free blocks");
            CHECK(b == wild || block_prev_physical(block_next(b)) == b, "free block footer is wrong");
            ++*free_blocks;
        } else {
            CHECK(owner_ok == NULL || owner_ok(ctx, b->link), "used block owned by another pool");
            *used_bytes += block_size(b);
        }
        prev_free = block_is_free(b);
        b = block_next(b);
    }
}

/* Walk the bins; counts their members. */
static const char *check_bins(const mln_engine_t *e, size_t *members)
{
    unsigned levels = mln_engine_levels_for(e->bin_limit - 1);
    for (unsigned fl = 0; fl < MLN_FL_COUNT_MAX; fl++) {
        mln_sl_map_t row = fl < MLN_FL_COUNT ? e->sl_bitmap[fl] : 0;
        CHECK(((e->fl_bitmap >> fl) & 1u) == (row != 0), "first-level bitmap disagrees");
        CHECK(fl < levels || row == 0, "bin beyond the engine's levels");
        for (unsigned sl = 0; sl < MLN_SL_COUNT; sl++) {
            if (!((row >> sl) & 1u))
                continue;
            const mln_block_t *prev = NULL;
            const mln_block_t *b = e->heads[fl][sl];
            CHECK(b != NULL, "bitmap marks an empty bin");
            for (; b != NULL; prev = b, b = b->link) {
                size_t size = block_size(b);
                CHECK(block_is_free(b), "used block in a bin");
                CHECK(*block_prev_free_slot((mln_block_t *)(uintptr_t)b) == prev, "bin back-link is wrong");
                unsigned want_fl, want_sl;
                mln_engine_bin_of(size, &want_fl, &want_sl);
                CHECK(want_fl == fl && want_sl == sl, "block in the wrong bin");
                ++*members;
            }
        }
    }
    return NULL;
}

const char *mln_engine_check(const mln_engine_t *e, mln_owner_check_fn owner_ok, const void *ctx,
                             size_t *used_bytes)
{
    size_t free_blocks = 0, members = 0, used = 0;
    for (const mln_span_t *span = e->spans; span != NULL; span = mln_engine_next_span(e, span)) {
        CHECK(span->next->prev == span, "span list is broken");
        const char *problem = check_span(span, e->wild, owner_ok, ctx, &free_blocks, &used);
        if (problem != NULL)
            return problem;
    }
    const char *problem = check_bins(e, &members);
    if (problem != NULL)
        return problem;
    if (e->wild != NULL) {
        CHECK(block_is_free(e->wild) && block_is_sentinel(block_next(e->wild)),
              "the wilderness is not the free end of a span");
        members++; /* the one free block outside the bins */
    }
    CHECK(members == free_blocks, "free blocks and bin members differ in number");
    if (used_bytes != NULL)
        *used_bytes = used;
    return NULL;
}

size_t mln_engine_largest_free(const mln_engine_t *e)
{
    size_t largest = e->wild != NULL ? block_size(e->wild) : 0;
    if (e->fl_bitmap != 0) {
        unsigned fl = 31u - (unsigned)__builtin_clz(e->fl_bitmap);
        unsigned sl = 31u - (unsigned)__builtin_clz(e->sl_bitmap[fl]);
        for (const mln_block_t *b = e->heads[fl][sl]; b != NULL; b = b->link)
            if (block_size(b) > largest)
                largest = block_size(b);
    }
    return largest > MLN_BLOCK_HEADER ? largest - MLN_BLOCK_HEADER : 0;
}
