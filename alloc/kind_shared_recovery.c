/* SPDX-License-Identifier: MIT */
/*
 * kind_shared_recovery.c: what a shared pool does after a lock holder died
 * (undo, rebuild, finish, verify) and when a worker's sub-pools are
 * reclaimed (kind_shared_recovery.h).
 */
#include "alloc/kind_shared_recovery.h"

#include "alloc/kind_shared_journal.h"

/* Free every used block of the region tagged with `tag` (a sub-pool's home
 * too: its tag is the sub-pool's handle tag, mln_pool_handle_tag). O(blocks). */
static void free_tagged(mln_alloc_t *pool, const void *tag)
{
    mln_span_t *span = pool->engine.spans; /* a shared pool has exactly one */
    mln_block_t *b = mln_span_first_block(span);
    while (!block_is_sentinel(b)) {
        if (block_is_free(b) || mln_pool_named_by(b->link) != tag) {
            b = block_next(b);
            continue;
        }
        /* After the free, the free block covering b starts here. */
        mln_block_t *start = block_prev_is_free(b) ? block_prev_physical(b) : b;
        mln_shared_give(pool, b);
        b = block_next(start);
    }
}

/* ---- integrity of the whole shared pool ---- */

static bool inside_region(const mln_alloc_t *pool, const void *p)
{
    uintptr_t at = (uintptr_t)p, base = (uintptr_t)mln_pool_home(pool);
    return at >= base && at < base + pool->home_bytes && (at & (MLN_ALIGN - 1)) == 0;
}

/* A used block's tag is the pool itself or one of its (linked) sub-pools. */
static bool tag_ok(const void *ctx, const void *tag)
{
    const mln_alloc_t *pool = ctx;
    const mln_alloc_t *named = mln_pool_named_by(tag); /* a sub-pool's home: its handle's tag */
    return tag == pool || tag == mln_front_cache_mark(pool) ||
           (inside_region(pool, named) && named->parent == pool);
}

static const char *check_children(const mln_alloc_t *pool)
{
    size_t limit = pool->home_bytes / MLN_BLOCK_MIN;
    const mln_alloc_t *prev = NULL;
    for (const mln_alloc_t *c = pool->first_child; c != NULL; prev = c, c = c->next_sibling) {
        if (limit-- == 0)
            return "sub-pool list loops";
        if (!inside_region(pool, c) || c->parent != pool || c->prev_sibling != prev)
            return "sub-pool list is broken";
        if (block_from_payload(c)->link != mln_pool_handle_tag(c) || block_is_free(block_from_payload(c)))
            return "sub-pool's home block is not its own";
    }
    return NULL;
}

const char *mln_shared_check(const mln_alloc_t *pool, size_t *used_bytes)
{
    const char *problem = check_children(pool);
    return problem != NULL ? problem : mln_pool_check_owned(pool, tag_ok, pool, used_bytes);
}

void mln_shared_fail(mln_alloc_t *pool)
{
    struct mln_shared *sh = mln_shared_of(pool);
    sh->failed = 1;
    MLN_JOURNAL_FENCE();
    /* Dirty for good: every later call's one test of the journal
     * (mln_shared_ready) then comes to recovery, which refuses it. */
    sh->journal.op = MLN_JOP_FAILED;
    MLN_JOURNAL_FENCE();
}

/*
 * Each stage below may be cut short by the death of this process too, and
 * the next lock holder then starts again from the top, so each is safe to
 * run again from any point it was cut at:
 *   - the flag is set first, in one store, and cleared last: until then the
 *     journal is dirty whatever else is (a step's saved words gone or not);
 *   - undo writes the same words with the same values each time;
 *   - the rebuild derives the bins from the head words only;
 *   - the front cache is derived from the blocks' link words (a cached
 *     block is marked so): its lists start empty and every marked block
 *     goes back to the engine, each in a journaled step of its own, so a
 *     death inside one is undone and the walk finds the blocks still marked;
 *   - a destruction's unlinking is a journaled step that says it is done
 *     (stage 1), and freeing the sub-pool's blocks by their tag finds only
 *     those still left.
 */
bool mln_shared_recover(mln_alloc_t *pool)
{
    struct mln_shared *sh = mln_shared_of(pool);
    mln_journal_t *j = &sh->journal;
    if (sh->failed)
        return false;
    sh->recoveries++;
    if (mln_journal_dirty(j))
        sh->repairs++;
    MLN_JOURNAL_FENCE();
    j->op = j->op | MLN_JOP_RECOVERING;
    MLN_JOURNAL_FENCE();
    mln_journal_undo(j);
    if (!mln_engine_rebuild(&pool->engine))
        goto failed;
    mln_journal_step_done(j); /* the words are back; the flag keeps the journal dirty */
    mln_front_cache_init(&sh->cache);
    free_tagged(pool, mln_front_cache_mark(pool));
    if (j->op & MLN_JOP_DESTROY) {
        mln_alloc_t *child = (mln_alloc_t *)j->subject;
        if (!inside_region(pool, child))
            goto failed;
        if (j->stage == 0)
            mln_shared_unlink_stage(pool, child);
        free_tagged(pool, child);
        mln_shared_destroy_end(pool);
    }
    if (mln_shared_check(pool, NULL) != NULL)
        goto failed;
    MLN_JOURNAL_FENCE();
    j->op = MLN_JOP_NONE; /* whole again: the one store that ends the recovery */
    MLN_JOURNAL_FENCE();
    return true;
failed:
    mln_shared_fail(pool);
    return false;
}

int mln_shared_reclaim(mln_alloc_t *pool, unsigned long owner)
{
    int reclaimed = 0;
    mln_alloc_t *next;
    for (mln_alloc_t *child = pool->first_child; child != NULL; child = next) {
        next = child->next_sibling;
        if (child->owner_id != owner)
            continue;
        mln_shared_destroy_begin(pool, child);
        free_tagged(pool, child);
        mln_shared_destroy_end(pool);
        reclaimed++;
    }
    return reclaimed;
}
