/* SPDX-License-Identifier: MIT */
/*
 * track.h: the one seam between the pools and memory checkers.
 *
 * Built with MLN_ALLOC_TRACK, the pools tell a checker (valgrind's memcheck
 * or AddressSanitizer, chosen by which platform file is linked:
 * platform/posix/track_valgrind.c or track_asan.c) about every block, so
 * that it sees inside them: a read or write of a freed block, of a block's
 * bytes past those requested, of the space a pool has not handed out, and
 * (memcheck) a read of pooled bytes never written are reported as they
 * would be for malloc'd memory. Without MLN_ALLOC_TRACK every call here is
 * empty and costs nothing.
 *
 * Who calls what: the API layer (api.c) announces caller blocks; the pool
 * layer (pool.c) creates and forgets pools and hides the spans it hands to
 * its engine. Blocks of shared-memory pools are never announced: a checker
 * sees one process, the blocks belong to all of them.
 *
 * The core itself reads and writes hidden space (headers, bin links,
 * footers): MLN_TRACK_CORE_CALL() opens every public function, and for its
 * duration the checker does not report (memcheck), or the core is not
 * instrumented at all (ASan, alloc/BUILD).
 */
#ifndef MLN_ALLOC_TRACK_H
#define MLN_ALLOC_TRACK_H

#include <stddef.h>

#ifdef MLN_ALLOC_TRACK
#define MLN_TRACKING 1
/* A pool exists at `pool` / has gone with every block it had. */
void mln_track_pool_create(const void *pool);
void mln_track_pool_destroy(const void *pool);
/* `pool` hands out `p`: `bytes` of its `usable` bytes are the caller's. */
void mln_track_alloc(const void *pool, void *p, size_t bytes, size_t usable);
/* The block at `p` now has `bytes` of `usable` for the caller, its old
 * contents kept up to the smaller size. */
void mln_track_resize(const void *pool, void *p, size_t bytes, size_t usable);
/* `pool` takes `p` back: none of it may be touched until handed out again. */
void mln_track_free(const void *pool, void *p, size_t usable);
/* Space given to an engine (`hide`) or returned to where spans come from (`show`). */
void mln_track_hide(void *p, size_t bytes);
void mln_track_show(void *p, size_t bytes);
/* Bracket a public call: the core may touch hidden space in between. */
int mln_track_core_begin(void);
void mln_track_core_end(int *scope);
#define MLN_TRACK_CORE_CALL()                                                                \
    int mln_track_scope_ __attribute__((cleanup(mln_track_core_end), unused)) =              \
        mln_track_core_begin()
#else
#define MLN_TRACKING 0
static inline void mln_track_pool_create(const void *pool) { (void)pool; }
static inline void mln_track_pool_destroy(const void *pool) { (void)pool; }
static inline void mln_track_alloc(const void *pool, void *p, size_t bytes, size_t usable)
{
    (void)pool, (void)p, (void)bytes, (void)usable;
}
static inline void mln_track_resize(const void *pool, void *p, size_t bytes, size_t usable)
{
    (void)pool, (void)p, (void)bytes, (void)usable;
}
static inline void mln_track_free(const void *pool, void *p, size_t usable)
{
    (void)pool, (void)p, (void)usable;
}
static inline void mln_track_hide(void *p, size_t bytes) { (void)p, (void)bytes; }
static inline void mln_track_show(void *p, size_t bytes) { (void)p, (void)bytes; }
#define MLN_TRACK_CORE_CALL() ((void)0)
#endif

#endif /* MLN_ALLOC_TRACK_H */
