/*
 * api.c: the allocation calls of mln_alloc.h on top of the pool layer.
 *
 * The fast paths live here: one engine call each, falling to pool.c only
 * when a span must be taken or handed back, and to shared.c for the
 * journaled operations of shared pools.
 */
#include "alloc/bytes.h"
#include "alloc/pool.h"
#include "alloc/shared.h"
#include "alloc/track.h"

/*
 * Whether a block of `block_bytes` would take `pool` past its capacity: a
 * check before the slow paths, so that a capped pool takes no span for an
 * allocation it must refuse. Never true without a limit.
 */
static inline bool over_capacity(const mln_alloc_t *pool, size_t block_bytes)
{
    return pool->bytes_in_use + block_bytes > pool->capacity_limit;
}

/* The fast paths below are forced inline: the compiler's own choice, made
 * differently as the file changes, was measurably slower (bench/mixed). */
#define MLN_HOT_INLINE inline __attribute__((always_inline))

/*
 * A block for `bytes` (a block of `block_bytes`, 0 if not representable)
 * from anywhere but the front cache, which the caller has tried: a shared
 * pool's region, the engine, a span of its own, a new span.
 */
static MLN_HOT_INLINE mln_block_t *alloc_block(mln_alloc_t *pool, size_t bytes, size_t block_bytes)
{
    if (pool->shared != NULL) { /* a direct call: the caller holds the lock */
        if (!mln_shared_ready(pool))
            return NULL;
        mln_block_t *b = mln_shared_take(pool, bytes, pool);
        mln_journal_step_done(&pool->shared->journal);
        return b;
    }
    if (block_bytes == 0)
        return NULL;
    mln_block_t *b = mln_engine_alloc(&pool->engine, block_bytes, pool);
    if (b != NULL || over_capacity(pool, block_bytes))
        return b;
    /* A large block takes a span of its own only when no free block fits:
     * a request up to 15/16 of the largest free block never grows a pool. */
    if (block_bytes > pool->large_block_bytes)
        return mln_pool_alloc_large(pool, block_bytes);
    mln_pool_flush_quick(pool); /* cached blocks may merge into what is needed */
    b = mln_engine_alloc(&pool->engine, block_bytes, pool);
    if (b != NULL || !mln_pool_grow(pool, block_bytes))
        return b;
    return mln_engine_alloc(&pool->engine, block_bytes, pool);
}

/*
 * A block is now in use and `pool` has `in_use` bytes in use: update the
 * pool's figures. Every path that hands a block out ends here, so the
 * figures cannot miss one.
 */
static void hand_out(mln_alloc_t *pool, size_t in_use)
{
    pool->bytes_in_use = in_use;
    if (in_use > pool->peak_bytes_in_use)
        pool->peak_bytes_in_use = in_use;
}

/* A new block is handed out and `pool` now has `in_use` bytes in use. */
static inline void count_allocation(mln_alloc_t *pool, size_t in_use)
{
    pool->allocations++;
    hand_out(pool, in_use);
}

/* give_back's way when the front cache does not take the block. */
static __attribute__((noinline)) void give_back_slow(mln_alloc_t *pool, mln_block_t *b)
{
    if (pool->shared != NULL) { /* a direct call: the caller holds the lock */
        if (mln_shared_ready(pool))
            mln_shared_give(pool, b);
        return;
    }
    mln_span_t *emptied = mln_engine_free(&pool->engine, b);
    if (emptied != NULL)
        mln_pool_span_emptied(pool, emptied);
}

/* Put a block `pool` owns back where its free blocks go, counting nothing:
 * the front cache inline (no call, no saved register), the rest out of line. */
static MLN_HOT_INLINE void give_back(mln_alloc_t *pool, mln_block_t *b)
{
    if (pool->shared == NULL && mln_quick_push(&pool->quick, b, block_size(b), pool))
        return;
    give_back_slow(pool, b);
}

/* A block taken for `pool` past its capacity goes back: rare, so out of line. */
__attribute__((noinline, cold)) static void refuse(mln_alloc_t *pool, mln_block_t *b)
{
    give_back(pool, b);
}

/*
 * `b` was just taken for `pool`: hand it out, or, when it would take the
 * pool past its capacity (the engine may leave a few bytes more in a block
 * than asked), give it back and return NULL. The one compare an uncapped
 * pool pays (its limit is SIZE_MAX).
 */
