/*
 * pool_check.c: a pool's integrity walk and the figures read from its
 * spans and blocks.
 */
#include "alloc/pool.h"

/* The front cache holds used blocks of the pool, each exactly its class's
 * size and in that class's list. */
static const char *check_front_cache(const mln_alloc_t *pool, size_t *cached_bytes)
{
    for (size_t c = 0; c < MLN_FRONT_CACHE_CLASSES; c++) {
        if (pool->front_cache.count[c] > MLN_FRONT_CACHE_DEPTH)
            return "front cache list over its depth";
        mln_block_t *b = pool->front_cache.top[c];
        size_t cls;
        for (unsigned n = 0; n < pool->front_cache.count[c]; n++, b = *mln_front_cache_next_slot(b)) {
            if (b == NULL || block_is_free(b) || b->link != mln_front_cache_mark(pool) ||
                !mln_front_cache_class_of_block(block_size(b), &cls) || cls != c)
                return "front cache holds a block it should not";
            *cached_bytes += block_size(b);
        }
    }
    return NULL;
}

size_t mln_pool_held_bytes(const mln_alloc_t *pool)
{
    size_t held = pool->home_bytes;
    for (const mln_span_t *s = pool->engine.spans; s != NULL; s = mln_engine_next_span(&pool->engine, s))
        if (s->kind != MLN_SPAN_HOME)
            held += s->size;
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

const char *mln_pool_check(const mln_alloc_t *pool, size_t *used_bytes)
{
    size_t used = 0, cached = 0;
    const char *problem = mln_engine_check(&pool->engine, is_owner, pool, &used);
    if (problem == NULL)
        problem = check_front_cache(pool, &cached);
    if (used_bytes != NULL)
        *used_bytes = used - cached;
    return problem;
}
