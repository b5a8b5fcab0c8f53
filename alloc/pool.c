/* SPDX-License-Identifier: MIT */
/*
 * pool.c: pools: creation, the cascade, spans in and out, destruction.
 *
 * A root pool takes spans from the platform (mln_platform_span_acquire); a
 * child pool takes them from its parent, whose kind lends them as ordinary
 * blocks tagged with the child. So a child, its control structure included,
 * lives entirely inside its ancestors' spans, and destroying a pool only has
 * to hand back its own spans: everything descended from it goes with them,
 * at no cost per block. How a parent lends (a shared pool: under its lock
 * and journal) is its kind's business (pool.h).
 */
#include "alloc/pool.h"

#include "alloc/platform.h"

/* What tells a stale pointer into a destroyed root pool that its pool was
 * destroyed lies where the platform writes nothing while it keeps a span
 * (platform.h): the handle's header and the pool's mark at the start of the
 * home span, a large block's span header and block header at the start of
 * its span. */
_Static_assert(MLN_BLOCK_HEADER + offsetof(struct mln_alloc_s, magic) + sizeof(uint32_t) <=
                       MLN_PLATFORM_SPAN_UNTOUCHED &&
                   MLN_SPAN_HEADER + MLN_BLOCK_HEADER <= MLN_PLATFORM_SPAN_UNTOUCHED,
               "a kept span's first bytes hold a root pool's mark and a large block's header");

/* Pools over one fixed region: never grow, no spans of their own for large blocks. */
static const struct mln_pool_policy fixed_policy = {
    .home_bytes = 0,
    .first_grow_bytes = 0,
    .max_grow_bytes = 0,
    .large_block_bytes = SIZE_MAX,
    .bump_first = false, /* a region's wilderness is all the memory it has */
};

/*
 * `root` and every pool below it are gone, with all their blocks: each is
 * marked dead, so that a call with a stale handle is refused while its
 * memory is not reused (the descendants' structures lie in spans that go
 * back to root's source untouched), and the checker forgets it. Not for a
 * pool whose kind only detaches (other processes go on using it).
 * O(pools in the subtree).
 */