static MLN_HOT_INLINE mln_block_t *admit(mln_alloc_t *pool, mln_block_t *b)
{
    size_t in_use = pool->bytes_in_use + block_size(b);
    if (__builtin_expect(in_use > pool->capacity_limit, 0)) {
        refuse(pool, b);
        return NULL;
    }
    count_allocation(pool, in_use);
    return b;
}

/*
 * Tell the memory checker (alloc/track.h) that the caller now holds `bytes`
 * of `b`. Only blocks that reach the caller are announced: a span a child
 * pool takes from its parent is the child's engine space, hidden instead.
 */
static void *announce(mln_alloc_t *pool, mln_block_t *b, size_t bytes)
{
    if (!pool->in_shared_memory)
        mln_track_alloc(pool, block_payload(b), bytes, block_payload_size(b));
    return block_payload(b);
}

/* mln_pool_alloc_block past the front cache: out of line, so that the
 * front cache's hit saves no register. */
static __attribute__((noinline)) mln_block_t *alloc_block_counted(mln_alloc_t *pool, size_t bytes,
                                                                 size_t block_bytes)
{
    mln_block_t *b = alloc_block(pool, bytes, block_bytes);
    if (b != NULL && (b = admit(pool, b)) != NULL)
        return b;
    pool->failures++;
    return NULL;
}

mln_block_t *mln_pool_alloc_block(mln_alloc_t *pool, size_t bytes)
{
    /* The front cache's hit, the commonest case: a cached block has exactly
     * the size asked, so the capacity is checked before it is taken. */
    size_t block_bytes = mln_engine_block_size(bytes);
    if (pool->shared == NULL && block_bytes != 0 && !over_capacity(pool, block_bytes)) {
        mln_block_t *b = mln_quick_pop(&pool->quick, block_bytes, pool);
        if (b != NULL) {
            count_allocation(pool, pool->bytes_in_use + block_bytes);
            return b;
        }
    }
    return alloc_block_counted(pool, bytes, block_bytes);
}

void mln_pool_free_block(mln_alloc_t *pool, mln_block_t *b)
{
    pool->frees++;
    pool->bytes_in_use -= block_size(b);
    give_back(pool, b);
}

void *mln_alloc_m(mln_alloc_t *pool, mln_size_t size)
{
    if (pool == NULL)
        return NULL;
    MLN_TRACK_CORE_CALL();
    /* The pool's first line is read next anyway: one compare. */
    if (__builtin_expect(!mln_pool_is_live(pool), 0))
        mln_panic("mln_alloc_m: not a live pool (destroyed, or never created)");
    mln_block_t *b = mln_pool_alloc_block(pool, size);
    return b == NULL ? NULL : announce(pool, b, size);
}

void *mln_alloc_c(mln_alloc_t *pool, mln_size_t size)
{
    void *p = mln_alloc_m(pool, size);
    if (p != NULL)
        mln_bytes_zero(p, size);
    return p;
}

/* The messages owner_of reports misuse with, one set per call. */
struct misuse_messages {
    const char *double_free, *foreign, *pool_handle, *dead_pool;
};

static const struct misuse_messages free_messages = {
    "mln_alloc_free: double free (the block is already free)",
    "mln_alloc_free: pointer not allocated by any pool",
    "mln_alloc_free: the pointer is a pool (mln_alloc_destroy destroys a pool)",
    "mln_alloc_free: the block's pool was destroyed",
};

static const struct misuse_messages realloc_messages = {
    "mln_alloc_re: block already freed",
    "mln_alloc_re: pointer not allocated by any pool",
    "mln_alloc_re: the pointer is a pool, not a block",
    "mln_alloc_re: the block's pool was destroyed",
};

/* Which misuse the block at `ptr` shows, told by owner_of's checks in turn. */
static __attribute__((noinline, cold, noreturn)) void report_misuse(const void *ptr,
                                                                   const struct misuse_messages *says)
{
    if (((uintptr_t)ptr & (MLN_ALIGN - 1)) != 0)
        mln_panic(says->foreign);
    const mln_block_t *b = block_from_payload(ptr);
    uintptr_t link = (uintptr_t)b->link;
    if (block_is_free(b) || link == (uintptr_t)MLN_ENGINE_LINK_FREED)
        mln_panic(says->double_free);
    const mln_alloc_t *pool = (const mln_alloc_t *)(link & ~(uintptr_t)1);
    /* Addresses below 4 KiB are never a pool: do not even read them. */
    if (link < 4096 || ((uintptr_t)pool & (MLN_ALIGN - 1)) != 0)
        mln_panic(says->foreign);
    if (!mln_pool_is_live(pool))
        mln_panic(pool->magic == MLN_POOL_DEAD ? says->dead_pool : says->foreign);
    if (link & 1u)
        mln_panic(says->double_free); /* sitting in the pool's front cache */
    mln_panic(says->pool_handle);     /* the header names the pointer itself */
}

