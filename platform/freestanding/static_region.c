/* SPDX-License-Identifier: MIT */
/*
 * static_region.c: the memory a freestanding build has, handed to the core.
 *
 * With no OS to ask, all of a build's root pools (mln_alloc_init(NULL)) and
 * shared pools live in one static region of MLN_ALLOC_DEFAULT_REGION_SIZE
 * bytes, set when the library is compiled (-DMLN_ALLOC_DEFAULT_REGION_SIZE=
 * 16384). The default is 0: no region, no RAM taken, and mln_alloc_init(NULL)
 * and mln_alloc_shm_init return NULL; pools over the program's own memory
 * (mln_alloc_region_init) and their children need none. The core runs the
 * region as a region pool (alloc/api_roots.c): root pools are its children,
 * shared pools its blocks. So the OS primitives have nothing to give here:
 * the core never calls them when a static region exists, and they answer
 * "no memory" if it ever did.
 *
 * Root and shared pools are created from one thread of control at a time:
 * firmware that creates them from several tasks or interrupts serialises
 * those calls itself.
 */
#include "alloc/mln_alloc.h"
#include "alloc/platform.h"

#ifndef MLN_ALLOC_DEFAULT_REGION_SIZE
#define MLN_ALLOC_DEFAULT_REGION_SIZE 0
#endif

/* Standard C has no empty arrays: with a size of 0 there is no array at all. */
#if MLN_ALLOC_DEFAULT_REGION_SIZE > 0
static _Alignas(MLN_ALLOC_ALIGNMENT) unsigned char region[MLN_ALLOC_DEFAULT_REGION_SIZE];

void *mln_platform_static_region(size_t *size)
{
    *size = sizeof region;
    return region;
}
#else
void *mln_platform_static_region(size_t *size)
{
    *size = 0;
    return NULL;
}
#endif

void *mln_platform_span_acquire(size_t *size)
{
    (void)size;
    return NULL;
}

void mln_platform_span_release(void *mem, size_t size)
{
    (void)mem;
    (void)size;
}

void *mln_platform_shared_map(size_t *size)
{
    (void)size;
    return NULL;
}

void mln_platform_shared_unmap(void *mem, size_t size)
{
    (void)mem;
    (void)size;
}

unsigned long mln_platform_owner_id(void)
{
    return 0; /* one program, no processes */
}
