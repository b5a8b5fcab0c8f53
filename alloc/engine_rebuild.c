/* SPDX-License-Identifier: MIT */
/*
 * engine_rebuild.c: rebuild an engine's derived state from its blocks' head
 * words, after a crash has been undone (see journal.h). O(blocks).
 */
#include "alloc/engine.h"

/* Re-derive one span; false if its head words do not tile it. */
static bool rebuild_span(mln_engine_t *e, mln_span_t *span)
{
    const char *end = (const char *)span + span->size;
    mln_block_t *b = mln_span_first_block(span);
    mln_block_t *free_run = NULL; /* the free block being extended, if any */
    for (;;) {
        if ((const char *)b + MLN_BLOCK_HEADER > end || ((uintptr_t)b & (MLN_ALIGN - 1)) != 0)
            return false;
        size_t size = block_size(b);
        if (size == 0) { /* the sentinel, which must be where the span ends */
            if (b != mln_span_sentinel(span))
                return false;
            break;
        }
        if (size < MLN_BLOCK_MIN || size > (size_t)(end - (const char *)b) - MLN_BLOCK_HEADER)
            return false;
        mln_block_t *next = block_next(b);
        if (block_is_free(b) && free_run != NULL) {
            block_set_size(free_run, block_size(free_run) + size); /* merge into the run */
        } else if (block_is_free(b)) {
            block_clear_flag(b, MLN_PREV_FREE);
            free_run = b;
        } else {
            block_clear_flag(b, MLN_PREV_FREE);
            if (free_run != NULL) { /* the run ends here: b learns it */
                mln_engine_mark_free(free_run);
                mln_engine_bin_insert(e, free_run);
            }
            free_run = NULL;
        }
        b = next;
    }
    block_clear_flag(b, MLN_PREV_FREE | MLN_FREE);
    if (free_run != NULL) {
        mln_engine_mark_free(free_run);
        /* An entirely free span goes back in the bins too: its owner keeps it. */
        mln_engine_bin_insert(e, free_run);
    }
    return true;
}

bool mln_engine_rebuild(mln_engine_t *e)
{
    e->fl_bitmap = 0;
    for (unsigned i = 0; i < MLN_FL_COUNT; i++)
        e->sl_bitmap[i] = 0;
    e->wild = NULL; /* everything free goes to the bins */
    for (mln_span_t *span = e->spans; span != NULL; span = mln_engine_next_span(e, span))
        if (!rebuild_span(e, span))
            return false;
    return true;
}