/*
 * The pool that owns the block at `ptr`, after checking that the header is
 * one of ours and in use: aligned, not free, naming a live pool (with the
 * front cache's mark clear) that is not `ptr` itself (a pool handle's header
 * names the handle: see mln_pool_handle_offset). One chain of compares,
 * inline; misuse goes out of line to find its message. Costs a load of the
 * pool's first line, which the call touches anyway.
 */
static MLN_HOT_INLINE mln_alloc_t *owner_of(void *ptr, const struct misuse_messages *says)
{
    const mln_block_t *b = block_from_payload(ptr);
    uintptr_t link;
    if (((uintptr_t)ptr & (MLN_ALIGN - 1)) != 0 || block_is_free(b) ||
        (link = (uintptr_t)b->link) < 4096 || (link & (MLN_ALIGN - 1)) != 0 ||
        !mln_pool_is_live((const mln_alloc_t *)link) || link == (uintptr_t)ptr)
        report_misuse(ptr, says);
    return (mln_alloc_t *)link;
}

void mln_alloc_free(void *ptr)
{
    if (ptr == NULL)
        return;
    MLN_TRACK_CORE_CALL();
    mln_alloc_t *pool = owner_of(ptr, &free_messages);
    mln_block_t *b = block_from_payload(ptr);
    if (!pool->in_shared_memory)
        mln_track_free(pool, ptr, block_payload_size(b));
    mln_pool_free_block(pool, b);
}

/*
 * Resize in place if the block is `pool`'s, the space after it allows, and
 * the result stays within the pool's capacity. Growing may take the whole
 * free block after it, a little more than asked: if that is past capacity
 * the free block is cut off again, exactly as it was (it is at least
 * MLN_BLOCK_MIN bytes, so it splits off whole).
 */
static bool resize_in_place(mln_alloc_t *pool, mln_block_t *b, size_t block_bytes)
{
    if (b->link != pool)
        return false;
    if (pool->shared != NULL)
        return mln_shared_ready(pool) && mln_shared_resize(pool, b, block_bytes);
    size_t before = block_size(b);
    size_t others = pool->bytes_in_use - before;
    if (others + block_bytes > pool->capacity_limit || !mln_engine_resize(&pool->engine, b, block_bytes))
        return false;
    if (others + block_size(b) <= pool->capacity_limit)
        return true;
    mln_engine_resize(&pool->engine, b, before);
    return false;
}

/*
 * A new home for a block that has to move to grow: it will likely grow
 * again, so prefer the wilderness, where the next growth happens in place.
 */
static void *alloc_for_growth(mln_alloc_t *pool, size_t size, size_t block_bytes)
{
    if (pool->shared == NULL && block_bytes <= pool->large_block_bytes) {
        mln_block_t *b = mln_engine_alloc_at_end(&pool->engine, block_bytes, pool);
        if (b != NULL && (b = admit(pool, b)) != NULL)
            return announce(pool, b, size);
    }
    return mln_alloc_m(pool, size);
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
        mln_panic("mln_alloc_re: not a live pool (destroyed, or never created)");
    mln_alloc_t *owner = owner_of(ptr, &realloc_messages);
    mln_block_t *b = block_from_payload(ptr);
    size_t block_bytes = mln_engine_block_size(size);
    if (block_bytes == 0)
        return NULL;
    size_t before = block_size(b);
    size_t old_bytes = block_payload_size(b);
    if (resize_in_place(pool, b, block_bytes)) {
        hand_out(pool, pool->bytes_in_use - before + block_size(b));
        if (!pool->in_shared_memory) { /* hide a shrunk block's old tail too */
            size_t now = block_payload_size(b);
            mln_track_resize(pool, ptr, size, now > old_bytes ? now : old_bytes);
        }
        return ptr;
    }
    void *moved = alloc_for_growth(pool, size, block_bytes);
    if (moved == NULL)
        return NULL;
    if (!owner->in_shared_memory) /* the copy reads all of the old block */
        mln_track_resize(owner, ptr, old_bytes, old_bytes);
    mln_bytes_copy(moved, ptr, old_bytes < size ? old_bytes : size);
    mln_alloc_free(ptr);
    return moved;
}
