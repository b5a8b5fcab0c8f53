/*
 * shared.c: shared pools: locking, journaled operations, crash recovery,
 * and reclaiming the sub-pools of a process that died (see shared.h).
 */
#include "alloc/shared.h"

#include "alloc/platform.h"
#include "alloc/track.h"

mln_alloc_t *mln_alloc_shm_init(struct mln_alloc_shm_attr_s *attr)
{
    if (attr == NULL || attr->lock == NULL || attr->unlock == NULL ||
        attr->size < MLN_ALLOC_SHM_MIN_SIZE)
        return NULL;
    return mln_platform_shm_create(attr);
}

mln_alloc_t *mln_alloc_shm_init_capacity(mln_size_t capacity, void *locker,
                                         mln_alloc_shm_lock_cb_t lock,
                                         mln_alloc_shm_lock_cb_t unlock)
{
    struct mln_alloc_shm_attr_s attr = {capacity, locker, lock, unlock};
    return mln_alloc_shm_init(&attr);
}

size_t mln_shared_min_size(void)
{
    return mln_pool_fixed_min_size(sizeof(struct mln_shared));
}

mln_alloc_t *mln_shared_init(void *mem, size_t size, const struct mln_alloc_shm_attr_s *attr,
                             void (*release)(void *mem, size_t size))
{
    MLN_TRACK_CORE_CALL();
    void *extra;
    mln_alloc_t *pool = mln_pool_init_fixed(mem, size, sizeof(struct mln_shared), &extra, release);
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
    pool->shared = sh;
    pool->in_shared_memory = true;
    return pool;
}

/* ---- journaled engine operations ---- */

/*
 * Save every ground-truth word an operation on `b` may write: b's head and
 * link, the head of a free block before it, the head and link of the block
 * after it and, when that one is free, the head after that.
 */
void mln_shared_save_neighbourhood(mln_journal_t *j, mln_block_t *b)
{
    mln_journal_save(j, &b->head);
    mln_journal_save(j, &b->link);
    if (block_prev_is_free(b))
        mln_journal_save(j, &block_prev_physical(b)->head);
    mln_block_t *next = block_next(b);
    mln_journal_save(j, &next->head);
    mln_journal_save(j, &next->link);
    if (block_is_free(next))
        mln_journal_save(j, &block_next(next)->head);
}

mln_block_t *mln_shared_take(mln_alloc_t *shm, size_t bytes, void *tag)
{
    size_t block_bytes = mln_engine_block_size(bytes);
    if (block_bytes == 0 || shm->shared->failed)
        return NULL;
    mln_block_t *b = mln_engine_find(&shm->engine, block_bytes);
    if (b == NULL)
        return NULL;
    mln_shared_save_neighbourhood(&shm->shared->journal, b);
    mln_block_t *got = mln_engine_alloc(&shm->engine, block_bytes, tag != NULL ? tag : block_payload(b));
    MLN_ASSERT(got == b);
    return got;
}

void mln_shared_give(mln_alloc_t *shm, mln_block_t *b)
{
    mln_journal_t *j = &shm->shared->journal;
    mln_shared_save_neighbourhood(j, b);
    mln_span_t *emptied = mln_engine_free(&shm->engine, b);
    if (emptied != NULL)
        mln_engine_keep_span(&shm->engine, emptied); /* the region's one span stays */
    mln_journal_step_done(j);
}

bool mln_shared_resize(mln_alloc_t *shm, mln_block_t *b, size_t block_bytes)
{
    mln_journal_t *j = &shm->shared->journal;
    if (shm->shared->failed)
        return false;
    mln_shared_save_neighbourhood(j, b);
    bool done = mln_engine_resize(&shm->engine, b, block_bytes);
    mln_journal_step_done(j);
    return done;
}

/* ---- destroying sub-pools ---- */

void mln_shared_destroy_begin(mln_alloc_t *shm, mln_alloc_t *child)
{
    mln_journal_t *j = &shm->shared->journal;
    j->subject = (uintptr_t)child;
    j->stage = 0;
    __atomic_signal_fence(__ATOMIC_SEQ_CST);
    j->op = MLN_JOP_DESTROY;
    /* Stage 0 -> 1 is the unlinking, undone together with it. */
    mln_journal_save(j, (void *)(uintptr_t)&j->stage);
    mln_pool_unlink_child(shm, child, j);
    j->stage = 1;
    mln_journal_step_done(j);
}

void mln_shared_destroy_end(mln_alloc_t *shm)
{
    __atomic_signal_fence(__ATOMIC_SEQ_CST);
    shm->shared->journal.op = MLN_JOP_NONE;
}

/* Free every used block of the region tagged with `tag`. O(blocks). */
static void free_tagged(mln_alloc_t *shm, const void *tag)
{
    mln_span_t *span = shm->engine.spans; /* a shared pool has exactly one */
    mln_block_t *b = (mln_block_t *)(void *)((char *)span + MLN_SPAN_HEADER);
    while (!block_is_sentinel(b)) {
        if (block_is_free(b) || b->link != tag) {
            b = block_next(b);
            continue;
        }
        /* After the free, the free block covering b starts here. */
        mln_block_t *start = block_prev_is_free(b) ? block_prev_physical(b) : b;
        mln_shared_give(shm, b);
        b = block_next(start);
    }
}

