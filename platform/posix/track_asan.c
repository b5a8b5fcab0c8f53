/*
 * track_asan.c: the tracking seam (alloc/track.h) for AddressSanitizer:
 * poison what the caller may not touch, unpoison what it may.
 *
 * The core, which must read and write inside free blocks (bin links,
 * footers), is built without address instrumentation when tracking is on
 * (alloc/BUILD); its own correctness is what the integrity walk and the
 * model tests check.
 */
#include <sanitizer/asan_interface.h>

#include "alloc/track.h"

void mln_track_alloc(void *p, size_t bytes, size_t usable)
{
    ASAN_UNPOISON_MEMORY_REGION(p, bytes);
    ASAN_POISON_MEMORY_REGION((char *)p + bytes, usable - bytes);
}

void mln_track_free(void *p, size_t usable)
{
    ASAN_POISON_MEMORY_REGION(p, usable);
}
