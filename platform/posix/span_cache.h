/* SPDX-License-Identifier: MIT */
/*
 * span_cache.h: what the POSIX span cache (os_spans.c) tells its tests.
 */
#ifndef MLN_PLATFORM_POSIX_SPAN_CACHE_H
#define MLN_PLATFORM_POSIX_SPAN_CACHE_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* How many spans the cache has handed out that it had marked MADV_FREE
 * (whose pages the kernel may have taken back). Thread-safe. */
size_t mln_posix_span_cache_cold_taken(void);

#ifdef __cplusplus
}
#endif

#endif
