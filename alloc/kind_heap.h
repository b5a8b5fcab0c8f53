/* SPDX-License-Identifier: MIT */
/*
 * kind_heap.h: heap and region pools, the kind whose memory this process
 * alone uses (kind_heap.c).
 */
#ifndef MLN_ALLOC_KIND_HEAP_H
#define MLN_ALLOC_KIND_HEAP_H

#include "alloc/pool.h"

/* A heap pool: a root when parent == NULL, else a child of `parent` (of any
 * kind); at most `limit` bytes in use (SIZE_MAX: no limit). NULL when no
 * memory can be had. */
mln_alloc_t *mln_heap_create(mln_alloc_t *parent, size_t limit);

/* A region pool over [mem, mem + size), which never grows. NULL when the
 * region is too small (see mln_pool_fixed_min_size). */
mln_alloc_t *mln_heap_create_over(void *mem, size_t size);

#endif /* MLN_ALLOC_KIND_HEAP_H */
