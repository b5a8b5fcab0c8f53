/* SPDX-License-Identifier: MIT */
/*
 * request: a server-style loop. Per request: a child pool of a long-lived
 * root, 50 allocations of mixed sizes (7 in 8 of 16-255 bytes, 1 in 8 of
 * 512-2047), then the child is destroyed (glibc: 50 mallocs, then 50 frees).
 * One op = one request. The sizes are drawn before the clock starts, so
 * that both sides are timed on allocation alone.
 *
 *   ./tools/bazel run -c opt //bench:request
 */
#include <stdlib.h>

#include "bench/harness.h"
#include "mln_alloc.h"

#define REQUESTS 200000ull
enum { PER_REQUEST = 50, SIZES = 4096 };

static mln_alloc_t *root;
static size_t sizes[SIZES];

static uint64_t request_round(int use_pool)
{
    void *held[PER_REQUEST];
    size_t next = 0;
    uint64_t start = bench_now_ns();
    for (uint64_t r = 0; r < REQUESTS; r++) {
        mln_alloc_t *req = use_pool ? mln_alloc_init(root) : NULL;
        for (int i = 0; i < PER_REQUEST; i++) {
            size_t n = sizes[next++ % SIZES];
            char *p = use_pool ? mln_alloc_m(req, n) : malloc(n);
            *p = (char)i;
            held[i] = p;
        }
        if (use_pool) {
            mln_alloc_destroy(req);
        } else {
            for (int i = 0; i < PER_REQUEST; i++)
                free(held[i]);
        }
    }
    return bench_now_ns() - start;
}

int main(void)
{
    uint64_t rng = 0xB7E151628AED2A6Bull;
    for (int i = 0; i < SIZES; i++) {
        uint64_t x = bench_rand(&rng);
        sizes[i] = x % 8 == 0 ? 512 + x % 1536 : 16 + x % 240;
    }
    root = mln_alloc_init(NULL);
    bench_compare("request", REQUESTS, request_round);
    mln_alloc_destroy(root);
    return 0;
}
