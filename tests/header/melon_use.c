/* SPDX-License-Identifier: MIT */
/*
 * mln_alloc.h beside Melon's types header (tests/header/melon/mln_types.h
 * stands in for it), for header_modes_test: in either order, with and
 * without MLN_ALLOC_MELON, no second typedef of mln_size_t; with it, what
 * Melon code takes from Melon's mln_alloc.h is declared (malloc, memcpy,
 * munmap).
 */
#ifdef TYPES_FIRST
#include "mln_types.h"
#endif
#include "mln_alloc.h"
#include "mln_types.h"

mln_size_t melon_sizes(mln_alloc_t *pool);
mln_size_t melon_sizes(mln_alloc_t *pool)
{
    mln_u8_t *p = (mln_u8_t *)mln_alloc_m(pool, 16);
#ifdef MLN_ALLOC_MELON
    void *copy = malloc(16);
    if (copy != NULL && p != NULL)
        memcpy(copy, p, 16);
    free(copy);
    (void)munmap;
#endif
    mln_alloc_free(p);
    return (mln_size_t)sizeof(mln_size_t);
}
