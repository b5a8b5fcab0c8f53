/* SPDX-License-Identifier: MIT */
/*
 * api.c: the calls of mln_alloc.h that every pool kind answers: allocating,
 * freeing, resizing, destroying, checking.
 *
 * The front cache's hits run inline here (pool_fast.h); everything else
 * goes to the pool layer and, through it, to the pool's kind.
 */
#include "alloc/bytes.h"
#include "alloc/kind_heap.h"
#include "alloc/pool_fast.h"

/*
 * Tell the memory checker (alloc/track.h) that the caller now holds `bytes`
 * of `b`. Only blocks that reach the caller are announced: a span a child
 * pool takes from its parent is the child's engine space, hidden instead.
 */
static void *announce(mln_alloc_t *pool, mln_block_t *b, size_t bytes)
{
    if (mln_pool_tracked(pool))
        mln_track_alloc(pool, block_payload(b), bytes, block_payload_size(b));
    return block_payload(b);
}

/* mln_alloc_m past its fast path: out of line, so that the fast path
 * saves no register and needs no frame. */
static __attribute__((noinline)) void *alloc_missed(mln_alloc_t *pool, size_t size, size_t block_bytes)
{
    mln_block_t *b = mln_pool_alloc_missed(pool, size, block_bytes);
    return b == NULL ? NULL : announce(pool, b, size);
}

/* mln_alloc_m's fast path for `pool`, served inline and bumping first or
 * not (a constant), its slow half a tail call: no frame either way. */
static MLN_HOT_INLINE void *alloc_inline(mln_alloc_t *pool, size_t size, bool bump_first)
{
    size_t block_bytes;
    mln_block_t *b = mln_pool_alloc_fast(pool, size, &block_bytes, bump_first);
    if (__builtin_expect(b != NULL, 1))
        return announce(pool, b, size);
    return alloc_missed(pool, size, block_bytes);
}

/* mln_alloc_m for any pool but the commonest kind: one that bumps first
 * (a child), served inline all the same; a shared pool, whose kind serves
 * every block; or a pool that is not live (misuse). */
static __attribute__((noinline)) void *alloc_other(mln_alloc_t *pool, size_t size)
{
    if (mln_pool_is_served_inline_bumping(pool))
        return alloc_inline(pool, size, true);
    if (!mln_pool_is_live(pool))
        mln_misuse("mln_alloc_m", MLN_MISUSE_NOT_LIVE);
    return alloc_missed(pool, size, mln_front_cache_block_bytes(size));
}

void mln_alloc_destroy(mln_alloc_t *pool)
{
    if (pool == NULL)
        return;
    MLN_TRACK_CORE_CALL();
    if (!mln_pool_is_live(pool))
        mln_misuse(__func__, MLN_MISUSE_NOT_LIVE); /* destroyed twice, too */
    mln_pool_destroy(pool);
}

int mln_alloc_check(mln_alloc_t *pool)
{
    if (pool == NULL)
        return -1;
    MLN_TRACK_CORE_CALL();
    /* A shared pool is first recovered if its last lock holder died, as
     * every call that reads it is (the caller holds the lock). */
    if (!mln_pool_is_live(pool) || !mln_pool_ready(pool))
        return -1;
    /* The kind's own count first: a shared pool walks its region there,
     * and one that finds itself broken fails before the caller unlocks. */
    size_t in_use;
    if (!mln_pool_used_bytes(pool, &in_use))
        return -1;
    return mln_pool_check_tree(pool) == NULL ? 0 : -1;
}

void *mln_alloc_m(mln_alloc_t *pool, mln_size_t size)
{
    if (pool == NULL)
        return NULL;
    MLN_TRACK_CORE_CALL();
    if (!MLN_WITH_FRONT_CACHE) { /* firmware (profile.h): one way for every pool, no call more */
        if (!mln_pool_is_live(pool))
            mln_misuse(__func__, MLN_MISUSE_NOT_LIVE);
        mln_block_t *b = mln_pool_alloc_missed(pool, size, mln_engine_block_size(size));
        return b == NULL ? NULL : announce(pool, b, size);
    }
    /* The pool's first line is read next anyway: one compare, which also
     * sends any other kind of pool (a child, a shared pool) its own way. */
    if (__builtin_expect(!mln_pool_is_served_inline(pool), 0))
        return alloc_other(pool, size);
    return alloc_inline(pool, size, false);
}

