/*
 * kind_shared.h: shared pools: one fixed region used by several processes,
 * with the user's lock around sub-pools' operations on it, and crash
 * recovery.
 *
 * The region holds, in order: the header of the pool's handle, the pool
 * (struct mln_alloc_s), this state, and one span that never grows.
 * Sub-pools are blocks of that span, tagged with the sub-pool (their link
 * word), so the region alone says which memory belongs to whom, whatever
 * state a dead process left its sub-pool in.
 *
 * Every operation on the shared engine is journaled (journal.h). A process
 * that takes the lock and finds the journal dirty knows the previous holder
 * died mid-operation: it undoes the torn step, rebuilds the engine, finishes
 * a half-done sub-pool destruction, and runs the full integrity walk. If that
 * walk fails the pool is marked failed and every later operation on it
 * returns NULL (or does nothing), rather than risk handing out bad memory.
 *
 * Nothing outside the shared kind and its public calls (api_shared.c)
 * names these: an image that never creates a shared pool links none of it.
 */
#ifndef MLN_ALLOC_KIND_SHARED_H
#define MLN_ALLOC_KIND_SHARED_H

#include <stdbool.h>
#include <stddef.h>

#include "alloc/journal.h"
#include "alloc/mln_alloc.h"
#include "alloc/pool.h"

struct mln_shared {
    void *locker;
    mln_alloc_shm_lock_cb_t lock;
    mln_alloc_shm_lock_cb_t unlock;
    volatile int failed; /* recovery failed: the pool refuses all work */
    volatile unsigned long holder;     /* owner id of the sub-pool lock holder, 0: none */
    volatile unsigned long recoveries; /* recoveries run (a lock holder died) */
    volatile unsigned long repairs;    /* of which found an operation torn and repaired it */
    mln_journal_t journal;
};

/* The shared state of a pool of the shared kind. */
static inline struct mln_shared *mln_shared_of(const mln_alloc_t *shm)
{
    return (struct mln_shared *)shm->kind_state;
}

/* Whether `pool` is a live shared pool. */
bool mln_shared_is(const mln_alloc_t *pool);

/*
 * Create a shared pool over [mem, mem + size) (already shared between the
 * processes), with the lock callbacks of `attr`. `release` lets the region
 * go at destroy. NULL if the region is below mln_shared_min_size().
 */
mln_alloc_t *mln_shared_init(void *mem, size_t size, const struct mln_alloc_shm_attr_s *attr,
                             void (*release)(void *mem, size_t size));

size_t mln_shared_min_size(void);

/* Take the pool's lock (recovering if its last holder died). False: lock failed or pool failed. */
bool mln_shared_enter(mln_alloc_t *shm);
void mln_shared_leave(mln_alloc_t *shm);

/*
 * Journaled engine operations (kind_shared_journal.c); the caller holds the
 * lock. `tag` is the
 * block's owner: the shared pool, a sub-pool, or NULL for "the block's own
 * payload" (a sub-pool's home, which holds the sub-pool itself). Take leaves
 * its step open (the kind closes it once the operation is whole); give
 * completes its own.
 */
mln_block_t *mln_shared_take(mln_alloc_t *shm, size_t bytes, void *tag);
void mln_shared_give(mln_alloc_t *shm, mln_block_t *b);

/* Save, in the journal, the word at `word` / the words an engine operation on `b` may write. */
void mln_shared_save_word(void *journal, void *word);
void mln_shared_save_words(mln_journal_t *j, mln_block_t *b);

/* Begin and end the destruction of sub-pool `child` (a multi-step operation). */
void mln_shared_destroy_begin(mln_alloc_t *shm, mln_alloc_t *child);
void mln_shared_destroy_end(mln_alloc_t *shm);
/* The destruction's first stage: unlink `child`, journaled, and say so (stage 1). */
void mln_shared_unlink_stage(mln_alloc_t *shm, mln_alloc_t *child);

/* ---- recovery and reclaim (kind_shared_recovery.c) ---- */

/*
 * Recover after a lock holder died (lock held by the caller): undo, rebuild,
 * finish, verify. Idempotent. Returns false and marks the pool failed when
 * the pool cannot be trusted.
 */
bool mln_shared_recover(mln_alloc_t *shm);

/* Recover if a process died mid-operation; false if the pool has failed. */
bool mln_shared_ready(mln_alloc_t *shm);

/* Destroy every sub-pool created by process `owner` (the caller holds the lock). */
int mln_shared_reclaim(mln_alloc_t *shm, unsigned long owner);

#endif /* MLN_ALLOC_KIND_SHARED_H */
