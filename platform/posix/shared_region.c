/* SPDX-License-Identifier: MIT */
/*
 * shared_region.c: memory for shared pools on POSIX: one MAP_SHARED | MAP_ANONYMOUS
 * region mapped before fork, so parent and children see it at the same
 * address.
 */
#include <stdint.h>
#include <sys/mman.h>
#include <unistd.h>

#include "alloc/platform.h"

static size_t page_bytes(void)
{
    long page = sysconf(_SC_PAGESIZE);
    return page > 0 ? (size_t)page : 4096;
}

void *mln_platform_shared_map(size_t *size)
{
    size_t page = page_bytes();
    if (*size > SIZE_MAX - page)
        return NULL;
    size_t bytes = (*size + page - 1) & ~(page - 1);
    void *mem = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (mem == MAP_FAILED)
        return NULL;
    *size = bytes;
    return mem;
}

/*
 * Let the region go in this process (the others keep theirs). Its first
 * page, which holds the pool's handle, becomes a private read-only page of
 * zeros instead of a hole: a later call with the stale handle then reads a
 * pool that is not live and is refused, rather than fault. The page stays
 * reserved for the life of the process: 4 KiB of address space per shared
 * pool destroyed, and no memory (it is never written).
 */
void mln_platform_shared_unmap(void *mem, size_t size)
{
    size_t page = page_bytes();
    if (size <= page || mmap(mem, page, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) ==
                            MAP_FAILED) {
        munmap(mem, size);
        return;
    }
    munmap((char *)mem + page, size - page);
}
