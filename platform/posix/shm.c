/*
 * shm.c: shared-memory pools on POSIX: one MAP_SHARED | MAP_ANONYMOUS region
 * created before fork, so parent and children see it at the same address.
 */
#include <stdint.h>
#include <sys/mman.h>
#include <unistd.h>

#include "alloc/shared.h"
#include "platform/posix/shm_mutex.h"

static void unmap_region(void *mem, size_t size)
{
    munmap(mem, size);
}

mln_alloc_t *mln_platform_shm_create(const struct mln_alloc_shm_attr_s *attr)
{
    long page = sysconf(_SC_PAGESIZE);
    size_t page_bytes = page > 0 ? (size_t)page : 4096;
    if (attr->size > SIZE_MAX - page_bytes)
        return NULL;
    size_t size = (attr->size + page_bytes - 1) & ~(page_bytes - 1);
    void *mem = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (mem == MAP_FAILED)
        return NULL;
    mln_alloc_t *pool = mln_shared_init(mem, size, attr, unmap_region);
    if (pool == NULL) {
        munmap(mem, size);
        return NULL;
    }
    if (attr->lock == mln_alloc_shm_mutex_lock)
        mln_shm_mutex_attach(attr->locker, pool);
    return pool;
}