static void retire_tree(mln_alloc_t *root)
{
    mln_alloc_t *p = root;
    MLN_ASSERT(!root->kind->detach_only);
    for (;;) {
        p->magic = MLN_POOL_DEAD;
        if (mln_pool_tracked(p))
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

/* ---- the source side: where a pool's spans come from and go back to ---- */

/* Begin a series of exchanges with `parent` (NULL: the platform, always ready). */
static bool source_enter(mln_alloc_t *parent)
{
    return parent == NULL || parent->as_parent->enter(parent);
}

static void source_leave(mln_alloc_t *parent)
{
    if (parent != NULL)
        parent->as_parent->leave(parent);
}

/* A span of at least *bytes (updated to what was granted) for `pool`. */
static void *source_take(mln_alloc_t *pool, size_t *bytes)
{
    mln_alloc_t *parent = pool->parent;
    return parent == NULL ? mln_platform_span_acquire(bytes)
                          : parent->as_parent->lend_span(parent, bytes, pool);
}

/* Give `bytes` at `mem` back to `parent` (NULL: the platform). */
static void source_give(mln_alloc_t *parent, void *mem, size_t bytes)
{
    if (parent != NULL) {
        parent->as_parent->take_back(parent, mem, bytes);
        return;
    }
    mln_track_show(mem, bytes);
    mln_platform_span_release(mem, bytes);
}

/* ---- the child list ---- */

void mln_pool_link_child(mln_alloc_t *parent, mln_alloc_t *child, mln_word_fn before_write, void *ctx)
{
    mln_alloc_t *first = parent->first_child;
    child->prev_sibling = NULL;
    child->next_sibling = first;
    if (before_write != NULL) {
        before_write(ctx, &parent->first_child);
        if (first != NULL)
            before_write(ctx, &first->prev_sibling);
    }
    if (first != NULL)
        first->prev_sibling = child;
    parent->first_child = child;
}

void mln_pool_unlink_child(mln_alloc_t *parent, mln_alloc_t *child, mln_word_fn before_write, void *ctx)
{
    mln_alloc_t **from_prev = child->prev_sibling != NULL ? &child->prev_sibling->next_sibling
                                                          : &parent->first_child;
    mln_alloc_t *next = child->next_sibling;
    if (before_write != NULL) {
        before_write(ctx, from_prev);
        if (next != NULL)
            before_write(ctx, &next->prev_sibling);
    }
    *from_prev = next;
    if (next != NULL)
        next->prev_sibling = child->prev_sibling;
}

/* ---- creation and destruction ---- */

/*
 * Lay a pool out over the `bytes` at `home`: for a pool with no parent, the
 * header that precedes every pool handle (mln_pool_handle_offset); then the
 * control structure with bins of `levels` levels (mln_pool_control_bytes),
 * `extra_bytes` for the kind (at *extra, if asked), and the home span.
 */
static mln_alloc_t *pool_setup(void *home, size_t bytes, unsigned levels, size_t extra_bytes, void **extra,
                               const struct mln_pool_kind *kind,
                               const struct mln_pool_policy *policy, mln_alloc_t *parent)
{
    mln_alloc_t *pool = mln_pool_at_home(home, parent);
    if (parent == NULL) {
        mln_block_t *handle = block_from_payload(pool);
        handle->head = MLN_BLOCK_HEADER + MLN_POOL_STRUCT_BYTES; /* in use, never free */
        handle->link = mln_pool_handle_tag(pool);
    }
    pool->magic = !kind->engine_direct ? MLN_POOL_MAGIC_KIND
                  : policy->bump_first ? MLN_POOL_MAGIC_BUMP
                                       : MLN_POOL_MAGIC;
    pool->kind = kind;
    pool->kind_state = NULL;
    char *bins = (char *)pool + MLN_POOL_STRUCT_BYTES + MLN_POOL_CACHE_BYTES;
    mln_engine_init(&pool->engine, bins, levels);
    pool->cache = NULL;
    if (MLN_WITH_FRONT_CACHE) {
        mln_front_cache_init(mln_pool_front_cache(pool));
        pool->cache = mln_pool_front_cache(pool);
    }
    pool->parent = parent;
    pool->as_parent = NULL;
    pool->first_child = NULL;
    pool->prev_sibling = pool->next_sibling = NULL;
    pool->spare = NULL;
    pool->home_bytes = bytes;
    pool->next_grow_bytes = policy->first_grow_bytes;
    pool->policy = policy;
    pool->large_block_bytes = policy->large_block_bytes;
    pool->bump_first = policy->bump_first;
    pool->owner_id = 0;
    pool->release_region = NULL;
    pool->in_shared_memory = parent != NULL && parent->in_shared_memory;
    pool->bytes_in_use = pool->peak_bytes_in_use = 0;
    pool->capacity_limit = SIZE_MAX;
    pool->allocations = pool->frees = pool->failures = 0;
    char *after = (char *)pool + mln_pool_control_bytes(levels);
    if (extra != NULL)
        *extra = after;
    char *span = after + MLN_ALIGN_UP(extra_bytes);
    size_t span_bytes = bytes - (size_t)(span - (char *)home);
    MLN_ASSERT(span_bytes >= mln_engine_span_size_for(MLN_BLOCK_MIN) &&
               mln_span_block_bytes(span_bytes) < pool->engine.bin_limit);
    if (mln_pool_tracked(pool))
        mln_track_pool_create(pool);
    mln_pool_hide(pool, span, span_bytes);
    mln_engine_add_span(&pool->engine, span, span_bytes, MLN_SPAN_HOME);
    return pool;
}

/* Smallest home of a pool below `parent` (NULL: a root) whose bins have
 * `levels` levels: the handle's header, the control structure and a span
 * for one block. */
static size_t min_home_bytes(const mln_alloc_t *parent, unsigned levels)
{
    return mln_pool_handle_offset(parent) + mln_pool_control_bytes(levels) +
           mln_engine_span_size_for(MLN_BLOCK_MIN);
}

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

/* A home of at least *bytes from `parent`'s kind, or the platform for a root. */
static void *take_home(mln_alloc_t *parent, size_t *bytes)
{
    return parent == NULL ? mln_platform_span_acquire(bytes) : parent->as_parent->lend_home(parent, bytes);
}

mln_alloc_t *mln_pool_create(mln_alloc_t *parent, size_t limit, const struct mln_pool_kind *kind,
                             const struct mln_pool_policy *policy)
{
    if (!source_enter(parent))
        return NULL;
    /* A child's blocks are never larger than its parent's. */
    unsigned levels = parent != NULL ? mln_pool_levels(parent) : MLN_FL_COUNT;
    size_t least = min_home_bytes(parent, levels);
    size_t front = least - mln_engine_span_size_for(MLN_BLOCK_MIN);
    size_t usual = policy->home_bytes > least ? policy->home_bytes : least;
    size_t home = front + span_bytes_for_room(limit, mln_engine_span_size_for(MLN_BLOCK_MIN), usual - front);
    /* Where memory is scarce (a small region, a parent nearly full), settle
     * for a smaller home, halving down to the least a pool can live in: at
     * most a few tries (the word size bounds them), each O(1). */
    size_t bytes = home;
    void *mem = take_home(parent, &bytes);
    for (size_t want = home; mem == NULL && (want >>= 1) >= least;) {
        bytes = want;
        mem = take_home(parent, &bytes);
    }
    mln_alloc_t *pool = NULL;
    if (mem != NULL) {
        pool = pool_setup(mem, bytes, levels, 0, NULL, kind, policy, parent);
        pool->capacity_limit = limit;
        if (parent != NULL)
            parent->as_parent->adopt(parent, pool);
    }
    source_leave(parent);
    return pool;
}

/* Bytes of a fixed region's control structure before its bins: the
 * handle's header, the struct, the kind's extra. */
static size_t fixed_front_bytes(size_t extra_bytes)
{
    return mln_pool_handle_offset(NULL) + mln_pool_control_bytes(0) + MLN_ALIGN_UP(extra_bytes);
}

/* The block of a fixed region whose bins (of `levels` levels) and span
 * share `room` bytes: 0 when they do not fit. */
static size_t fixed_block_bytes(size_t room, unsigned levels)
{
    size_t bins = MLN_ALIGN_UP(mln_engine_bins_bytes(levels));
    return room < bins + MLN_SPAN_OVERHEAD ? 0 : mln_span_block_bytes(room - bins);
}

/*
 * Levels of bins of a pool over a fixed region whose bins and span share
 * `room` bytes: the fewest that hold its one block. Enough for a block as
 * large as `room` to begin with; each level fewer gives its row of heads
 * to the block, which must stay below what the bins hold. The fewest, not
 * merely enough: so every region from the smallest up works (a region
 * just past a power of two would otherwise need a row it has no room for).
 * A few rounds at most (the word size bounds them), each O(1).
 */
static unsigned fixed_levels(size_t room)
{
    unsigned levels = mln_engine_levels_for(room);
    while (levels > 1 && fixed_block_bytes(room, levels - 1) < mln_engine_bin_limit(levels - 1))
        levels--;
    return levels;
}

size_t mln_pool_fixed_min_size(size_t extra_bytes)
{
    /* One block of the smallest size, and the fewest bins that hold it. */
    return min_home_bytes(NULL, mln_engine_levels_for(MLN_BLOCK_MIN)) + MLN_ALIGN_UP(extra_bytes);
}

mln_alloc_t *mln_pool_init_fixed(void *mem, size_t size, size_t extra_bytes, void **extra,
                                 const struct mln_pool_kind *kind,
                                 void (*release)(void *mem, size_t size))
{
    uintptr_t misalign = (uintptr_t)mem & (MLN_ALIGN - 1);
    size_t skip = misalign != 0 ? MLN_ALIGN - misalign : 0;
    if (mem == NULL || extra_bytes > SIZE_MAX / 2 || size < skip)
        return NULL;
    size_t bytes = (size - skip) & ~(MLN_ALIGN - 1);
    size_t front = fixed_front_bytes(extra_bytes);
    if (bytes < front)
        return NULL;
    unsigned levels = fixed_levels(bytes - front);
    if (fixed_block_bytes(bytes - front, levels) < MLN_BLOCK_MIN)
        return NULL;
    mln_alloc_t *pool = pool_setup((char *)mem + skip, bytes, levels, extra_bytes, extra, kind,
                                   &fixed_policy, NULL);
    pool->release_region = release;
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
            source_give(pool->parent, span, span->size);
        span = next;
    }
    if (pool->spare != NULL)
        source_give(pool->parent, pool->spare, pool->spare->size);
}

void mln_pool_destroy_fixed(mln_alloc_t *pool)
{
    MLN_ASSERT(mln_pool_is_fixed(pool));
    /* A pool another process may use too is only let go by this one: the
     * release leaves its handle reading as dead here where it can
     * (platform.h), and the other processes carry on. */
    if (!pool->kind->detach_only)
        retire_tree(pool);
    void *home = mln_pool_home(pool);
    if (mln_pool_tracked(pool))
        mln_track_show(home, pool->home_bytes); /* the region is its owner's again */
    if (pool->release_region != NULL)
        pool->release_region(home, pool->home_bytes);
}

void mln_pool_destroy_grown(mln_alloc_t *pool)
{
    MLN_ASSERT(!mln_pool_is_fixed(pool));
    mln_alloc_t *parent = pool->parent;
    if (!source_enter(parent))
        return; /* the parent's lock failed: the pool stays as it was */
    if (parent != NULL)
        parent->as_parent->disown(parent, pool);
    retire_tree(pool); /* after the unlinking: a death in between leaves no dead pool linked */
    release_spans(pool);
    source_give(parent, mln_pool_home(pool), pool->home_bytes);
    if (parent != NULL) {
        parent->as_parent->disowned(parent);
        parent->as_parent->leave(parent);
    }
}

/* ---- growing and shrinking ---- */

bool mln_pool_grow(mln_alloc_t *pool, size_t block_bytes)
{
    if (mln_pool_is_fixed(pool))
        return false;
    /* A new span becomes the wilderness, which serves any block it holds
     * (no rounding to a bin's edge): a span just large enough will do. */
    size_t need = mln_engine_span_size_for(block_bytes);
    mln_span_t *spare = pool->spare;
    if (MLN_WITH_SPARE_SPAN && spare != NULL && spare->size >= need) {
        pool->spare = NULL;
        mln_pool_hide(pool, spare, spare->size);
        mln_engine_add_span(&pool->engine, spare, spare->size, MLN_SPAN_GROWN);
        return true;
    }
    size_t bytes = pool->next_grow_bytes > need ? pool->next_grow_bytes : need;
    bytes = span_bytes_for_room(pool->capacity_limit - pool->bytes_in_use, need, bytes);
    if (!source_enter(pool->parent))
        return false;
    void *mem = source_take(pool, &bytes);
    if (mem == NULL && bytes > need) { /* scarce memory: just what is needed */
        bytes = need;
        mem = source_take(pool, &bytes);
    }
    source_leave(pool->parent);
    if (mem == NULL)
        return false;
    if (pool->next_grow_bytes < pool->policy->max_grow_bytes)
        pool->next_grow_bytes *= 2;
    mln_pool_hide(pool, mem, bytes);
    mln_engine_add_span(&pool->engine, mem, bytes, MLN_SPAN_GROWN);
    return true;
}

mln_block_t *mln_pool_alloc_large(mln_alloc_t *pool, size_t block_bytes)
{
    size_t bytes = mln_engine_span_size_for(block_bytes);
    if (bytes < block_bytes || !source_enter(pool->parent)) /* wrapped around, or lock failed */
        return NULL;
    void *mem = source_take(pool, &bytes);
    source_leave(pool->parent);
    if (mem == NULL)
        return NULL;
    mln_pool_hide(pool, mem, bytes); /* the caller's part is announced when handed out */
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
    if (!source_enter(pool->parent)) {
        mln_engine_keep_span(&pool->engine, span);
        return;
    }
    mln_engine_remove_span(&pool->engine, span);
    source_give(pool->parent, span, span->size);
    source_leave(pool->parent);
}

void mln_pool_engine_free(mln_alloc_t *pool, mln_block_t *b)
{
    mln_span_t *emptied = mln_engine_free(&pool->engine, b);
    if (emptied != NULL)
        mln_pool_span_emptied(pool, emptied);
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
        if (MLN_WITH_SPARE_SPAN && pool->spare == NULL) {
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

void mln_pool_flush_front_cache(mln_alloc_t *pool)
{
    if (!MLN_WITH_FRONT_CACHE)
        return;
    mln_front_cache_t *q = mln_pool_front_cache(pool);
    size_t c = 0;
    while (mln_front_cache_next_class(q, &c))
        mln_pool_engine_free(pool, mln_front_cache_take(q, c, pool));
}

