/* SPDX-License-Identifier: MIT */
/*
 * peers.h: the allocators bench/peers compares, behind one table each, and
 * the random stream every workload draws from.
 *
 * Every allocator is called through the same table of function pointers, so
 * each pays the same indirect call; what differs is the allocator alone.
 */
#ifndef MLN_BENCH_PEERS_H
#define MLN_BENCH_PEERS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct peer {
    const char *name;
    /* A fresh heap / pool / context, and one below `parent` (a request's
     * pool). Allocators without hierarchy make an independent one. */
    void *(*heap_new)(void);
    void *(*child_new)(void *parent); /* NULL: none (workloads that need it skip the peer) */
    /* Let a heap go. With drops_blocks, every block in it goes too;
     * without (glibc), the workload frees each block first. */
    void (*heap_drop)(void *heap);
    bool drops_blocks;
    void *(*alloc)(void *heap, size_t n);
    /* NULL: no per-block free (APR): workloads that need it skip the peer. */
    void (*free)(void *heap, void *p);
    /* NULL: no resize (APR). */
    void *(*realloc)(void *heap, void *p, size_t n);
};

/*
 * The peers, in report order: mlnpool, glibc, then those whose library was
 * found. Returns how many were filled in (at most 8); prints a line for
 * each that was not found.
 */
int peers_load(struct peer *out);

/*
 * wyrand: 64 bits per call, non-repeating over any run here, cheap enough to
 * sit inside the timed loop (identical work for every allocator).
 */
static inline uint64_t stream_next(uint64_t *state)
{
    *state += 0xa0761d6478bd642full;
    __uint128_t t = (__uint128_t)*state * (*state ^ 0xe7037ed1a0b428dbull);
    return (uint64_t)(t >> 64) ^ (uint64_t)t;
}

/* A number in [0, range) from 32 random bits: multiply and shift, no division. */
static inline uint32_t stream_below(uint32_t bits, uint32_t range)
{
    return (uint32_t)(((uint64_t)bits * range) >> 32);
}

#endif /* MLN_BENCH_PEERS_H */
