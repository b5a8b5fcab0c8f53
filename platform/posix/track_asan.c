/* SPDX-License-Identifier: MIT */
/*
 * track_asan.c: the tracking seam (alloc/track.h) for AddressSanitizer:
 * poison what the caller may not touch, unpoison what it may.
 *
 * The core, which must read and write inside free blocks (bin links,
 * footers), is built without address instrumentation when tracking is on
 * (alloc/BUILD), so it needs no bracket; its own correctness is what the
 * integrity walk and the model tests check. ASan keeps no per-pool state:
 * creating and destroying a pool tells it nothing it needs.
 */
#include <sanitizer/asan_interface.h>

#include "alloc/track.h"

void mln_track_pool_create(const void *pool) { (void)pool; }

void mln_track_pool_destroy(const void *pool) { (void)pool; }

void mln_track_alloc(const void *pool, void *p, size_t bytes, size_t usable)
{
    (void)pool;
    ASAN_UNPOISON_MEMORY_REGION(p, bytes);
    ASAN_POISON_MEMORY_REGION((char *)p + bytes, usable - bytes);
}

void mln_track_resize(const void *pool, void *p, size_t bytes, size_t usable)
{
    mln_track_alloc(pool, p, bytes, usable); /* poisoning leaves contents alone */
}

void mln_track_free(const void *pool, void *p, size_t usable)
{
    (void)pool;
    ASAN_POISON_MEMORY_REGION(p, usable);
}

void mln_track_hide(void *p, size_t bytes) { ASAN_POISON_MEMORY_REGION(p, bytes); }

void mln_track_show(void *p, size_t bytes) { ASAN_UNPOISON_MEMORY_REGION(p, bytes); }

int mln_track_core_begin(void) { return 0; }

void mln_track_core_end(int *scope) { (void)scope; }
