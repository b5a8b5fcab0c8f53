/*
 * pool.c: pools: creation, the cascade, spans in and out, destruction.
 *
 * A root pool takes spans from the platform (mln_platform_span_acquire); a
 * child pool takes them from its parent as ordinary blocks, tagged with the
 * child. So a child, its control structure included, lives entirely inside
 * its ancestors' spans, and destroying a pool only has to hand back its own
 * spans: everything descended from it goes with them, at no cost per block or
 * per descendant. When the parent is a shared pool, every exchange with it
 * happens under the pool's lock and its journal (shared.c).
 */
#include "alloc/pool.h"

#include "alloc/platform.h"
#include "alloc/shared.h"
#include "alloc/track.h"

#define KIB ((size_t)1024)

/* Root pools: spans from the OS, cached process-wide by the platform. */
static const struct mln_pool_policy root_policy = {
    .home_bytes = 64 * KIB,
    .first_grow_bytes = 256 * KIB,
    .max_grow_bytes = 4096 * KIB,
    .large_block_bytes = 256 * KIB,
};

/* Child pools: spans are blocks of the parent, so start small. */
static const struct mln_pool_policy child_policy = {
    .home_bytes = 32 * KIB,
    .first_grow_bytes = 16 * KIB,
    .max_grow_bytes = 256 * KIB,
    .large_block_bytes = 64 * KIB,
};

/* Pools over one fixed region: never grow, no spans of their own for large blocks. */
static const struct mln_pool_policy fixed_policy = {
    .home_bytes = 0,
    .first_grow_bytes = 0,
    .max_grow_bytes = 0,
    .large_block_bytes = SIZE_MAX,
};

/* ---- the memory checker's view (alloc/track.h) ---- */

/* Space in `pool`'s engine that is no caller's: no one may touch it. */
static void hide_span(const mln_alloc_t *pool, void *mem, size_t bytes)
{
    if (!pool->in_shared_memory)
        mln_track_hide(mem, bytes);
}

/*
 * `root` and every pool below it are gone, with all their blocks: each is
 * marked dead, so that a call with a stale handle is refused while its
 * memory is not reused (the descendants' structures lie in spans that go
 * back to root's source untouched), and the checker forgets it. Not for a
 * shared pool: other processes go on using it and their sub-pools.
 * O(pools in the subtree).
 */
static void retire_tree(mln_alloc_t *root)
{
    mln_alloc_t *p = root;
    MLN_ASSERT(root->shared == NULL);
    for (;;) {
        p->magic = MLN_POOL_DEAD;
        if (!p->in_shared_memory)
            mln_track_pool_destroy(p);
        if (p->first_child != NULL) {
            p = p->first_child;
            continue;
        }
        while (p != root && p->next_sibling == NULL)
            p = p->parent;
        if (p == root)
            return;
        p = p->next_sibling;
    }
}

/* ---- the parent side: where a pool's spans come from and go back to ---- */

/* Lock the parent for a series of span exchanges if it is shared. */
static bool parent_enter(mln_alloc_t *parent)
{
    return parent == NULL || parent->shared == NULL || mln_shared_enter(parent);
}

static void parent_leave(mln_alloc_t *parent)
{
    if (parent != NULL && parent->shared != NULL)
        mln_shared_leave(parent);
}

/*
 * Take `*bytes` (updated to what was granted) for a span of `tag` (NULL: the
 * span's own payload, the home of a pool being created).
 */
static void *parent_take(mln_alloc_t *parent, size_t *bytes, void *tag)
{
    if (parent == NULL)
        return mln_platform_span_acquire(bytes);
    mln_block_t *b;
    if (parent->shared != NULL) {
        b = mln_shared_take(parent, *bytes, tag);
    } else {
        b = mln_pool_alloc_block(parent, *bytes);
        if (b != NULL)
            b->link = tag != NULL ? tag : block_payload(b);
    }
    return b == NULL ? NULL : block_payload(b);
}

