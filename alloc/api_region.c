/* SPDX-License-Identifier: MIT */
/*
 * api_region.c: pools over a region the caller owns (a static array, a
 * linker section, a block of some other allocator): heap pools over one
 * fixed span.
 */
#include "alloc/kind_heap.h"

mln_size_t mln_alloc_region_min_size(void)
{
    /* Misalignment of `mem` may cost up to one alignment unit more. */
    return mln_pool_fixed_min_size(0) + MLN_ALIGN;
}

mln_alloc_t *mln_alloc_region_init(void *mem, mln_size_t size)
{
    if (size < mln_alloc_region_min_size()) /* the same answer, aligned or not */
        return NULL;
    MLN_TRACK_CORE_CALL();
    return mln_heap_create_over(mem, size);
}
