/* SPDX-License-Identifier: MIT */
/*
 * kind_heap.c: the kind of heap pools (roots and children) and region
 * pools: memory this process alone uses, served by the engine, growing by
 * spans from the parent or the platform (a region pool never grows: its
 * policy says so).
 */
#include "alloc/kind_heap.h"

#include "alloc/pool_fast.h"

#define KIB ((size_t)1024)

/* Where the profile has no spans of their own for large blocks, every block
 * is served from the pool's spans, which grow to fit it. */
#define LARGE_BLOCKS(threshold) (MLN_WITH_LARGE_SPANS ? (threshold) : SIZE_MAX)

/* Root pools: spans from the OS, cached process-wide by the platform; in
 * firmware, blocks of the default region (a few KiB at a time). */
static const struct mln_pool_policy root_policy = {
    .home_bytes = MLN_BY_PROFILE(64 * KIB, 4 * KIB),
    .first_grow_bytes = MLN_BY_PROFILE(256 * KIB, 4 * KIB),
    .max_grow_bytes = MLN_BY_PROFILE(4096 * KIB, 32 * KIB),
    .large_block_bytes = LARGE_BLOCKS(256 * KIB),
    .bump_first = false, /* long-lived: reuse keeps the footprint near the live bytes */
};

/* Child pools: spans are blocks of the parent, so start small (in firmware,
 * where a parent may be a region of 2 KiB, smaller still: the home then
 * halves to what the parent can give, pool.c). */
static const struct mln_pool_policy child_policy = {
    .home_bytes = MLN_BY_PROFILE(32 * KIB, 1 * KIB),
    .first_grow_bytes = MLN_BY_PROFILE(16 * KIB, 1 * KIB),
    .max_grow_bytes = MLN_BY_PROFILE(256 * KIB, 16 * KIB),
    .large_block_bytes = LARGE_BLOCKS(64 * KIB),
    .bump_first = true, /* most are short-lived: a request's, a task's */
};

/* ---- the pool's own blocks ---- */

/* Whether a request must be refused before anything is tried: no block
 * serves it (block_bytes 0), or it would take the pool past its capacity. */
static bool refused(const mln_alloc_t *pool, size_t block_bytes)
{
    return block_bytes == 0 || mln_pool_over_capacity(pool, block_bytes);
}

/* Once the engine had no block (the pool layer tries it first: these kinds
 * are engine_direct): the engine again after the front cache has gone back
 * to it, where its blocks may merge into what is needed. */
static mln_block_t *from_engine(mln_alloc_t *pool, size_t block_bytes)
{
    mln_pool_flush_front_cache(pool);
    return mln_engine_alloc(&pool->engine, block_bytes, pool);
}

/* A region pool: all it has is its engine. */
static mln_block_t *region_alloc(mln_alloc_t *pool, size_t bytes, size_t block_bytes)
{
    (void)bytes;
    return refused(pool, block_bytes) ? NULL : from_engine(pool, block_bytes);
}

/*
 * A heap pool: a span of its own for a large block, or what the engine has,
 * or a new span. A large block takes a span of its own only when no free
 * block fits: a request up to 15/16 of the largest free block never grows
 * a pool.
 */
static mln_block_t *heap_alloc(mln_alloc_t *pool, size_t bytes, size_t block_bytes)
{
    (void)bytes;
    if (refused(pool, block_bytes))
        return NULL;
    if (MLN_WITH_LARGE_SPANS && block_bytes > pool->large_block_bytes)
        return mln_pool_alloc_large(pool, block_bytes);
    mln_block_t *b = from_engine(pool, block_bytes);
    if (b != NULL || !mln_pool_grow(pool, block_bytes))
        return b;
    return mln_engine_alloc(&pool->engine, block_bytes, pool);
}

/* A block that grows likely grows again: the wilderness, where its next
 * growth happens in place; else any block of the engine; else the kind's
 * way (more memory, for a heap pool). */
static mln_block_t *alloc_for_growth(mln_alloc_t *pool, size_t bytes, size_t block_bytes)
{
    if (block_bytes == 0)
        return NULL;
    mln_block_t *b = block_bytes <= pool->large_block_bytes
                         ? mln_engine_alloc_at_end(&pool->engine, block_bytes, pool) /* else any */
                         : mln_engine_alloc(&pool->engine, block_bytes, pool);
    return b != NULL ? b : pool->kind->alloc(pool, bytes, block_bytes);
}

/* A region pool's only span is its home, kept when it empties. */
static void region_free(mln_alloc_t *pool, mln_block_t *b)
{
    mln_span_t *emptied = mln_engine_free(&pool->engine, b);
    if (emptied != NULL)
        mln_engine_keep_span(&pool->engine, emptied);
}