static void parent_give(mln_alloc_t *parent, void *mem, size_t bytes)
{
    if (parent == NULL) {
        mln_track_show(mem, bytes);
        mln_platform_span_release(mem, bytes);
    } else if (parent->shared != NULL) {
        mln_shared_give(parent, block_from_payload(mem)); /* lock held by the caller */
    } else {
        hide_span(parent, mem, bytes);
        mln_pool_free_block(parent, block_from_payload(mem));
    }
}

/* ---- the child list ---- */

void mln_pool_link_child(mln_alloc_t *parent, mln_alloc_t *child, mln_journal_t *j)
{
    mln_alloc_t *first = parent->first_child;
    child->prev_sibling = NULL;
    child->next_sibling = first;
    if (j != NULL) {
        mln_journal_save(j, &parent->first_child);
        if (first != NULL)
            mln_journal_save(j, &first->prev_sibling);
    }
    if (first != NULL)
        first->prev_sibling = child;
    parent->first_child = child;
}

void mln_pool_unlink_child(mln_alloc_t *parent, mln_alloc_t *child, mln_journal_t *j)
{
    mln_alloc_t **from_prev = child->prev_sibling != NULL ? &child->prev_sibling->next_sibling
                                                          : &parent->first_child;
    mln_alloc_t *next = child->next_sibling;
    if (j != NULL) {
        mln_journal_save(j, from_prev);
        if (next != NULL)
            mln_journal_save(j, &next->prev_sibling);
    }
    *from_prev = next;
    if (next != NULL)
        next->prev_sibling = child->prev_sibling;
}

/* ---- creation and destruction ---- */

/*
 * Lay a pool out over the `bytes` at `home`: for a pool with no parent, the
 * header that precedes every pool handle (mln_pool_handle_offset); then the
 * control structure, `extra_bytes` for the caller, and the home span.
 */
static mln_alloc_t *pool_setup(void *home, size_t bytes, size_t extra_bytes,
                               const struct mln_pool_policy *policy, mln_alloc_t *parent)
{
    mln_alloc_t *pool = (void *)((char *)home + mln_pool_handle_offset(parent));
    if (parent == NULL) {
        mln_block_t *handle = block_from_payload(pool);
        handle->head = MLN_BLOCK_HEADER + MLN_POOL_STRUCT_BYTES; /* in use, never free */
        handle->link = pool;
    }
    pool->magic = MLN_POOL_MAGIC;
    mln_engine_init(&pool->engine);
    mln_quick_init(&pool->quick);
    pool->parent = parent;
    pool->first_child = NULL;
    pool->prev_sibling = pool->next_sibling = NULL;
    pool->spare = NULL;
    pool->home_bytes = bytes;
    pool->next_grow_bytes = policy->first_grow_bytes;
    pool->policy = policy;
    pool->large_block_bytes = policy->large_block_bytes;
    pool->shared = NULL;
    pool->owner_id = 0;
    pool->release_region = NULL;
    pool->in_shared_memory = parent != NULL && (parent->shared != NULL || parent->in_shared_memory);
    pool->bytes_in_use = pool->peak_bytes_in_use = 0;
    pool->capacity_limit = SIZE_MAX;
    pool->allocations = pool->frees = pool->failures = 0;
    char *span = (char *)pool + MLN_POOL_STRUCT_BYTES + MLN_ALIGN_UP(extra_bytes);
    size_t span_bytes = bytes - (size_t)(span - (char *)home);
    if (!pool->in_shared_memory)
        mln_track_pool_create(pool);
    hide_span(pool, span, span_bytes);
    mln_engine_add_span(&pool->engine, span, span_bytes, MLN_SPAN_HOME);
    return pool;
}

/* Smallest home: the handle's header, the control structure and a span for one block. */
#define MIN_HOME_BYTES \
    (MLN_BLOCK_HEADER + MLN_POOL_STRUCT_BYTES + mln_engine_span_size_for(MLN_BLOCK_MIN))

/*
 * Bytes of a span that blocks of up to `room` bytes in all can fill, clamped
 * to [least, most]: a capped pool takes no more from its source than its
 * capacity lets it use.
 */
static size_t span_bytes_for_room(size_t room, size_t least, size_t most)
{
    if (room >= most)
        return most; /* always so without a limit */
    size_t bytes = mln_engine_span_size_for(room & ~(MLN_ALIGN - 1));
    return bytes < least ? least : bytes < most ? bytes : most;
}

