/*
 * request: a server-style loop. Per request: a child pool of a long-lived
 * root, 50 allocations of mixed sizes (16 B - 2 KiB), then the child is
 * destroyed (glibc: 50 mallocs, then 50 frees). One op = one request.
 *
 *   ./tools/bazel run -c opt //bench:request
 */
#include <stdlib.h>

#include "bench/harness.h"
#include "mln_alloc.h"

#define REQUESTS 200000ull
enum { PER_REQUEST = 50 };

static mln_alloc_t *root;

static uint64_t request_round(int use_pool)
{
    uint64_t rng = 0xB7E151628AED2A6Bull;
    void *held[PER_REQUEST];
    uint64_t start = bench_now_ns();
    for (uint64_t r = 0; r < REQUESTS; r++) {
        mln_alloc_t *req = use_pool ? mln_alloc_init(root) : NULL;
        for (int i = 0; i < PER_REQUEST; i++) {
            uint64_t x = bench_rand(&rng);
            size_t n = x % 8 == 0 ? 512 + x % 1536 : 16 + x % 240;
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
    root = mln_alloc_init(NULL);
    bench_compare("request", REQUESTS, request_round);
    mln_alloc_destroy(root);
    return 0;
}
