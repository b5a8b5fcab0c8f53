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
 * The first pages of the shared pools this process let go most recently,
 * kept as read-only zeros (below), at most TOMBSTONES: each is a mapping of
 * its own, and a process creating and destroying shared pools without end
 * would otherwise run into the kernel's limit on mappings
 * (vm.max_map_count, 65530 by default), after which every mmap fails,
 * malloc's included. A slot is taken with one atomic increment and its
 * former page swapped out atomically, so that threads destroying pools at
 * once need no lock (and a fork never inherits one held).
 */
#define TOMBSTONES 1024u
static void *tombstones[TOMBSTONES];
static unsigned long tombstones_made;

static void keep_tombstone(void *page_mem, size_t page)
{
    unsigned long n = __atomic_fetch_add(&tombstones_made, 1, __ATOMIC_RELAXED);
    void *oldest = __atomic_exchange_n(&tombstones[n % TOMBSTONES], page_mem, __ATOMIC_ACQ_REL);
    if (oldest != NULL)
        munmap(oldest, page);
}

/*
 * Let the region go in this process (the others keep theirs). Its first
 * page, which holds the pool's handle, becomes a private read-only page of
 * zeros instead of a hole: a later call with the stale handle then reads a
 * pool that is not live and is refused, rather than fault. The page stays
 * reserved, taking 4 KiB of address space and no memory (it is never
 * written), until TOMBSTONES shared pools destroyed later have taken its
 * place; a handle older than that is unmapped, and using it faults.
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
    keep_tombstone(mem, page);
}