void *mln_alloc_c(mln_alloc_t *pool, mln_size_t size)
{
    void *p = mln_alloc_m(pool, size);
    if (p != NULL)
        mln_bytes_zero(p, size);
    return p;
}

/* Which misuse the block at `ptr` shows, told by owner_of's checks in turn. */
static __attribute__((noinline, cold, noreturn)) void report_misuse(const void *ptr, const char *call)
{
    if (((uintptr_t)ptr & (MLN_ALIGN - 1)) != 0)
        mln_misuse(call, MLN_MISUSE_FOREIGN);
    const mln_block_t *b = block_from_payload(ptr);
    uintptr_t link = (uintptr_t)b->link;
    /* The engine's mark of a block merged into the one before it: freed. */
    if (link == (uintptr_t)MLN_ENGINE_LINK_FREED)
        mln_misuse(call, MLN_MISUSE_DOUBLE_FREE);
    if (block_is_free(b))
        mln_misuse(call, MLN_MISUSE_FREED_HEADER);
    if (link == (uintptr_t)mln_pool_handle_tag(ptr))
        mln_misuse(call, MLN_MISUSE_POOL_HANDLE); /* the header names the pointer's handle tag */
    const mln_alloc_t *pool = (const mln_alloc_t *)(link & ~(uintptr_t)1);
    /* Addresses below 4 KiB are never a pool: do not even read them. */
    if (link < 4096 || ((uintptr_t)pool & (MLN_ALIGN - 1)) != 0)
        mln_misuse(call, MLN_MISUSE_FOREIGN);
    if (!mln_pool_is_live(pool))
        mln_misuse(call, pool->magic == MLN_POOL_DEAD ? MLN_MISUSE_DEAD_POOL : MLN_MISUSE_FOREIGN);
    /* The last test named_pool and owner_of make, all others passed. */
    mln_misuse(call, MLN_MISUSE_DOUBLE_FREE); /* marked: sitting in the pool's front cache */
}

/*
 * The link of the header of the block at `ptr` if the header is one of
 * ours: `ptr` aligned, no bit of `refused` set in the head word (left in
 * *head; MLN_FREE is always among them), naming an aligned address at
 * least 4096 (not a cached block's mark, nor a pool handle's tag:
 * mln_pool_handle_tag); else 0. One chain of compares, inline.
 */
static MLN_HOT_INLINE uintptr_t header_link(const void *ptr, size_t refused, size_t *head)
{
    MLN_ASSERT((refused & MLN_FREE) != 0);
    const mln_block_t *b = block_from_payload(ptr);
    uintptr_t link;
    if (((uintptr_t)ptr & (MLN_ALIGN - 1)) != 0 || ((*head = b->head) & refused) != 0 ||
        (link = (uintptr_t)b->link) < 4096 || (link & (MLN_ALIGN - 1)) != 0)
        return 0;
    return link;
}

/*
 * The pool named by the header of the block at `ptr`, after checking that
 * the header is one of ours and in use (header_link). Whether that is a
 * live pool is the caller's next compare (the magic also says how the pool
 * is served). Misuse goes out of line to find its message.
 */
static MLN_HOT_INLINE mln_alloc_t *named_pool(void *ptr, const char *call)
{
    size_t head;
    uintptr_t link = header_link(ptr, MLN_FREE, &head);
    if (link == 0)
        report_misuse(ptr, call);
    return (mln_alloc_t *)link;
}

/* The live pool that owns the block at `ptr`: named_pool, then its magic. */
static MLN_HOT_INLINE mln_alloc_t *owner_of(void *ptr, const char *call)
{
    mln_alloc_t *pool = named_pool(ptr, call);
    if (!mln_pool_is_live(pool))
        report_misuse(ptr, call);
    return pool;
}

/* owner_of out of line, for the calls that are not the free fast path. */
static __attribute__((noinline)) mln_alloc_t *checked_owner(void *ptr, const char *call)
{
    return owner_of(ptr, call);
}

/* Tell the memory checker (alloc/track.h) that the caller gives the block
 * at `ptr` back: announce's other half. */
static void announce_free(mln_alloc_t *pool, void *ptr)
{
    if (mln_pool_tracked(pool))
        mln_track_free(pool, ptr, block_payload_size(block_from_payload(ptr)));
}

/* mln_alloc_free's fast path for the block at `ptr` of `pool`, served inline. */
static MLN_HOT_INLINE void free_inline(void *ptr, mln_alloc_t *pool)
{
    announce_free(pool, ptr);
    mln_pool_free_block(pool, block_from_payload(ptr));
}

