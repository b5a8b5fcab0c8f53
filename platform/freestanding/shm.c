/*
 * shm.c: "shared-memory" pools in firmware: a fixed region carved from the
 * default region, with the same contract as on POSIX. There are no
 * processes; what the lock callbacks guard is sub-pools used from different
 * tasks or interrupt levels (in real use an interrupt mask or an RTOS mutex).
 */
#include "alloc/shared.h"
#include "platform/freestanding/default_region.h"

/*
 * Give the region back to the default region. Its first bytes, which hold
 * the pool's handle (alloc/pool.h), are cleared first: a stale handle then
 * reads a pool that is not live and calls on it are refused, until the
 * memory is handed out again.
 */
static void give_back(void *mem, size_t size)
{
    (void)size;
    volatile unsigned char *handle = mem;
    for (size_t i = 0; i < MLN_BLOCK_HEADER + sizeof(uint32_t); i++)
        handle[i] = 0;
    mln_alloc_free(mem);
}

mln_alloc_t *mln_platform_shm_create(const struct mln_alloc_shm_attr_s *attr)
{
    mln_alloc_t *region = mln_default_region();
    void *mem = region == NULL ? NULL : mln_alloc_m(region, attr->size);
    if (mem == NULL)
        return NULL;
    mln_alloc_t *pool = mln_shared_init(mem, attr->size, attr, give_back);
    if (pool == NULL)
        mln_alloc_free(mem);
    return pool;
}
