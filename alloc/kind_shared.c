/* SPDX-License-Identifier: MIT */
/*
 * kind_shared.c: the kind of shared pools (kind_shared.h): locking, and the
 * operations the pool layer calls, for the pool's own blocks and for its
 * sub-pools, built on the journaled steps of kind_shared_journal.c.
 */
#include "alloc/kind_shared.h"

#include "alloc/kind_shared_journal.h"
#include "alloc/kind_shared_recovery.h"
#include "alloc/platform.h"

static const struct mln_pool_kind shared_kind;

bool mln_shared_is(const mln_alloc_t *pool)
{
    return pool->kind == &shared_kind;
}

/* ---- locking ---- */

bool mln_shared_enter(mln_alloc_t *pool)
{
    struct mln_shared *sh = mln_shared_of(pool);
    if (sh->failed || sh->lock(sh->locker) != 0)
        return false; /* no lock taken, so none to give back */
    if (mln_shared_ready(pool)) { /* recovered first if the last holder died */
        sh->holder = mln_platform_owner_id();
        return true;
    }
    sh->unlock(sh->locker);
    return false;
}

void mln_shared_leave(mln_alloc_t *pool)
{
    struct mln_shared *sh = mln_shared_of(pool);
    sh->holder = 0;
    sh->unlock(sh->locker);
}

/* ---- the pool's own blocks: direct calls, under the caller's lock ---- */

/* A block for the pool from its engine, in a step of its own (the cache
 * had none). Out of line, as is recovery below: a cache hit, the commonest
 * call, then runs with no frame. */
static __attribute__((noinline)) mln_block_t *take_own(mln_alloc_t *pool, size_t block_bytes)
{
    mln_block_t *b = mln_shared_take(pool, block_bytes, pool);
    mln_journal_step_done(&mln_shared_of(pool)->journal);
    return b;
}

static mln_block_t *shared_alloc(mln_alloc_t *pool, size_t bytes, size_t block_bytes);

/* shared_alloc once a dead holder's work is repaired (NULL: the pool failed). */
static __attribute__((noinline)) mln_block_t *alloc_recovering(mln_alloc_t *pool, size_t bytes,
                                                               size_t block_bytes)
{
    return mln_shared_recover(pool) ? shared_alloc(pool, bytes, block_bytes) : NULL;
}

static mln_block_t *shared_alloc(mln_alloc_t *pool, size_t bytes, size_t block_bytes)
{
    if (__builtin_expect(mln_journal_dirty(&mln_shared_of(pool)->journal), 0))
        return alloc_recovering(pool, bytes, block_bytes);
    mln_block_t *b = mln_shared_cache_pop(pool, block_bytes);
    return b != NULL ? b : take_own(pool, block_bytes);
}

static void shared_free(mln_alloc_t *pool, mln_block_t *b);

/* shared_free once a dead holder's work is repaired (nothing: the pool failed). */
static __attribute__((noinline)) void free_recovering(mln_alloc_t *pool, mln_block_t *b)
{
    if (mln_shared_recover(pool))
        shared_free(pool, b);
}

static void shared_free(mln_alloc_t *pool, mln_block_t *b)
{
    if (__builtin_expect(mln_journal_dirty(&mln_shared_of(pool)->journal), 0))
        free_recovering(pool, b);
    else if (!mln_shared_cache_push(pool, b))
        mln_shared_give(pool, b);
}

static bool shared_resize(mln_alloc_t *pool, mln_block_t *b, size_t block_bytes)
{
    if (!mln_shared_ready(pool))
        return false;
    mln_journal_t *j = &mln_shared_of(pool)->journal;
    mln_shared_save_words(j, b);
    bool done = mln_engine_resize(&pool->engine, b, block_bytes);
    mln_journal_step_done(j);
    return done;
}

/* Counted from the blocks: other processes' sub-pools take memory without
 * this process's counters seeing it. A pool that finds itself broken fails
 * there and then, before its caller lets the lock go: no later call may be
 * handed a block of it. */