/* mln_alloc_free for a block of any pool but the commonest kind: one that
 * bumps first (a child), served inline all the same; a shared pool's,
 * straight to its kind; or not a live pool's (misuse, reported). */
static __attribute__((noinline)) void free_other(void *ptr, mln_alloc_t *pool)
{
    if (mln_pool_is_served_inline_bumping(pool)) {
        free_inline(ptr, pool);
        return;
    }
    if (!mln_pool_is_live(pool))
        report_misuse(ptr, "mln_alloc_free");
    announce_free(pool, ptr);
    mln_pool_free_uncached(pool, block_from_payload(ptr));
}

/* mln_alloc_free the long way, all checks in turn: for what its fast path
 * leaves (a misuse, a block past the front cache's sizes). */
static __attribute__((noinline)) void free_checked(void *ptr)
{
    mln_alloc_t *pool = named_pool(ptr, "mln_alloc_free");
    if (!mln_pool_is_served_inline(pool))
        free_other(ptr, pool);
    else
        free_inline(ptr, pool);
}

void mln_alloc_free(void *ptr)
{
    if (ptr == NULL)
        return;
    MLN_TRACK_CORE_CALL();
    if (!MLN_WITH_FRONT_CACHE) { /* firmware (profile.h): one way for every pool */
        mln_alloc_t *pool = checked_owner(ptr, __func__);
        announce_free(pool, ptr);
        mln_pool_free_uncached(pool, block_from_payload(ptr));
        return;
    }
    /* named_pool's checks, the free bit tested together with the size (a
     * block past the front cache's table): what fails any of them, rare,
     * goes the long way. */
    size_t head;
    uintptr_t link = header_link(ptr, MLN_FRONT_CACHE_NOT_SMALL_USED, &head);
    if (__builtin_expect(link == 0, 0)) {
        free_checked(ptr);
        return;
    }
    mln_alloc_t *pool = (mln_alloc_t *)link;
    if (__builtin_expect(!mln_pool_is_served_inline(pool), 0)) {
        free_other(ptr, pool);
        return;
    }
    announce_free(pool, ptr);
    mln_pool_free_small_block(pool, block_from_payload(ptr), head);
}

/* Resize in place if a block can serve the size (block_bytes != 0), the
 * block is `pool`'s and its kind can. */
static bool resize_in_place(mln_alloc_t *pool, mln_block_t *b, size_t block_bytes)
{
    return block_bytes != 0 && b->link == pool && pool->kind->resize(pool, b, block_bytes);
}

void *mln_alloc_re(mln_alloc_t *pool, void *ptr, mln_size_t size)
{
    if (size == 0) {
        mln_alloc_free(ptr);
        return NULL;
    }
    if (ptr == NULL)
        return mln_alloc_m(pool, size);
    if (pool == NULL)
        return NULL;
    MLN_TRACK_CORE_CALL();
    if (!mln_pool_is_live(pool))
        mln_misuse(__func__, MLN_MISUSE_NOT_LIVE);
    mln_alloc_t *owner = checked_owner(ptr, __func__);
    mln_block_t *b = block_from_payload(ptr);
    /* Rounded to its class, as mln_alloc_m does: a small block keeps a
     * size the front cache takes. A size no block serves (0) is refused
     * below, by the kind, and counted as a failure as mln_alloc_m counts it. */
    size_t block_bytes = mln_front_cache_block_bytes(size);
    size_t before = block_size(b);
    size_t old_bytes = block_payload_size(b);
    if (resize_in_place(pool, b, block_bytes)) {
        mln_pool_hand_out(pool, pool->bytes_in_use - before + block_size(b));
        if (mln_pool_tracked(pool)) { /* hide a shrunk block's old tail too */
            size_t now = block_payload_size(b);
            mln_track_resize(pool, ptr, size, now > old_bytes ? now : old_bytes);
        }
        return ptr;
    }
    mln_block_t *grown = mln_pool_alloc_for_growth(pool, size, block_bytes);
    if (grown == NULL)
        return NULL;
    void *moved = announce(pool, grown, size);
    if (mln_pool_tracked(owner)) /* the copy reads all of the old block */
        mln_track_resize(owner, ptr, old_bytes, old_bytes);
    mln_bytes_copy(moved, ptr, old_bytes < size ? old_bytes : size);
    mln_alloc_free(ptr);
    return moved;
}