mln_alloc_t *mln_pool_create(mln_alloc_t *parent, size_t limit)
{
    MLN_TRACK_CORE_CALL();
    const struct mln_pool_policy *policy = parent == NULL ? &root_policy : &child_policy;
    if (parent != NULL && !mln_pool_is_live(parent))
        mln_panic("mln_alloc_init: the parent is not a live pool (destroyed, or never created)");
    if (!parent_enter(parent))
        return NULL;
    size_t front = mln_pool_handle_offset(parent) + MLN_POOL_STRUCT_BYTES;
    size_t home = front + span_bytes_for_room(limit, mln_engine_span_size_for(MLN_BLOCK_MIN),
                                              policy->home_bytes - front);
    /* Where memory is scarce (a small region, a parent nearly full), settle
     * for a smaller home, down to a quarter of the usual. */
    size_t bytes = home;
    void *mem = parent_take(parent, &bytes, NULL);
    for (int tries = 0; mem == NULL && tries < 2 && (home >> (tries + 1)) >= MIN_HOME_BYTES; tries++) {
        bytes = home >> (tries + 1);
        mem = parent_take(parent, &bytes, NULL);
    }
    mln_alloc_t *pool = NULL;
    if (mem != NULL) {
        pool = pool_setup(mem, bytes, 0, policy, parent);
        pool->capacity_limit = limit;
        if (parent != NULL && parent->shared != NULL)
            pool->owner_id = mln_platform_owner_id(); /* for mln_alloc_shm_reclaim */
        if (parent != NULL)
            mln_pool_link_child(parent, pool, mln_pool_journal(parent));
    }
    if (mln_pool_journal(parent) != NULL)
        mln_journal_step_done(mln_pool_journal(parent));
    parent_leave(parent);
    return pool;
}

mln_alloc_t *mln_alloc_init(mln_alloc_t *parent)
{
    return mln_pool_create(parent, SIZE_MAX);
}

size_t mln_pool_fixed_min_size(size_t extra_bytes)
{
    return MLN_BLOCK_HEADER + MLN_POOL_STRUCT_BYTES + MLN_ALIGN_UP(extra_bytes) +
           mln_engine_span_size_for(MLN_BLOCK_MIN) + MLN_ALIGN;
}

mln_alloc_t *mln_pool_init_fixed(void *mem, size_t size, size_t extra_bytes, void **extra,
                                 void (*release)(void *mem, size_t size))
{
    uintptr_t misalign = (uintptr_t)mem & (MLN_ALIGN - 1);
    size_t skip = misalign != 0 ? MLN_ALIGN - misalign : 0;
    if (mem == NULL || extra_bytes > SIZE_MAX / 2 || size < skip ||
        size - skip < mln_pool_fixed_min_size(extra_bytes))
        return NULL;
    mln_alloc_t *pool = pool_setup((char *)mem + skip, (size - skip) & ~(MLN_ALIGN - 1),
                                   extra_bytes, &fixed_policy, NULL);
    pool->release_region = release;
    if (extra != NULL)
        *extra = (char *)pool + MLN_POOL_STRUCT_BYTES;
    MLN_ASSERT(mln_pool_home(pool) == (char *)mem + skip);
    return pool;
}

/* Hand back every span of `pool` but the home one (which holds `pool` itself). */
static void release_spans(mln_alloc_t *pool)
{
    mln_span_t *span = pool->engine.spans;
    if (span != NULL)
        span->prev->next = NULL; /* the list is circular: cut it open */
    while (span != NULL) {
        mln_span_t *next = span->next;
        if (span->kind != MLN_SPAN_HOME)
            parent_give(pool->parent, span, span->size);
        span = next;
    }
    if (pool->spare != NULL)
        parent_give(pool->parent, pool->spare, pool->spare->size);
}

