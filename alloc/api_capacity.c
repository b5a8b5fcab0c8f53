/* SPDX-License-Identifier: MIT */
/*
 * api_capacity.c: how much a capacity-limited pool (Melon's newer API) may
 * still take.
 *
 * The limit is a field of the pool (capacity_limit, SIZE_MAX for none). It
 * is enforced where blocks are handed out (pool_fast.h: one compare of the
 * bytes in use against it) and respected when a capped pool takes a span
 * (pool.c: no larger than its remaining capacity can fill). A child's spans
 * are blocks of its parent, so they count against the parent's capacity
 * with no extra work: a child can never take a capped ancestor past it.
 */
#include "alloc/pool.h"

static size_t add_saturated(size_t a, size_t b)
{
    return a > SIZE_MAX - b ? SIZE_MAX : a + b;
}

/* What is left under a heap pool's own limit: SIZE_MAX when it has none. */
static size_t own_room(const mln_alloc_t *pool)
{
    if (pool->capacity_limit == SIZE_MAX)
        return SIZE_MAX;
    return pool->capacity_limit > pool->bytes_in_use ? pool->capacity_limit - pool->bytes_in_use : 0;
}

/*
 * Bytes of a fixed pool's blocks not in use: its one span's block space
 * less the bytes in use, counted from the blocks for a shared pool (other
 * processes' sub-pools take memory without the pool's counters). 0 when a
 * shared pool has failed. The caller holds a shared pool's lock. O(blocks)
 * for a shared pool, else O(1).
 */
static size_t region_room(mln_alloc_t *pool)
{
    size_t used;
    if (!mln_pool_ready(pool) || !mln_pool_used_bytes(pool, &used))
        return 0;
    size_t usable = mln_span_block_bytes(pool->engine.spans->size);
    return usable > used ? usable - used : 0;
}

/*
 * Bytes a heap pool holds in its spans beyond those in use: more than it
 * can hand out without taking a new span (span headers, its own control
 * structure and fragmentation are not subtracted). O(spans).
 */
static size_t held_room(const mln_alloc_t *pool)
{
    size_t held = mln_pool_held_bytes(pool);
    return held > pool->bytes_in_use ? held - pool->bytes_in_use : 0;
}

/*
 * A pool p can take at most A(p) = min(own_room(p), held_room(p) + A(parent)):
 * what it holds unused, plus new spans, which its parent hands out as
 * blocks. Unfolded, A(p) is the least, over p and its ancestors a, of the
 * room a leaves (own_room, or region_room for the fixed pool at the top)
 * plus the held_room of every pool below a, down to p. Only capped or fixed
 * ancestors give a finite term, so the walk stops at the topmost of them.
 */
mln_size_t mln_alloc_available_capacity(mln_alloc_t *pool)
{
    if (pool == NULL)
        return 0;
    MLN_TRACK_CORE_CALL();
    if (!mln_pool_is_live(pool))
        return 0;
    if (mln_pool_is_fixed(pool))
        return region_room(pool); /* a shared pool: the caller holds the lock */
    mln_alloc_t *top = NULL;
    for (mln_alloc_t *a = pool->parent; a != NULL; a = a->parent)
        if (a->capacity_limit != SIZE_MAX || mln_pool_is_fixed(a))
            top = a;
    size_t best = own_room(pool);
    if (top == NULL)
        return best;
    size_t below = 0;
    for (mln_alloc_t *p = pool; p != top; p = p->parent) {
        below = add_saturated(below, held_room(p));
        mln_alloc_t *up = p->parent;
        size_t room;
        if (!mln_pool_is_fixed(up)) { /* fixed pools are roots: only `top` can be one */
            room = own_room(up);
        } else {
            /* A child reads a fixed parent as its other operations on it
             * do: between enter and leave (a shared pool's lock). */
            if (!up->as_parent->enter(up))
                return 0;
            room = region_room(up);
            up->as_parent->leave(up);
        }
        room = add_saturated(below, room);
        best = room < best ? room : best;
    }
    return best;
}
