/* SPDX-License-Identifier: MIT */
/*
 * stats_1_0.c: mln_alloc_stats as programs built against libmlnpool.so.1
 * before version 1.1 call it.
 *
 * Version 1.1 renamed the figure `capacity` to `bytes_held` (same place) and
 * appended `capacity_limit` to struct mln_alloc_stats_s. A program built
 * before passes the shorter struct, so it must not get the new function: the
 * shared library keeps the old one under the old version node
 * (mln_alloc_stats@MLNPOOL_1), which fills the old layout, and binds new
 * programs to mln_alloc_stats@@MLNPOOL_1.1 (mlnpool.map). Only the shared
 * library carries this; the static archive has nothing to be compatible
 * with.
 */
#include "mln_alloc.h"

/* struct mln_alloc_stats_s of version 1.0. */
struct mln_alloc_stats_1_0 {
    mln_size_t bytes_in_use;
    mln_size_t peak_bytes_in_use;
    mln_size_t capacity; /* now bytes_held */
    mln_size_t largest_free;
    mln_size_t allocations;
    mln_size_t frees;
    mln_size_t failures;
};

__attribute__((visibility("default"))) int mlnpool_stats_1_0(const mln_alloc_t *pool,
                                                               struct mln_alloc_stats_1_0 *old);
__asm__(".symver mlnpool_stats_1_0, mln_alloc_stats@MLNPOOL_1");

int mlnpool_stats_1_0(const mln_alloc_t *pool, struct mln_alloc_stats_1_0 *old)
{
    struct mln_alloc_stats_s now;
    if (old == NULL || mln_alloc_stats(pool, &now) != 0)
        return -1;
    old->bytes_in_use = now.bytes_in_use;
    old->peak_bytes_in_use = now.peak_bytes_in_use;
    old->capacity = now.bytes_held;
    old->largest_free = now.largest_free;
    old->allocations = now.allocations;
    old->frees = now.frees;
    old->failures = now.failures;
    return 0;
}
