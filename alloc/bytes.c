/* SPDX-License-Identifier: MIT */
/*
 * bytes.c: copy and zero for the core.
 *
 * These are the compiler's builtins: they become inline code or a call to
 * memcpy/memset. Even freestanding, GCC and Clang require the environment to
 * provide memcpy, memmove, memset and memcmp (and emit calls to them on their
 * own), so each platform supplies them anyway; on a hosted system they are
 * libc's, much faster than any loop written here.
 */
#include "alloc/bytes.h"

void mln_bytes_copy(void *dst, const void *src, size_t n)
{
    __builtin_memcpy(dst, src, n);
}

void mln_bytes_zero(void *dst, size_t n)
{
    __builtin_memset(dst, 0, n);
}