static bool shared_used_bytes(const mln_alloc_t *pool, size_t *used)
{
    if (mln_shared_check(pool, used) == NULL)
        return true;
    mln_shared_fail((mln_alloc_t *)(uintptr_t)pool); /* the state is in the region, never read-only */
    return false;
}

/* ---- as a parent: sub-pools, each exchange under the lock and journal ---- */

static void *shared_lend_home(mln_alloc_t *pool, size_t *bytes)
{
    mln_block_t *b = mln_shared_take(pool, mln_engine_block_size(*bytes), NULL); /* the step stays open until adopt */
    return b == NULL ? NULL : block_payload(b);
}

static void shared_adopt(mln_alloc_t *pool, mln_alloc_t *child)
{
    mln_journal_t *j = &mln_shared_of(pool)->journal;
    child->owner_id = mln_platform_owner_id(); /* for mln_alloc_shm_reclaim */
    mln_pool_link_child(pool, child, mln_shared_save_word, j);
    mln_journal_step_done(j); /* the home's take and the linking, as one step */
}

static void *shared_lend_span(mln_alloc_t *pool, size_t *bytes, mln_alloc_t *child)
{
    mln_block_t *b = mln_shared_take(pool, mln_engine_block_size(*bytes), child);
    mln_journal_step_done(&mln_shared_of(pool)->journal);
    return b == NULL ? NULL : block_payload(b);
}

static void shared_take_back(mln_alloc_t *pool, void *mem, size_t bytes)
{
    (void)bytes;
    mln_shared_give(pool, block_from_payload(mem));
}

static const struct mln_pool_kind shared_kind = {
    .alloc = shared_alloc,
    .alloc_for_growth = shared_alloc,
    .free = shared_free,
    .resize = shared_resize,
    .ready = mln_shared_ready,
    .used_bytes = shared_used_bytes,
    .destroy = mln_pool_destroy_fixed,
    .engine_direct = false,
    .detach_only = true,
};

static const struct mln_pool_parent_ops shared_parent_ops = {
    .enter = mln_shared_enter,
    .leave = mln_shared_leave,
    .lend_home = shared_lend_home,
    .adopt = shared_adopt,
    .lend_span = shared_lend_span,
    .take_back = shared_take_back,
    .disown = mln_shared_destroy_begin,
    .disowned = mln_shared_destroy_end,
};

/* ---- creation ---- */

size_t mln_shared_min_size(void)
{
    return mln_pool_fixed_min_size(sizeof(struct mln_shared));
}

mln_alloc_t *mln_shared_init(void *mem, size_t size, const struct mln_alloc_shm_attr_s *attr,
                             void (*release)(void *mem, size_t size))
{
    void *extra;
    mln_alloc_t *pool = mln_pool_init_fixed(mem, size, sizeof(struct mln_shared), &extra,
                                            &shared_kind, release);
    if (pool == NULL)
        return NULL;
    /* A checker sees one process; the blocks of a shared pool belong to
     * all of them, so none is announced (track.h): take back what setting
     * the pool up told it. */
    mln_track_pool_destroy(pool);
    mln_track_show(mln_pool_home(pool), pool->home_bytes);
    struct mln_shared *sh = extra;
    sh->locker = attr->locker;
    sh->lock = attr->lock;
    sh->unlock = attr->unlock;
    sh->failed = 0;
    sh->holder = 0;
    sh->recoveries = 0;
    sh->repairs = 0;
    mln_journal_init(&sh->journal);
    pool->kind_state = sh;
    pool->as_parent = &shared_parent_ops; /* its sub-pools' exchanges, under its lock */
    pool->in_shared_memory = true;
    /* The pool's own front cache stays empty: its magic keeps the inline
     * paths, which are unjournaled, away. The kind keeps a cache that is
     * journaled (kind_shared_journal.c), emptied whenever the engine has no
     * block, so that it never makes the pool refuse. */
    mln_front_cache_init(&sh->cache);
    pool->cache = &sh->cache;
    return pool;
}
