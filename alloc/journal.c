/*
 * journal.c: the undo log (see journal.h).
 *
 * The only hazard is the writing process being killed, never a concurrent
 * reader (the lock excludes those), so ordering needs only compiler fences:
 * an entry is complete before it is counted, and counted before the word it
 * protects is written. The kernel's hand-over of a dead owner's lock makes
 * the dead process's stores visible to the next owner.
 */
#include "alloc/journal.h"

#include "alloc/debug.h"

#define COMPILER_FENCE() __atomic_signal_fence(__ATOMIC_SEQ_CST)

void mln_journal_init(mln_journal_t *j)
{
    j->op = MLN_JOP_NONE;
    j->subject = 0;
    j->stage = 0;
    j->saved = 0;
}

void mln_journal_step_done(mln_journal_t *j)
{
    COMPILER_FENCE();
    j->saved = 0;
    COMPILER_FENCE();
}

int mln_journal_dirty(const mln_journal_t *j)
{
    return j->saved != 0 || j->op != MLN_JOP_NONE;
}

void mln_journal_undo(mln_journal_t *j)
{
    uintptr_t n = j->saved;
    if (n > MLN_JOURNAL_SLOTS)
        n = MLN_JOURNAL_SLOTS; /* a torn count: recovery's check decides */
    while (n-- > 0) /* last saved first: a word saved twice ends as it was */
        *(volatile uintptr_t *)j->undo[n].addr = j->undo[n].old;
}
