/* SPDX-License-Identifier: MIT */
/*
 * journal.c: the undo log (see journal.h, which says why compiler fences
 * are all the ordering it needs).
 */
#include "alloc/journal.h"

#include "alloc/debug.h"

void mln_journal_init(mln_journal_t *j)
{
    j->op = MLN_JOP_NONE;
    j->subject = 0;
    j->stage = 0;
    j->saved = 0;
}

void mln_journal_undo(mln_journal_t *j)
{
    uintptr_t n = j->saved;
    if (n > MLN_JOURNAL_SLOTS)
        n = MLN_JOURNAL_SLOTS; /* a torn count: recovery's check decides */
    while (n-- > 0) /* last saved first: a word saved twice ends as it was */
        *(volatile uintptr_t *)j->undo[n].addr = j->undo[n].old;
}
