/* SPDX-License-Identifier: MIT */
/*
 * kind_shared_state.h: shared pools: one fixed region used by several processes,
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
#ifndef MLN_ALLOC_KIND_SHARED_STATE_H
#define MLN_ALLOC_KIND_SHARED_STATE_H

#include <stdbool.h>
#include <stddef.h>

#include "alloc/journal.h"
#include "alloc/mln_alloc.h"
#include "alloc/pool.h"

/* What a shared pool keeps beside its struct mln_alloc_s, in the region. */
struct mln_shared {
    void *locker;
    mln_alloc_shm_lock_cb_t lock;
    mln_alloc_shm_lock_cb_t unlock;
    volatile int failed; /* recovery failed: the pool refuses all work */
    volatile unsigned long holder;     /* owner id of the sub-pool lock holder, 0: none */
    volatile unsigned long recoveries; /* recoveries run (a lock holder died) */
    volatile unsigned long repairs;    /* of which found an operation torn and repaired it */
    mln_journal_t journal;
    /* The pool's freed small blocks for reuse (front_cache.h), changed
     * only under the journal (kind_shared_journal.c); the pool's own
     * front cache, which the inline paths use unjournaled, stays off. */
    mln_front_cache_t cache;
};

/* The shared state of a pool of the shared kind. */
static inline struct mln_shared *mln_shared_of(const mln_alloc_t *pool)
{
    return (struct mln_shared *)pool->kind_state;
}

#endif /* MLN_ALLOC_KIND_SHARED_STATE_H */
