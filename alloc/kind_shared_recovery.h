/* SPDX-License-Identifier: MIT */
/*
 * kind_shared_recovery.h: a shared pool's recovery after a lock holder died,
 * and reclaiming a dead worker's sub-pools (kind_shared_recovery.c).
 */
#ifndef MLN_ALLOC_KIND_SHARED_RECOVERY_H
#define MLN_ALLOC_KIND_SHARED_RECOVERY_H

#include "alloc/kind_shared_state.h"

/*
 * Recover after a lock holder died (lock held by the caller): undo, rebuild,
 * finish, verify. Idempotent, and safe to cut short at any store: the
 * journal stays dirty until the pool is whole again, so the next lock
 * holder runs it again. Returns false and marks the pool failed when the
 * pool cannot be trusted. O(blocks).
 */
bool mln_shared_recover(mln_alloc_t *pool);

/*
 * The shared pool's own integrity walk (its sub-pool list, its front cache,
 * every block of its region and each used block's owner): NULL when sound,
 * else what is wrong. *used_bytes (may be NULL) gets the bytes of the
 * region's blocks in use, sub-pools' homes and spans included, cached
 * blocks not. O(blocks). Read-only.
 */
const char *mln_shared_check(const mln_alloc_t *pool, size_t *used_bytes);

/* Mark the pool failed, for good: from now on it hands out nothing. */
void mln_shared_fail(mln_alloc_t *pool);

/* Recover if a process died mid-operation; false if the pool has failed.
 * Inline: every operation on a shared pool asks first, and the answer is
 * nearly always a clean journal. */
static inline bool mln_shared_ready(mln_alloc_t *pool)
{
    struct mln_shared *sh = mln_shared_of(pool);
    /* A failed pool's journal stays dirty (mln_shared_recover), so that
     * this one test also refuses it. */
    return !mln_journal_dirty(&sh->journal) || mln_shared_recover(pool);
}

/* Destroy every sub-pool created by process `owner` (the caller holds the lock). */
int mln_shared_reclaim(mln_alloc_t *pool, unsigned long owner);

#endif /* MLN_ALLOC_KIND_SHARED_RECOVERY_H */
