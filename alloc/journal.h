/* SPDX-License-Identifier: MIT */
/*
 * journal.h: the undo log that makes operations on a shared pool survive
 * the death of the process performing them.
 *
 * A shared pool's ground truth is small: the head word (size and free bit)
 * and, for used blocks, the link word (owner) of the blocks that tile its
 * region, plus the sub-pool list. Everything else (bins, bitmaps, footers,
 * "previous free" bits) can be rebuilt from it. So each step of an operation
 * first saves the old value of every ground-truth word it may write, then
 * writes; once it completes the saved entries are dropped. A process that
 * dies in between leaves the entries behind, and whoever takes the lock next
 * writes them back, rebuilds the derived state and checks the result.
 *
 * Operations of several steps (destroying a sub-pool) also record which
 * operation and which stage they are at, so that recovery can finish them.
 * Recovery itself is such an operation: it marks the journal recovering
 * before it writes anything and clears the mark only once the pool is whole
 * again (every derived list rebuilt, a torn destruction finished, the
 * integrity walk passed), so that a recovery killed at any store leaves the
 * journal dirty and is run again, from the start, by the next lock holder.
 * Every stage of it is idempotent or journaled (kind_shared_recovery.c).
 */
#ifndef MLN_ALLOC_JOURNAL_H
#define MLN_ALLOC_JOURNAL_H

#include <stddef.h>
#include <stdint.h>

#include "alloc/debug.h"

#define MLN_JOURNAL_SLOTS 16u

/*
 * The journal's only hazard is the writing process being killed, never a
 * concurrent reader (the lock excludes those), so ordering needs only
 * compiler fences: an entry is complete before it is counted, and counted
 * before the word it protects is written. The kernel's hand-over of a dead
 * owner's lock makes the dead process's stores visible to the next owner.
 */
#define MLN_JOURNAL_FENCE() __atomic_signal_fence(__ATOMIC_SEQ_CST)

enum mln_journal_op {
    MLN_JOP_NONE = 0,      /* no multi-step operation under way */
    MLN_JOP_DESTROY = 1,   /* destroying sub-pool `subject`; `stage` says how far */
    MLN_JOP_FAILED = 2,    /* none will ever be: the owner has failed (left dirty for good) */
    MLN_JOP_RECOVERING = 4 /* a flag beside the others: a recovery is under way (or was killed) */
};

typedef struct mln_journal {
    volatile uintptr_t op;
    volatile uintptr_t subject;
    volatile uintptr_t stage;
    volatile uintptr_t saved; /* valid entries in undo[] */
    struct {
        uintptr_t *addr;
        uintptr_t old;
    } undo[MLN_JOURNAL_SLOTS];
} mln_journal_t;

_Static_assert(sizeof(size_t) == sizeof(uintptr_t) && sizeof(void *) == sizeof(uintptr_t),
               "block words are saved as uintptr_t");

/* Start empty. */
void mln_journal_init(mln_journal_t *j);

/*
 * Record the current value of the word at `word` before it is written. O(1),
 * inline: a shared pool's operation saves half a dozen words. A word saved
 * twice in one step takes two entries: undo restores them last saved first,
 * so the word ends as it was before the step. (A search for an earlier entry
 * was half the cost of a shared pool's free+alloc pair.)
 */
static inline void mln_journal_save(mln_journal_t *j, void *word)
{
    uintptr_t n = j->saved;
    if (n >= MLN_JOURNAL_SLOTS)
        mln_panic("journal: a step saves more words than it has slots");
    j->undo[n].addr = word;
    j->undo[n].old = *(volatile uintptr_t *)word;
    MLN_JOURNAL_FENCE();
    j->saved = n + 1;
    MLN_JOURNAL_FENCE();
}

/* The current step is complete: forget its saved words. O(1), inline: every
 * operation on a shared pool ends one. */
static inline void mln_journal_step_done(mln_journal_t *j)
{
    MLN_JOURNAL_FENCE();
    j->saved = 0;
    MLN_JOURNAL_FENCE();
}

/* Whether a process died leaving work behind. O(1), inline: every
 * operation on a shared pool asks first. */
static inline int mln_journal_dirty(const mln_journal_t *j)
{
    return j->saved != 0 || j->op != MLN_JOP_NONE;
}

/*
 * Write every saved word back, newest first. They stay saved, and the
 * journal dirty, until the caller's mln_journal_step_done once the derived
 * state is rebuilt: a recovery killed in between is then run again in full.
 * Writing the words back a second time is harmless: the rebuild only merges
 * runs of free blocks (whose inner heads it leaves intact) and recomputes
 * flags and footers, so the saved values still describe a valid tiling.
 */
void mln_journal_undo(mln_journal_t *j);

#endif /* MLN_ALLOC_JOURNAL_H */
