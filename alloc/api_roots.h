/* SPDX-License-Identifier: MIT */
/*
 * api_roots.h: where shared pools get their memory (api_roots.c). API-layer
 * private.
 */
#ifndef MLN_ALLOC_API_ROOTS_H
#define MLN_ALLOC_API_ROOTS_H

#include "alloc/pool.h"

/*
 * Memory for a shared pool of at least *size bytes (updated to what was
 * granted): a block of the static region, or a region the platform maps.
 * *release is set to what lets it go again. NULL when none can be had.
 */
void *mln_memory_for_shared_pool(size_t *size, void (**release)(void *mem, size_t size));

#endif /* MLN_ALLOC_API_ROOTS_H */
