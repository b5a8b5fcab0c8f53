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
 * block of `block_bytes`, from mln_engine_block_size; 0: none) leaves
 * its step open (the kind closes it once the operation is whole); give
 * completes its own.
 */
mln_block_t *mln_shared_take(mln_alloc_t *pool, size_t block_bytes, void *tag);
void mln_shared_give(mln_alloc_t *pool, mln_block_t *b);

/* Save, in the journal, the word at `word` / the words an engine operation on `b` may write. */
void mln_shared_save_word(void *journal, void *word);
void mln_shared_save_words(mln_journal_t *j, mln_block_t *b);

/* Begin and end the destruction of sub-pool `child` (a multi-step operation). */
void mln_shared_destroy_begin(mln_alloc_t *pool, mln_alloc_t *child);
void mln_shared_destroy_end(mln_alloc_t *pool);
/* The destruction's first stage: unlink `child`, journaled, and say so (stage 1). */
void mln_shared_unlink_stage(mln_alloc_t *pool, mln_alloc_t *child);

#endif /* MLN_ALLOC_KIND_SHARED_JOURNAL_H */
