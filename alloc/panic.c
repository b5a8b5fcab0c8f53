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
