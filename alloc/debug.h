/* SPDX-License-Identifier: MIT */
/*
 * debug.h: invariant checks of the core.
 *
 * MLN_ASSERT is compiled in when MLN_ALLOC_DEBUG is defined (the default for
 * non-optimised Bazel builds, see alloc/BUILD) and costs nothing otherwise.
 * A failed check goes to mln_panic (the user's hook, then the platform's
 * panic) with file, line and the condition, never to a libc assert.
 */
#ifndef MLN_ALLOC_DEBUG_H
#define MLN_ALLOC_DEBUG_H

#include "alloc/platform.h"
#include "alloc/profile.h"

/* Report misuse or a broken invariant: the user's hook, then the platform's panic. */
_Noreturn void mln_panic(const char *message);

/* Report misuse of a public call: mln_panic("<call>: <what>"), or the
 * reason alone where the profile leaves call names out (profile.h: their
 * strings are then not in the image at all). */
_Noreturn void mln_misuse_report(const char *call, const char *what);
#define mln_misuse(call, what) mln_misuse_report(MLN_WITH_CALL_NAMES ? (call) : (const char *)0, (what))

/*
 * Why a call was refused, one string each whichever call reports it: a
 * sentence in the services profile, a few words in firmware, where the
 * messages are most of what hardening costs in flash. The firmware words
 * begin as the sentences do, and the README's bad-input table names both.
 */
#define MLN_MISUSE_NOT_LIVE                                                                   \
    MLN_BY_PROFILE("not a live pool (destroyed, below a destroyed pool, or never created)", \
                   "not a live pool")
#define MLN_MISUSE_PARENT_NOT_LIVE                                                                           \
    MLN_BY_PROFILE("the parent is not a live pool (destroyed, below a destroyed pool, or never created)", \
                   "the parent is not a live pool")
#define MLN_MISUSE_DOUBLE_FREE MLN_BY_PROFILE("double free (the block was already freed)", "double free")
/* When the header's free bit is all there is to go by: a pointer into a
 * block (or anywhere) whose bytes before it have that bit set reads alike. */
#define MLN_MISUSE_FREED_HEADER                                                                                    \
    MLN_BY_PROFILE(                                                                                             \
        "double free, or a pointer inside a block (the bytes before it read as an already freed block's header)", \
        "double free, or a pointer inside a block")
#define MLN_MISUSE_FOREIGN "pointer not allocated by any pool"
#define MLN_MISUSE_POOL_HANDLE \
    MLN_BY_PROFILE("the pointer is a pool (mln_alloc_destroy destroys a pool)", "the pointer is a pool")
#define MLN_MISUSE_DEAD_POOL "the block's pool was destroyed"

#define MLN_STRINGIFY_(x) #x
#define MLN_STRINGIFY(x) MLN_STRINGIFY_(x)

#ifdef MLN_ALLOC_DEBUG
#define MLN_ASSERT(cond)                                                      \
    do {                                                                      \
        if (!(cond))                                                          \
            mln_panic(__FILE__ ":" MLN_STRINGIFY(__LINE__)                    \
                               ": invariant failed: " #cond);                 \
    } while (0)
#else
#define MLN_ASSERT(cond) ((void)0)
#endif

#endif /* MLN_ALLOC_DEBUG_H */