/* ---- integrity of the whole shared pool ---- */

static bool inside_region(const mln_alloc_t *shm, const void *p)
{
    uintptr_t at = (uintptr_t)p, base = (uintptr_t)mln_pool_home(shm);
    return at >= base && at < base + shm->home_bytes && (at & (MLN_ALIGN - 1)) == 0;
}

/* A used block's tag is the pool itself or one of its (linked) sub-pools. */
static bool tag_ok(const void *ctx, const void *tag)
{
    const mln_alloc_t *shm = ctx;
    return tag == shm || (inside_region(shm, tag) && ((const mln_alloc_t *)tag)->parent == shm);
}

static const char *check_children(const mln_alloc_t *shm)
{
    size_t limit = shm->home_bytes / MLN_BLOCK_MIN;
    const mln_alloc_t *prev = NULL;
    for (const mln_alloc_t *c = shm->first_child; c != NULL; prev = c, c = c->next_sibling) {
        if (limit-- == 0)
            return "sub-pool list loops";
        if (!inside_region(shm, c) || c->parent != shm || c->prev_sibling != prev)
            return "sub-pool list is broken";
        if (block_from_payload(c)->link != c || block_is_free(block_from_payload(c)))
            return "sub-pool's home block is not its own";
    }
    return NULL;
}

static const char *check_shared(const mln_alloc_t *shm)
{
    const char *problem = check_children(shm);
    return problem != NULL ? problem : mln_engine_check(&shm->engine, tag_ok, shm, NULL);
}

/* ---- locking and recovery ---- */

bool mln_shared_recover(mln_alloc_t *shm)
{
    struct mln_shared *sh = shm->shared;
    mln_journal_t *j = &sh->journal;
    if (sh->failed)
        return false;
    sh->recoveries++;
    if (mln_journal_dirty(j))
        sh->repairs++;
    mln_journal_undo(j);
    if (!mln_engine_rebuild(&shm->engine))
        goto failed;
    mln_journal_step_done(j); /* only now: a death before this recovers again */
    if (j->op == MLN_JOP_DESTROY) {
        mln_alloc_t *child = (mln_alloc_t *)j->subject;
        if (!inside_region(shm, child))
            goto failed;
        if (j->stage == 0) {
            mln_journal_save(j, (void *)(uintptr_t)&j->stage);
            mln_pool_unlink_child(shm, child, j);
            j->stage = 1;
            mln_journal_step_done(j);
        }
        free_tagged(shm, child);
        mln_shared_destroy_end(shm);
    }
    if (check_shared(shm) == NULL)
        return true;
failed:
    sh->failed = 1;
    return false;
}

bool mln_shared_enter(mln_alloc_t *shm)
{
    struct mln_shared *sh = shm->shared;
    if (sh->failed || sh->lock(sh->locker) != 0)
        return false; /* no lock taken, so none to give back */
    if (!sh->failed && (!mln_journal_dirty(&sh->journal) || mln_shared_recover(shm))) {
        sh->holder = mln_platform_owner_id();
        return true;
    }
    sh->unlock(sh->locker);
    return false;
}

void mln_shared_leave(mln_alloc_t *shm)
{
    shm->shared->holder = 0;
    shm->shared->unlock(shm->shared->locker);
}

bool mln_shared_ready(mln_alloc_t *shm)
{
    struct mln_shared *sh = shm->shared;
    return !sh->failed && (!mln_journal_dirty(&sh->journal) || mln_shared_recover(shm));
}

/* ---- public calls specific to shared pools ---- */

int mln_alloc_shm_reclaim(mln_alloc_t *pool, unsigned long owner)
{
    if (pool == NULL || !mln_pool_is_live(pool) || pool->shared == NULL || !mln_shared_enter(pool))
        return -1;
    int reclaimed = 0;
    mln_alloc_t *next;
    for (mln_alloc_t *child = pool->first_child; child != NULL; child = next) {
        next = child->next_sibling;
        if (child->owner_id != owner)
            continue;
        mln_shared_destroy_begin(pool, child);
        free_tagged(pool, child);
        mln_shared_destroy_end(pool);
        reclaimed++;
    }
    mln_shared_leave(pool);
    return reclaimed;
}

int mln_alloc_shm_recover(mln_alloc_t *pool)
{
    if (pool == NULL || !mln_pool_is_live(pool) || pool->shared == NULL)
        return -1;
    return mln_shared_recover(pool) ? 0 : -1;
}

int mln_alloc_shm_failed(const mln_alloc_t *pool)
{
    return pool != NULL && mln_pool_is_live(pool) && pool->shared != NULL && pool->shared->failed;
}
