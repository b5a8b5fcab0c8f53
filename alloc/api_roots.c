/* SPDX-License-Identifier: MIT */
/*
 * api_roots.c: creating heap pools, and where pools with no parent (root
 * pools, shared pools) get their memory.
 *
 * A platform with an OS maps spans and shared regions for them (platform.h).
 * A platform with none hands over one static region instead, and the core
 * runs it as a region pool of its own: root pools are its children, shared
 * pools its blocks. The platform thus only ever gives memory, never calls
 * the core back.
 *
 * The static region's pool is made on the first call, with no lock: a
 * platform with a static region is one where root and shared pools are
 * created from one thread of control at a time (the integrator serialises
 * them). Its handle is found in the region itself (a zeroed region holds no
 * live pool yet), so the library keeps no variable of its own for it: an
 * image without a default region has no RAM of the library's but its pools.
 */
#include "alloc/api_roots.h"

#include "alloc/kind_heap.h"
#include "alloc/platform.h"
#include "alloc/track.h"

/*
 * The parent that mln_alloc_init(NULL) gives a new root pool: the pool over
 * the platform's static region (made on first call), or NULL where root
 * pools take spans from the OS, where there is no default region, or where
 * it is too small for a pool.
 */
static mln_alloc_t *root_parent(void)
{
    size_t size = 0;
    void *region = mln_platform_static_region(&size);
    if (region == NULL)
        return NULL;
    mln_alloc_t *pool = mln_pool_at_home(region, NULL); /* the region is aligned: no skip */
    if (size > mln_alloc_region_min_size() && mln_pool_is_live(pool))
        return pool;
    return mln_heap_create_over(region, size);
}

mln_alloc_t *mln_alloc_init(mln_alloc_t *parent)
{
    return mln_alloc_init_capacity(parent, 0);
}

mln_alloc_t *mln_alloc_init_capacity(mln_alloc_t *parent, mln_size_t capacity)
{
    MLN_TRACK_CORE_CALL();
    if (parent != NULL && !mln_pool_is_live(parent))
        mln_misuse("mln_alloc_init", MLN_MISUSE_PARENT_NOT_LIVE);
    if (parent == NULL)
        parent = root_parent();
    return mln_heap_create(parent, capacity == 0 ? SIZE_MAX : capacity);
}

/*
 * Let a shared pool's block of the static region go: no other process can
 * see it, so its handle is marked dead first (a stale handle is then
 * refused until the memory is handed out again), then the block goes back.
 */
static void release_to_static_region(void *mem, size_t size)
{
    (void)size;
    mln_pool_at_home(mem, NULL)->magic = MLN_POOL_DEAD;
    mln_alloc_free(mem);
}

void *mln_memory_for_shared_pool(size_t *size, void (**release)(void *mem, size_t size))
{
    mln_alloc_t *region = root_parent();
    if (region == NULL) {
        *release = mln_platform_shared_unmap;
        return mln_platform_shared_map(size);
    }
    *release = release_to_static_region;
    return mln_alloc_m(region, *size);
}
