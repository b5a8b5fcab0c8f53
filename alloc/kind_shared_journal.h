/* SPDX-License-Identifier: MIT */
/*
 * kind_shared_journal.h: the journaled steps of a shared pool
 * (kind_shared_journal.c).
 */
#ifndef MLN_ALLOC_KIND_SHARED_JOURNAL_H
#define MLN_ALLOC_KIND_SHARED_JOURNAL_H

#include "alloc/kind_shared_state.h"

/*
 * Journaled engine operations; the caller holds the lock. `tag` is the
 * block's owner: the shared pool, a sub-pool, or NULL for "the block's own
 * payload" (a sub-pool's home, which holds the sub-pool itself). Take (a
 * block of `block_bytes`, from mln_engine_block_size; 0: none) begins a
 * step and leaves it open (the kind closes it once the operation is
 * whole); when the engine has no block it first empties the pool's cache
 * into it, in steps of its own. Give completes its own step.
 */
mln_block_t *mln_shared_take(mln_alloc_t *pool, size_t block_bytes, void *tag);
void mln_shared_give(mln_alloc_t *pool, mln_block_t *b);

/*
 * The pool's own cache of freed small blocks (struct mln_shared's cache),
 * journaled; the caller holds the lock and the pool is ready. Push caches
 * the pool's used block `b` (false: it does not qualify, or the cache is
 * full; the caller gives it back instead, which completes the step push
 * began). Pop takes a cached block of exactly `block_bytes` for the pool,
 * or NULL. Each is one step, O(1), inline: a shared pool's commonest
 * operations.
 *
 * A block's link word is the cache's ground truth: the pool's mark while
 * cached, the pool once in use. It is saved before it changes, which also
 * leaves the journal dirty while the lists change; the lists themselves are
 * derived: recovery starts them empty and gives the engine every block
 * marked as cached (mln_shared_recover).
 */
static inline bool mln_shared_cache_push(mln_alloc_t *pool, mln_block_t *b)
{
    struct mln_shared *sh = mln_shared_of(pool);
    mln_journal_save(&sh->journal, &b->link);
    if (!mln_front_cache_push(&sh->cache, b, block_size(b), pool))
        return false; /* nothing written yet: the caller's give ends the step */
    mln_journal_step_done(&sh->journal);
    return true;
}

static inline mln_block_t *mln_shared_cache_pop(mln_alloc_t *pool, size_t block_bytes)
{
    struct mln_shared *sh = mln_shared_of(pool);
    size_t c = mln_front_cache_class_of_block(block_bytes);
    if (c == MLN_FRONT_CACHE_NONE || !mln_front_cache_holds(&sh->cache, c)) /* NONE's count is FULL, not empty */
        return NULL;
    mln_journal_save(&sh->journal, &sh->cache.top[c]->link);
    mln_block_t *b = mln_front_cache_take(&sh->cache, c, pool);
    mln_journal_step_done(&sh->journal);
    return b;
}

/* Save, in the journal, the word at `word` / the words an engine operation on `b` may write. */
void mln_shared_save_word(void *journal, void *word);
void mln_shared_save_words(mln_journal_t *j, mln_block_t *b);

/* Begin and end the destruction of sub-pool `child` (a multi-step operation). */
void mln_shared_destroy_begin(mln_alloc_t *pool, mln_alloc_t *child);
void mln_shared_destroy_end(mln_alloc_t *pool);
/* The destruction's first stage: unlink `child`, journaled, and say so (stage 1). */
void mln_shared_unlink_stage(mln_alloc_t *pool, mln_alloc_t *child);

#endif /* MLN_ALLOC_KIND_SHARED_JOURNAL_H */
