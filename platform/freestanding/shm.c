/*
 * shm.c: memory for "shared-memory" pools in firmware: a block of the
 * default region, with the same contract as on POSIX. There are no
 * processes; what the pool's lock callbacks guard is sub-pools used from
 * different tasks or interrupt levels (in real use an interrupt mask or an
 * RTOS mutex).
 */
#include <stdint.h>

#include "alloc/platform.h"
#include "platform/freestanding/default_region.h"

void *mln_platform_shm_map(size_t *size)
{
    mln_alloc_t *region = mln_default_region();
    return region == NULL ? NULL : mln_alloc_m(region, *size);
}

/*
 * Give the region back to the default region. Its first bytes, which hold
 * the pool's handle (a block header, then the pool's magic word), are
 * cleared first: a stale handle then reads a pool that is not live and
 * calls on it are refused, until the memory is handed out again.
 */
void mln_platform_shm_unmap(void *mem, size_t size)
{
    (void)size;
    volatile unsigned char *handle = mem;
    for (size_t i = 0; i < 4 * sizeof(void *) + sizeof(uint32_t); i++)
        handle[i] = 0;
    mln_alloc_free(mem);
}
