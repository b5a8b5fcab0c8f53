/* SPDX-License-Identifier: MIT */
/*
 * bytes.h: the two byte loops the core needs, so that it calls no libc.
 */
#ifndef MLN_ALLOC_BYTES_H
#define MLN_ALLOC_BYTES_H

#include <stddef.h>

/* Copy n bytes from src to dst; the ranges must not overlap. */
void mln_bytes_copy(void *dst, const void *src, size_t n);

/* Set n bytes at dst to zero. */
void mln_bytes_zero(void *dst, size_t n);

#endif /* MLN_ALLOC_BYTES_H */
