/*
 * track.h: the one seam between the pools and memory checkers.
 *
 * Built with MLN_ALLOC_TRACK (the asan config sets it), every block handed
 * out or taken back is announced to the checker, which then sees inside the
 * pools: a read or write of a freed block, or past the bytes requested, is
 * reported as if the block came from malloc. The functions live in the
 * platform (platform/posix/track_asan.c); the core only calls them. Without
 * MLN_ALLOC_TRACK they are empty and cost nothing.
 */
#ifndef MLN_ALLOC_TRACK_H
#define MLN_ALLOC_TRACK_H

#include <stddef.h>

#ifdef MLN_ALLOC_TRACK
/* `bytes` of the `usable` bytes at `p` are the caller's; the rest are not. */
void mln_track_alloc(void *p, size_t bytes, size_t usable);
/* None of the `usable` bytes at `p` may be touched until handed out again. */
void mln_track_free(void *p, size_t usable);
#else
static inline void mln_track_alloc(void *p, size_t bytes, size_t usable)
{
    (void)p, (void)bytes, (void)usable;
}
static inline void mln_track_free(void *p, size_t usable) { (void)p, (void)usable; }
#endif

#endif /* MLN_ALLOC_TRACK_H */
