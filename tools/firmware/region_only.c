/* SPDX-License-Identifier: MIT */
/*
 * region_only.c: a firmware image that uses one region pool and nothing
 * else (create it over the program's memory, allocate, zero-allocate,
 * resize, free, destroy; no child pool), for tools/firmware_figures.sh and
 * //tests/bare:no_hidden_memory_test. Built once with the library and once
 * with -DSTUBS (the same calls, answered by empty stand-ins): the
 * difference in text + data is what the library costs such an image.
 */
#include "mln_alloc.h"

#ifdef STUBS
mln_alloc_t *mln_alloc_region_init(void *mem, mln_size_t size) { return (mln_alloc_t *)((char *)mem + size); }
void *mln_alloc_m(mln_alloc_t *pool, mln_size_t size) { return (char *)pool + size; }
void *mln_alloc_c(mln_alloc_t *pool, mln_size_t size) { return (char *)pool - size; }
void *mln_alloc_re(mln_alloc_t *pool, void *ptr, mln_size_t size) { return (char *)ptr + size + (pool != 0); }
void mln_alloc_free(void *ptr) { *(volatile char *)ptr = 0; }
void mln_alloc_destroy(mln_alloc_t *pool) { *(volatile char *)pool = 0; }
#endif

static unsigned char memory[8192];

int main(void);
int main(void)
{
    mln_alloc_t *region = mln_alloc_region_init(memory, sizeof memory);
    char *a = mln_alloc_m(region, 100);
    char *b = mln_alloc_c(region, 50);
    a = mln_alloc_re(region, a, 300);
    mln_alloc_free(b);
    mln_alloc_free(a);
    mln_alloc_destroy(region);
    return 0;
}

/* The image's entry: no C library, no start files. */
void reset(void);
void reset(void)
{
    main();
    for (;;) {
    }
}
