/* SPDX-License-Identifier: MIT */
/*
 * track_valgrind.c: the tracking seam (alloc/track.h) for valgrind's
 * memcheck. Each pool is a memcheck mempool anchored at its control
 * structure; caller blocks are its chunks; everything else a pool's engine
 * owns (headers, free space, the wilderness, a block's bytes past the size
 * requested) is marked no-access. The client requests are a few no-op
 * instructions when the program is not running under valgrind.
 *
 * The core reads and writes that hidden space, so error reporting is off
 * for the length of each public call (MLN_TRACK_CORE_CALL); memcheck still
 * tracks definedness through it, so a block copied by mln_alloc_re keeps
 * which of its bytes were ever written.
 */
#include <stdint.h>
#include <valgrind/memcheck.h>

#include "alloc/track.h"

void mln_track_pool_create(const void *pool) { VALGRIND_CREATE_MEMPOOL(pool, 0, 0); }

void mln_track_pool_destroy(const void *pool) { VALGRIND_DESTROY_MEMPOOL(pool); }

void mln_track_alloc(const void *pool, void *p, size_t bytes, size_t usable)
{
    VALGRIND_MEMPOOL_ALLOC(pool, p, bytes); /* the caller's bytes: undefined */
    VALGRIND_MAKE_MEM_NOACCESS((char *)p + bytes, usable - bytes);
}

/*
 * Memcheck keeps the chunk's old size to itself; the first byte the caller
 * may not touch gives it back (everything past the old size is no-access).
 */
void mln_track_resize(const void *pool, void *p, size_t bytes, size_t usable)
{
    uintptr_t first_hidden = VALGRIND_CHECK_MEM_IS_ADDRESSABLE(p, usable);
    size_t old_bytes = first_hidden == 0 ? usable : (size_t)(first_hidden - (uintptr_t)p);
    VALGRIND_MEMPOOL_CHANGE(pool, p, p, bytes);
    if (bytes > old_bytes)
        VALGRIND_MAKE_MEM_UNDEFINED((char *)p + old_bytes, bytes - old_bytes);
    VALGRIND_MAKE_MEM_NOACCESS((char *)p + bytes, usable - bytes);
}

void mln_track_free(const void *pool, void *p, size_t usable)
{
    VALGRIND_MEMPOOL_FREE(pool, p);
    VALGRIND_MAKE_MEM_NOACCESS(p, usable);
}

void mln_track_hide(void *p, size_t bytes) { VALGRIND_MAKE_MEM_NOACCESS(p, bytes); }

/* Spans go back to where they came from defined: their owner may read them. */
void mln_track_show(void *p, size_t bytes) { VALGRIND_MAKE_MEM_DEFINED(p, bytes); }

int mln_track_core_begin(void)
{
    VALGRIND_DISABLE_ERROR_REPORTING;
    return 0;
}

void mln_track_core_end(int *scope)
{
    (void)scope;
    VALGRIND_ENABLE_ERROR_REPORTING;
}
