/* SPDX-License-Identifier: MIT */
/*
 * kind_shared.h: the kind of shared pools (kind_shared.c): creating one,
 * telling one, and its lock. The region's layout and the crash policy are
 * described in kind_shared_state.h.
 *
 * Nothing outside the shared kind and its public calls (api_shared.c)
 * names these: an image that never creates a shared pool links none of it.
 */
#ifndef MLN_ALLOC_KIND_SHARED_H
#define MLN_ALLOC_KIND_SHARED_H

#include "alloc/kind_shared_state.h"

/* Whether the live pool `pool` is a shared pool. */
bool mln_shared_is(const mln_alloc_t *pool);

/*
 * Create a shared pool over [mem, mem + size) (already shared between the
 * processes), with the lock callbacks of `attr`. `release` lets the region
 * go at destroy. NULL if the region is below mln_shared_min_size().
 */
mln_alloc_t *mln_shared_init(void *mem, size_t size, const struct mln_alloc_shm_attr_s *attr,
                             void (*release)(void *mem, size_t size));

size_t mln_shared_min_size(void);

/* Take the pool's lock (recovering if its last holder died). False: lock failed or pool failed. */
bool mln_shared_enter(mln_alloc_t *pool);
void mln_shared_leave(mln_alloc_t *pool);

#endif /* MLN_ALLOC_KIND_SHARED_H */
