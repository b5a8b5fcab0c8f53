/*
 * shm.c: shared-memory pools on POSIX: one MAP_SHARED | MAP_ANONYMOUS region
 * created before fork, so parent and children see it at the same address.
 */
#include <stdint.h>
#include <sys/mman.h>
#include <unistd.h>

#include "alloc/shared.h"
#include "platform/posix/shm_mutex.h"

static size_t page_bytes(void)
{
    long page = sysconf(_SC_PAGESIZE);
    return page > 0 ? (size_t)page : 4096;
}

/*
 * Let the region go in this process (the others keep theirs). Its first
 * page, which holds the pool's handle, becomes a private read-only page of
 * zeros instead of a hole: a later call with the stale handle then reads a
 * pool that is not live and is refused, rather than fault. The page stays
 * reserved for the life of the process: 4 KiB of address space per shared
 * pool destroyed, and no memory (it is never written).
 */
static void unmap_region(void *mem, size_t size)
{
    size_t page = page_bytes();
    if (size <= page || mmap(mem, page, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) ==
                            MAP_FAILED) {
        munmap(mem, size);
        return;
    }
    munmap((char *)mem + page, size - page);
}

mln_alloc_t *mln_platform_shm_create(const struct mln_alloc_shm_attr_s *attr)
{
    size_t page = page_bytes();
    if (attr->size > SIZE_MAX - page)
        return NULL;
    size_t size = (attr->size + page - 1) & ~(page - 1);
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
