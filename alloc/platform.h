/* SPDX-License-Identifier: MIT */
/*
 * platform.h: the one seam between the engine and the machine it runs on.
 *
 * The core (alloc/) never includes a system header and never calls the OS or
 * libc. Each platform (platform/posix, platform/freestanding) implements these
 * primitives once, and the linker joins them to the core.
 */
#ifndef MLN_ALLOC_PLATFORM_H
#define MLN_ALLOC_PLATFORM_H

#include <stddef.h>

/*
 * The memory of a platform with no OS to ask (firmware): one static region,
 * its size in *size, handed over whole. The core runs it as a region pool of
 * its own on first use (alloc/api_roots.c): root pools become its children
 * and shared pools its blocks, and the span and shared-memory primitives
 * below are never called. NULL where the platform has an OS to ask.
 * Called once per root or shared pool created; answers the same every time.
 */
void *mln_platform_static_region(size_t *size);

/*
 * Obtain a span of at least *size bytes for a root pool, aligned to
 * MLN_ALLOC_ALIGNMENT. On success *size is set to the bytes actually granted
 * (>= the request). Returns NULL on failure, leaving *size unspecified.
 * Must be thread-safe: root pools in different threads call it at once.
 */
void *mln_platform_span_acquire(size_t *size);

/*
 * Give back a span obtained from mln_platform_span_acquire (same size).
 * Thread-safe. A platform that keeps the span for later (a cache) may
 * write into it, but not into its first MLN_PLATFORM_SPAN_UNTOUCHED
 * bytes: while the span is kept, they tell a stale pointer into a
 * destroyed root pool that its pool was destroyed (they hold the pool's
 * handle and mark, or a large block's header).
 */
#define MLN_PLATFORM_SPAN_UNTOUCHED 64
void mln_platform_span_release(void *mem, size_t size);

/*
 * An id of the running process (its pid on POSIX; 0 where there is only one),
 * recorded by sub-pools of shared pools for mln_alloc_shm_reclaim.
 */
unsigned long mln_platform_owner_id(void);

/*
 * Memory for a shared pool: at least *size bytes (updated to what was
 * granted) that this process and the children it forks afterwards see at the
 * same address; NULL when none can be had. mln_platform_shared_unmap lets it go
 * in the calling process (the others keep it), leaving the first bytes of
 * the region, which hold the pool's handle, reading as anything but a live
 * pool where the platform can (a stale handle is then refused, not a fault).
 */
void *mln_platform_shared_map(size_t *size);
void mln_platform_shared_unmap(void *mem, size_t size);

/* Report a broken invariant or a misuse and stop; never returns. */
_Noreturn void mln_platform_panic(const char *message);

#endif /* MLN_ALLOC_PLATFORM_H */
