/* SPDX-License-Identifier: MIT */
/*
 * panic.c: the POSIX panic hook: say what broke on stderr, then abort.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "alloc/platform.h"

_Noreturn void mln_platform_panic(const char *message)
{
    static const char prefix[] = "mlnpool: ";
    /* write(2), not stdio: the heap or stdio's lock may be what is broken. */
    ssize_t ignored = write(STDERR_FILENO, prefix, sizeof prefix - 1);
    ignored = write(STDERR_FILENO, message, strlen(message));
    ignored = write(STDERR_FILENO, "\n", 1);
    (void)ignored;
    abort();
}
