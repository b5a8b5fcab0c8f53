/* SPDX-License-Identifier: MIT */
/*
 * panic.c: the freestanding panic hook: stop at once.
 *
 * There is nowhere to print; a trap stops the core where a debugger (or the
 * fault handler) sees it. The message stays in a register for the debugger.
 */
#include "alloc/platform.h"

_Noreturn void mln_platform_panic(const char *message)
{
    __asm__ volatile("" : : "r"(message));
    __builtin_trap();
}
