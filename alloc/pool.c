/*
 * pool.c: heap pools: creation, the cascade, spans in and out, destruction.
 *
 * A root pool takes spans from the platform (mln_platform_span_acquire); a
 * child pool takes them from its parent as ordinary blocks. So a child, its
 * control structure included, lives entirely inside its ancestors' spans,
 * and destroying a pool only has to hand back its own spans: everything
 * descended from it goes with them, at no cost per block or per descendant.
 */
#include "alloc/pool.h"

#include "alloc/platform.h"

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
    .home_bytes = 16 * KIB,
    .first_grow_bytes = 16 * KIB,
    .max_grow_bytes = 256 * KIB,
    .large_block_bytes = 64 * KIB,
};

/* Get `*bytes` (updated to what was granted) from the pool's source. */
static void *source_acquire(mln_alloc_t *parent, size_t *bytes)
{
    if (parent == NULL)
        return mln_platform_span_acquire(bytes);
    mln_block_t *b = mln_pool_alloc_block(parent, *bytes);
    return b == NULL ? NULL : block_payload(b);
}

static void source_release(mln_alloc_t *parent, void *mem, size_t bytes)
{
    if (parent == NULL)
        mln_platform_span_release(mem, bytes);
    else
        mln_alloc_free(mem);
}

static void child_link(mln_alloc_t *parent, mln_alloc_t *child)
{
    child->prev_sibling = NULL;
    child->next_sibling = parent->first_child;
    if (parent->first_child != NULL)
        parent->first_child->prev_sibling = child;
    parent->first_child = child;
}

static void child_unlink(mln_alloc_t *parent, mln_alloc_t *child)
{
    if (child->prev_sibling != NULL)
        child->prev_sibling->next_sibling = child->next_sibling;
    else
        parent->first_child = child->next_sibling;
    if (child->next_sibling != NULL)
        child->next_sibling->prev_sibling = child->prev_sibling;
}

mln_alloc_t *mln_alloc_init(mln_alloc_t *parent)
{
    const struct mln_pool_policy *policy = parent == NULL ? &root_policy : &child_policy;
    size_t bytes = policy->home_bytes;
    void *mem = source_acquire(parent, &bytes);
    if (mem == NULL)
        return NULL;
    mln_alloc_t *pool = mem;
    mln_engine_init(&pool->engine);
    pool->parent = parent;
    pool->first_child = NULL;
    pool->spare = NULL;
    pool->home_bytes = bytes;
    pool->next_grow_bytes = policy->first_grow_bytes;
    pool->policy = policy;
    mln_engine_add_span(&pool->engine, (char *)mem + MLN_POOL_STRUCT_BYTES,
                        bytes - MLN_POOL_STRUCT_BYTES, MLN_SPAN_HOME);
    if (parent != NULL)
        child_link(parent, pool);
    return pool;
}

void mln_alloc_destroy(mln_alloc_t *pool)
{
    if (pool == NULL)
        return;
    mln_alloc_t *parent = pool->parent;
    if (parent != NULL)
        child_unlink(parent, pool);
    /* Hand back every span but the home one, which holds `pool` itself and
     * goes last. The list is circular: cut it open first. */
    mln_span_t *span = pool->engine.spans;
    if (span != NULL)
        span->prev->next = NULL;
    while (span != NULL) {
        mln_span_t *next = span->next;
        if (span->kind != MLN_SPAN_HOME)
            source_release(parent, span, span->size);
        span = next;
    }
    if (pool->spare != NULL)
        source_release(parent, pool->spare, pool->spare->size);
    source_release(parent, pool, pool->home_bytes);
}

bool mln_pool_grow(mln_alloc_t *pool, size_t block_bytes)
{
    size_t need = mln_engine_span_size_for(mln_engine_fit_size(block_bytes));
    mln_span_t *spare = pool->spare;
    if (spare != NULL && spare->size >= need) {
        pool->spare = NULL;
        mln_engine_add_span(&pool->engine, spare, spare->size, MLN_SPAN_GROWN);
        return true;
    }
    size_t bytes = pool->next_grow_bytes > need ? pool->next_grow_bytes : need;
    void *mem = source_acquire(pool->parent, &bytes);
    if (mem == NULL)
        return false;
    if (pool->next_grow_bytes < pool->policy->max_grow_bytes)
        pool->next_grow_bytes *= 2;
    mln_engine_add_span(&pool->engine, mem, bytes, MLN_SPAN_GROWN);
    return true;
}

mln_block_t *mln_pool_alloc_large(mln_alloc_t *pool, size_t block_bytes)
{
    size_t bytes = mln_engine_span_size_for(block_bytes);
    if (bytes < block_bytes) /* wrapped around */
        return NULL;
    void *mem = source_acquire(pool->parent, &bytes);
    if (mem == NULL)
        return NULL;
    return mln_engine_add_span_used(&pool->engine, mem, bytes, MLN_SPAN_LARGE, pool);
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
        mln_engine_remove_span(&pool->engine, span);
        if (pool->spare == NULL) {
            pool->spare = span;
            return;
        }
        source_release(pool->parent, span, span->size);
        return;
    default:
        mln_engine_remove_span(&pool->engine, span);
        source_release(pool->parent, span, span->size);
        return;
    }
}

const char *mln_pool_check(const mln_alloc_t *pool, size_t *used_bytes)
{
    return mln_engine_check(&pool->engine, pool, used_bytes);
}
