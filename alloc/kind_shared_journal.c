/* SPDX-License-Identifier: MIT */
/*
 * kind_shared_journal.c: the journaled steps of a shared pool
 * (kind_shared_journal.h): each saves the words it will write before writing them,
 * so that the next process to take the lock can undo it if this one dies.
 */
#include "alloc/kind_shared_journal.h"

/* ---- journaled engine operations ---- */

void mln_shared_save_word(void *journal, void *word)
{
    mln_journal_save(journal, word);
}

void mln_shared_save_words(mln_journal_t *j, mln_block_t *b)
{
    mln_engine_words_written(b, mln_shared_save_word, j);
}

/* Give every cached block back to the engine, each in a step of its own. */
static void empty_cache(mln_alloc_t *pool)
{
    struct mln_shared *sh = mln_shared_of(pool);
    size_t c = 0;
    while (mln_front_cache_next_class(&sh->cache, &c)) {
        mln_journal_save(&sh->journal, &sh->cache.top[c]->link);
        mln_shared_give(pool, mln_front_cache_take(&sh->cache, c, pool));
    }
}

mln_block_t *mln_shared_take(mln_alloc_t *pool, size_t block_bytes, void *tag)
{
    struct mln_shared *sh = mln_shared_of(pool);
    if (block_bytes == 0 || sh->failed)
        return NULL;
    mln_block_t *b = mln_engine_find(&pool->engine, block_bytes);
    if (MLN_WITH_FRONT_CACHE && b == NULL && mln_front_cache_holds_any(&sh->cache)) { /* cached memory never makes the pool refuse */
        empty_cache(pool);
        b = mln_engine_find(&pool->engine, block_bytes);
    }
    if (b == NULL)
        return NULL;
    mln_shared_save_words(&sh->journal, b);
    return mln_engine_alloc_found(&pool->engine, b, block_bytes, mln_pool_lent_tag(b, tag));
}

void mln_shared_give(mln_alloc_t *pool, mln_block_t *b)
{
    mln_journal_t *j = &mln_shared_of(pool)->journal;
    mln_shared_save_words(j, b);
    mln_span_t *emptied = mln_engine_free(&pool->engine, b);
    if (emptied != NULL)
        mln_engine_keep_span(&pool->engine, emptied); /* the region's one span stays */
    mln_journal_step_done(j);
}

/* ---- destroying sub-pools ---- */

void mln_shared_destroy_begin(mln_alloc_t *pool, mln_alloc_t *child)
{
    mln_journal_t *j = &mln_shared_of(pool)->journal;
    j->subject = (uintptr_t)child;
    j->stage = 0;
    MLN_JOURNAL_FENCE();
    j->op = MLN_JOP_DESTROY;
    mln_shared_unlink_stage(pool, child);
}

void mln_shared_unlink_stage(mln_alloc_t *pool, mln_alloc_t *child)
{
    mln_journal_t *j = &mln_shared_of(pool)->journal;
    /* Stage 0 -> 1 is the unlinking, undone together with it. */
    mln_journal_save(j, (void *)(uintptr_t)&j->stage);
    mln_pool_unlink_child(pool, child, mln_shared_save_word, j);
    j->stage = 1;
    mln_journal_step_done(j);
}

void mln_shared_destroy_end(mln_alloc_t *pool)
{
    mln_journal_t *j = &mln_shared_of(pool)->journal;
    MLN_JOURNAL_FENCE();
    /* One store, which keeps a recovery's flag: a recovery that finishes a
     * destruction is not over until its integrity walk has passed. */
    j->op = j->op & MLN_JOP_RECOVERING;
    MLN_JOURNAL_FENCE();
}
