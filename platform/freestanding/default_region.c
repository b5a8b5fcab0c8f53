/*
 * default_region.c: where a freestanding build's root pools get memory.
 *
 * With no OS to ask, mln_alloc_init(NULL) draws its spans from one static
 * region of MLN_ALLOC_DEFAULT_REGION_SIZE bytes (set it at build time, for
 * example --copt=-DMLN_ALLOC_DEFAULT_REGION_SIZE=65536). The region is
 * itself a fixed pool on the same engine, created on first use; root pools
 * behave as its children, shared-memory pools are blocks of it.
 *
 * Single-threaded by contract: firmware that creates root pools from several
 * tasks or interrupts serialises those calls itself.
 */
#include "alloc/platform.h"
#include "platform/freestanding/default_region.h"

#ifndef MLN_ALLOC_DEFAULT_REGION_SIZE
#define MLN_ALLOC_DEFAULT_REGION_SIZE (64u * 1024u)
#endif

static _Alignas(MLN_ALLOC_ALIGNMENT) unsigned char region[MLN_ALLOC_DEFAULT_REGION_SIZE];
static mln_alloc_t *region_pool;

mln_alloc_t *mln_default_region(void)
{
    if (region_pool == NULL)
        region_pool = mln_alloc_region_init(region, sizeof region);
    return region_pool;
}

void *mln_platform_span_acquire(size_t *size)
{
    mln_alloc_t *pool = mln_default_region();
    return pool == NULL ? NULL : mln_alloc_m(pool, *size);
}

void mln_platform_span_release(void *mem, size_t size)
{
    (void)size;
    mln_alloc_free(mem);
}

unsigned long mln_platform_owner_id(void)
{
    return 0; /* one program, no processes */
}