/*
 * Resize in place if the space after the block allows and the result stays
 * within the pool's capacity. Growing may take the whole free block after
 * it, a little more than asked: if that is past capacity the free block is
 * cut off again, exactly as it was (it is at least MLN_BLOCK_MIN bytes, so
 * it splits off whole).
 */
static bool heap_resize(mln_alloc_t *pool, mln_block_t *b, size_t block_bytes)
{
    size_t before = block_size(b);
    size_t others = pool->bytes_in_use - before;
    if (others + block_bytes > pool->capacity_limit || !mln_engine_resize(&pool->engine, b, block_bytes))
        return false;
    if (others + block_size(b) <= pool->capacity_limit)
        return true;
    mln_engine_resize(&pool->engine, b, before);
    return false;
}

static bool heap_ready(mln_alloc_t *pool)
{
    (void)pool;
    return true;
}

static bool heap_used_bytes(const mln_alloc_t *pool, size_t *used)
{
    *used = pool->bytes_in_use;
    return true;
}

/* ---- as a parent: children's memory is ordinary blocks, retagged ---- */

static bool heap_enter(mln_alloc_t *parent)
{
    (void)parent;
    return true;
}

static void heap_leave(mln_alloc_t *parent) { (void)parent; }

/* A block of `parent` tagged `tag`, or with its own payload (a home, which
 * holds the child's handle: see mln_pool_handle_offset). */
static void *lend(mln_alloc_t *parent, size_t bytes, void *tag)
{
    mln_block_t *b = mln_pool_alloc_uncached(parent, bytes);
    if (b == NULL)
        return NULL;
    b->link = mln_pool_lent_tag(b, tag);
    return block_payload(b);
}

static void *heap_lend_home(mln_alloc_t *parent, size_t *bytes)
{
    return lend(parent, *bytes, NULL);
}

static void heap_adopt(mln_alloc_t *parent, mln_alloc_t *child)
{
    mln_pool_link_child(parent, child, NULL, NULL);
}

static void *heap_lend_span(mln_alloc_t *parent, size_t *bytes, mln_alloc_t *child)
{
    return lend(parent, *bytes, child);
}

static void heap_take_back(mln_alloc_t *parent, void *mem, size_t bytes)
{
    mln_pool_hide(parent, mem, bytes);
    mln_pool_free_uncached(parent, block_from_payload(mem));
}

static void heap_disown(mln_alloc_t *parent, mln_alloc_t *child)
{
    mln_pool_unlink_child(parent, child, NULL, NULL);
}

static void heap_disowned(mln_alloc_t *parent) { (void)parent; }

static const struct mln_pool_parent_ops heap_parent_ops = {
    .enter = heap_enter,
    .leave = heap_leave,
    .lend_home = heap_lend_home,
    .adopt = heap_adopt,
    .lend_span = heap_lend_span,
    .take_back = heap_take_back,
    .disown = heap_disown,
    .disowned = heap_disowned,
};

/* Heap pools: roots and children, growing by spans. */
static const struct mln_pool_kind heap_kind = {
    .alloc = heap_alloc,
    .alloc_for_growth = alloc_for_growth,
    .free = mln_pool_engine_free,
    .resize = heap_resize,
    .ready = heap_ready,
    .used_bytes = heap_used_bytes,
    .destroy = mln_pool_destroy_grown,
    .engine_direct = true,
    .detach_only = false,
};

/* Region pools: one span, the region, which never grows: none of the code
 * for spans coming and going. */
static const struct mln_pool_kind region_kind = {
    .alloc = region_alloc,
    .alloc_for_growth = alloc_for_growth,
    .free = region_free,
    .resize = heap_resize,
    .ready = heap_ready,
    .used_bytes = heap_used_bytes,
    .destroy = mln_pool_destroy_fixed,
    .engine_direct = true,
    .detach_only = false,
};

mln_alloc_t *mln_heap_create(mln_alloc_t *parent, size_t limit)
{
    /* A heap or region pool learns to be a parent with its first child (a
     * shared pool knows from its creation): the code for it comes into an
     * image with the call that makes children. */
    if (parent != NULL && parent->as_parent == NULL)
        parent->as_parent = &heap_parent_ops;
    return mln_pool_create(parent, limit, &heap_kind, parent == NULL ? &root_policy : &child_policy);
}

mln_alloc_t *mln_heap_create_over(void *mem, size_t size)
{
    return mln_pool_init_fixed(mem, size, 0, NULL, &region_kind, NULL);
}
