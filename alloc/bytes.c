/*
 * bytes.c: copy and zero loops for the core.
 *
 * Pool blocks are aligned to MLN_ALLOC_ALIGNMENT, so the common case moves
 * whole machine words; the byte tail handles the rest. A hosted compiler may
 * turn these loops into calls to its own memcpy/memset, which is fine: the
 * source depends on nothing.
 */
#include "alloc/bytes.h"

#include <stdint.h>

/* may_alias: the words carry user data of any type. */
typedef size_t __attribute__((__may_alias__)) word_t;

static int both_word_aligned(const void *a, const void *b)
{
    return (((uintptr_t)a | (uintptr_t)b) & (sizeof(word_t) - 1)) == 0;
}

void mln_bytes_copy(void *dst, const void *src, size_t n)
{
    unsigned char *d = dst;
    const unsigned char *s = src;
    if (both_word_aligned(d, s)) {
        for (; n >= sizeof(word_t); n -= sizeof(word_t)) {
            *(word_t *)(void *)d = *(const word_t *)(const void *)s;
            d += sizeof(word_t);
            s += sizeof(word_t);
        }
    }
    while (n--)
        *d++ = *s++;
}

void mln_bytes_zero(void *dst, size_t n)
{
    unsigned char *d = dst;
    if (both_word_aligned(d, d)) {
        for (; n >= sizeof(word_t); n -= sizeof(word_t)) {
            *(word_t *)(void *)d = 0;
            d += sizeof(word_t);
        }
    }
    while (n--)
        *d++ = 0;
}
