/* SPDX-License-Identifier: MIT */
/*
 * pool_check.c: a pool's integrity walk and the figures read from its
 * spans and blocks.
 */
#include "alloc/pool.h"

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
        if (c->parent != pool || !mln_pool_is_live(c))
            return "a child pool does not name its parent";
        problem = mln_pool_check_tree(c);
    }
    return problem;
}

const char *mln_pool_check_owned(const mln_alloc_t *pool, mln_owner_check_fn owner_ok, const void *ctx,
                                 size_t *used_bytes)
{
    size_t used = 0, cached = 0;
    const char *problem = mln_engine_check(&pool->engine, owner_ok, ctx, &used);
    if (problem == NULL && pool->cache != NULL)
        problem = mln_front_cache_check(pool->cache, pool, &cached);
    if (used_bytes != NULL)
        *used_bytes = used - cached;
    return problem;
}

const char *mln_pool_check(const mln_alloc_t *pool, size_t *used_bytes)
{
    return mln_pool_check_owned(pool, is_owner, pool, used_bytes);
}