void mln_alloc_destroy(mln_alloc_t *pool)
{
    if (pool == NULL)
        return;
    MLN_TRACK_CORE_CALL();
    if (!mln_pool_is_live(pool))
        mln_panic("mln_alloc_destroy: not a live pool (destroyed twice, never created, "
                  "or below a destroyed pool)");
    void *home = mln_pool_home(pool);
    if (mln_pool_is_fixed(pool)) {
        /* A shared pool is only let go by this process: the platform's
         * release leaves its handle reading as dead here where it can
         * (platform.h), and the other processes carry on. */
        if (pool->shared == NULL)
            retire_tree(pool);
        if (!pool->in_shared_memory)
            mln_track_show(home, pool->home_bytes); /* the region is its owner's again */
        if (pool->release_region != NULL)
            pool->release_region(home, pool->home_bytes);
        return;
    }
    mln_alloc_t *parent = pool->parent;
    if (!parent_enter(parent))
        return; /* the shared parent's lock failed: the pool stays as it was */
    mln_journal_t *j = mln_pool_journal(parent);
    if (j != NULL)
        mln_shared_destroy_begin(parent, pool);
    else if (parent != NULL)
        mln_pool_unlink_child(parent, pool, NULL);
    retire_tree(pool); /* after the unlinking: a death in between leaves no dead pool linked */
    release_spans(pool);
    parent_give(parent, home, pool->home_bytes);
    if (j != NULL)
        mln_shared_destroy_end(parent);
    parent_leave(parent);
}

/* ---- growing and shrinking ---- */

bool mln_pool_grow(mln_alloc_t *pool, size_t block_bytes)
{
    if (mln_pool_is_fixed(pool))
        return false;
    size_t need = mln_engine_span_size_for(mln_engine_fit_size(block_bytes));
    mln_span_t *spare = pool->spare;
    if (spare != NULL && spare->size >= need) {
        pool->spare = NULL;
        hide_span(pool, spare, spare->size);
        mln_engine_add_span(&pool->engine, spare, spare->size, MLN_SPAN_GROWN);
        return true;
    }
    size_t bytes = pool->next_grow_bytes > need ? pool->next_grow_bytes : need;
    bytes = span_bytes_for_room(pool->capacity_limit - pool->bytes_in_use, need, bytes);
    if (!parent_enter(pool->parent))
        return false;
    void *mem = parent_take(pool->parent, &bytes, pool);
    if (mem == NULL && bytes > need) { /* scarce memory: just what is needed */
        bytes = need;
        mem = parent_take(pool->parent, &bytes, pool);
    }
    if (mln_pool_journal(pool->parent) != NULL)
        mln_journal_step_done(mln_pool_journal(pool->parent));
    parent_leave(pool->parent);
    if (mem == NULL)
        return false;
    if (pool->next_grow_bytes < pool->policy->max_grow_bytes)
        pool->next_grow_bytes *= 2;
    hide_span(pool, mem, bytes);
    mln_engine_add_span(&pool->engine, mem, bytes, MLN_SPAN_GROWN);
    return true;
}

mln_block_t *mln_pool_alloc_large(mln_alloc_t *pool, size_t block_bytes)
{
    size_t bytes = mln_engine_span_size_for(block_bytes);
    if (bytes < block_bytes || !parent_enter(pool->parent)) /* wrapped around, or lock failed */
        return NULL;
    void *mem = parent_take(pool->parent, &bytes, pool);
    if (mln_pool_journal(pool->parent) != NULL)
        mln_journal_step_done(mln_pool_journal(pool->parent));
    parent_leave(pool->parent);
    if (mem == NULL)
        return NULL;
    hide_span(pool, mem, bytes); /* the caller's part is announced when handed out */
    mln_block_t *b = mln_engine_add_span_used(&pool->engine, mem, bytes, MLN_SPAN_LARGE, pool);
    /* The platform may grant more than asked (a cached span, up to four
     * times the size): a capped pool, which counts whole blocks, keeps the
     * block to the size asked and the rest of the span as free space. */
    if (pool->capacity_limit != SIZE_MAX)
        mln_engine_resize(&pool->engine, b, block_bytes);
    return b;
}

/* Give an emptied span back to the parent; keep it if the parent's lock fails. */
static void span_give_back(mln_alloc_t *pool, mln_span_t *span)
{
    if (!parent_enter(pool->parent)) {
        mln_engine_keep_span(&pool->engine, span);
        return;
    }
    mln_engine_remove_span(&pool->engine, span);
    parent_give(pool->parent, span, span->size);
    parent_leave(pool->parent);
}

