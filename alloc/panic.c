/* SPDX-License-Identifier: MIT */
/*
 * panic.c: where misuse and broken invariants are reported.
 *
 * The user may install a hook (to log, to flush, to reset a device); it is
 * called with the message, and if it returns, the platform's panic ends the
 * program anyway: carrying on would corrupt memory.
 */
#include "alloc/debug.h"
#include "alloc/mln_alloc.h"

static mln_alloc_panic_hook_t panic_hook;

void mln_alloc_set_panic_hook(mln_alloc_panic_hook_t hook)
{
    panic_hook = hook;
}

_Noreturn void mln_panic(const char *message)
{
    mln_alloc_panic_hook_t hook = panic_hook;
    if (hook != NULL)
        hook(message);
    mln_platform_panic(message);
}

/* Append `text` to the `used` bytes of `message` (room for `room`, a
 * terminator included); the bytes used after. */
static size_t append(char *message, size_t used, size_t room, const char *text)
{
    while (*text != '\0' && used + 1 < room)
        message[used++] = *text++;
    message[used] = '\0';
    return used;
}

/*
 * Composed here, so that each reason is stored once however many calls
 * report it: in firmware the messages are most of what hardening costs in
 * read-only data.
 */
_Noreturn void mln_misuse_report(const char *call, const char *what)
{
    if (!MLN_WITH_CALL_NAMES || call == NULL)
        mln_panic(what);
    char message[128];
    size_t used = append(message, 0, sizeof message, call);
    used = append(message, used, sizeof message, ": ");
    append(message, used, sizeof message, what);
    mln_panic(message);
}
