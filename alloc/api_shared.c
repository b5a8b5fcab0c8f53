/* SPDX-License-Identifier: MIT */
/*
 * api_shared.c: the calls of mln_alloc.h for shared pools. Only these name
 * the shared kind, so an image that never calls them links none of it (the
 * journal, recovery, the integrity walk).
 */
#include "alloc/api_roots.h"
#include "alloc/kind_shared.h"
#include "alloc/kind_shared_recovery.h"
#include "alloc/track.h"

mln_alloc_t *mln_alloc_shm_init(struct mln_alloc_shm_attr_s *attr)
{
    if (attr == NULL || attr->lock == NULL || attr->unlock == NULL ||
        attr->size < MLN_ALLOC_SHM_MIN_SIZE)
        return NULL;
    MLN_TRACK_CORE_CALL();
    size_t size = attr->size;
    void (*release)(void *mem, size_t size);
    void *mem = mln_memory_for_shared_pool(&size, &release);
    if (mem == NULL)
        return NULL;
    mln_alloc_t *pool = mln_shared_init(mem, size, attr, release);
    if (pool == NULL)
        release(mem, size);
    return pool;
}

mln_alloc_t *mln_alloc_shm_init_capacity(mln_size_t capacity, void *locker,
                                         mln_alloc_shm_lock_cb_t lock,
                                         mln_alloc_shm_lock_cb_t unlock)
{
    struct mln_alloc_shm_attr_s attr = {capacity, locker, lock, unlock};
    return mln_alloc_shm_init(&attr);
}

/* Whether `pool` is a live shared pool (the handle itself is read first). */
static bool is_shared(const mln_alloc_t *pool)
{
    return pool != NULL && mln_pool_is_live(pool) && mln_shared_is(pool);
}

int mln_alloc_shm_reclaim(mln_alloc_t *pool, unsigned long owner)
{
    if (!is_shared(pool) || !mln_shared_enter(pool))
        return -1;
    int reclaimed = mln_shared_reclaim(pool, owner);
    mln_shared_leave(pool);
    return reclaimed;
}

int mln_alloc_shm_recover(mln_alloc_t *pool)
{
    if (!is_shared(pool))
        return -1;
    return mln_shared_recover(pool) ? 0 : -1;
}

int mln_alloc_shm_failed(const mln_alloc_t *pool)
{
    return is_shared(pool) && mln_shared_of(pool)->failed;
}