void mln_pool_span_emptied(mln_alloc_t *pool, mln_span_t *span)
{
    switch (span->kind) {
    case MLN_SPAN_HOME:
        mln_engine_keep_span(&pool->engine, span);
        return;
    case MLN_SPAN_GROWN:
        /* One empty span stays as the spare, so that a pool hovering at a
         * span boundary does not take and give back a span on every call. */
        if (pool->spare == NULL) {
            mln_engine_remove_span(&pool->engine, span);
            pool->spare = span;
            return;
        }
        span_give_back(pool, span);
        return;
    default:
        span_give_back(pool, span);
        return;
    }
}

void mln_pool_flush_quick(mln_alloc_t *pool)
{
    for (size_t c = 0; c < MLN_QUICK_CLASSES; c++) {
        while (pool->quick.count[c] != 0) {
            mln_block_t *b = mln_quick_pop(&pool->quick, c * MLN_ALIGN, pool);
            mln_span_t *emptied = mln_engine_free(&pool->engine, b);
            if (emptied != NULL)
                mln_pool_span_emptied(pool, emptied);
        }
    }
}

/* The front cache holds used blocks of the pool, each in the list of its size. */
static const char *check_quick(const mln_alloc_t *pool, size_t *cached_bytes)
{
    for (size_t c = 0; c < MLN_QUICK_CLASSES; c++) {
        if (pool->quick.count[c] > MLN_QUICK_DEPTH)
            return "front cache list over its depth";
        mln_block_t *b = pool->quick.top[c];
        for (unsigned n = 0; n < pool->quick.count[c]; n++, b = *mln_quick_next_slot(b)) {
            if (b == NULL || block_is_free(b) || b->link != mln_quick_mark(pool) ||
                block_size(b) != c * MLN_ALIGN)
                return "front cache holds a block it should not";
            *cached_bytes += block_size(b);
        }
    }
    return NULL;
}

bool mln_pool_used_bytes(const mln_alloc_t *pool, size_t *used)
{
    *used = pool->bytes_in_use;
    return pool->shared == NULL || mln_pool_check(pool, used) == NULL;
}

size_t mln_pool_held_bytes(const mln_alloc_t *pool)
{
    size_t held = pool->home_bytes;
    const mln_span_t *span = pool->engine.spans;
    if (span != NULL) {
        do {
            if (span->kind != MLN_SPAN_HOME)
                held += span->size;
            span = span->next;
        } while (span != pool->engine.spans);
    }
    if (pool->spare != NULL)
        held += pool->spare->size;
    return held;
}

static bool is_owner(const void *pool, const void *tag)
{
    return mln_pool_is_owner(pool, tag);
}

const char *mln_pool_check_tree(const mln_alloc_t *pool)
{
    const char *problem = mln_pool_check(pool, NULL);
    for (const mln_alloc_t *c = pool->first_child; problem == NULL && c != NULL; c = c->next_sibling) {
        if (c->parent != pool || c->magic != MLN_POOL_MAGIC)
            return "a child pool does not name its parent";
        problem = mln_pool_check_tree(c);
    }
    return problem;
}

int mln_alloc_check(mln_alloc_t *pool)
{
    if (pool == NULL)
        return -1;
    MLN_TRACK_CORE_CALL();
    /* A shared pool is first recovered if its last lock holder died, as
     * every call that reads it is (the caller holds the lock). */
    if (!mln_pool_is_live(pool) || (pool->shared != NULL && !mln_shared_ready(pool)))
        return -1;
    return mln_pool_check_tree(pool) == NULL ? 0 : -1;
}

const char *mln_pool_check(const mln_alloc_t *pool, size_t *used_bytes)
{
    size_t used = 0, cached = 0;
    const char *problem = mln_engine_check(&pool->engine, is_owner, pool, &used);
    if (problem == NULL)
        problem = check_quick(pool, &cached);
    if (used_bytes != NULL)
        *used_bytes = used - cached;
    return problem;
}
