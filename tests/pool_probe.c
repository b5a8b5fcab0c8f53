/* SPDX-License-Identifier: MIT */
/*
 * pool_probe.c: test-only access to pools and the engine (see pool_probe.h).
 */
#include "tests/pool_probe.h"

#include "alloc/kind_shared_journal.h"
#include "alloc/pool.h"
#include "alloc/track.h"

/* Probes that read a pool's hidden space open with MLN_TRACK_CORE_CALL, as
 * the core's own calls do (alloc/track.h). */

const char *probe_check_tree(const mln_alloc_t *pool)
{
    MLN_TRACK_CORE_CALL();
    return mln_pool_check_tree(pool);
}

size_t probe_used_bytes(const mln_alloc_t *pool)
{
    MLN_TRACK_CORE_CALL();
    size_t used = 0;
    return mln_pool_check(pool, &used) == NULL ? used : (size_t)-1;
}

size_t probe_span_count(const mln_alloc_t *pool)
{
    MLN_TRACK_CORE_CALL();
    size_t n = 0;
    for (const mln_span_t *s = pool->engine.spans; s != NULL; s = mln_engine_next_span(&pool->engine, s))
        n++;
    return n;
}

int probe_has_spare(const mln_alloc_t *pool) { return pool->spare != NULL; }

size_t probe_block_header(void) { return MLN_BLOCK_HEADER; }
size_t probe_block_min(void) { return MLN_BLOCK_MIN; }

size_t probe_usable_size(const void *ptr)
{
    MLN_TRACK_CORE_CALL();
    return block_payload_size(block_from_payload(ptr));
}

const mln_alloc_t *probe_owner(const void *ptr)
{
    MLN_TRACK_CORE_CALL();
    return block_from_payload(ptr)->link;
}

struct probe_engine {
    mln_engine_t engine;
};

/* Blocks allocated through the probe engine name it as their owner. Its
 * bins follow it in `buf`, as many levels as a block of `size` needs. */
probe_engine *probe_engine_over(void *buf, size_t size)
{
    unsigned levels = mln_engine_levels_for(size);
    size_t head = MLN_ALIGN_UP(sizeof(probe_engine)) + MLN_ALIGN_UP(mln_engine_bins_bytes(levels));
    probe_engine *e = buf;
    mln_engine_init(&e->engine, (char *)buf + MLN_ALIGN_UP(sizeof(probe_engine)), levels);
    mln_engine_add_span(&e->engine, (char *)buf + head, size - head, 0);
    return e;
}

void *probe_engine_alloc(probe_engine *e, size_t bytes)
{
    size_t block_bytes = mln_engine_block_size(bytes);
    if (block_bytes == 0)
        return NULL;
    mln_block_t *b = mln_engine_alloc(&e->engine, block_bytes, e);
    return b == NULL ? NULL : block_payload(b);
}

void probe_engine_free(probe_engine *e, void *ptr)
{
    mln_span_t *emptied = mln_engine_free(&e->engine, block_from_payload(ptr));
    if (emptied != NULL)
        mln_engine_keep_span(&e->engine, emptied);
}

int probe_engine_resize(probe_engine *e, void *ptr, size_t bytes)
{
    size_t block_bytes = mln_engine_block_size(bytes);
    return block_bytes != 0 && mln_engine_resize(&e->engine, block_from_payload(ptr), block_bytes);
}

static bool owned_by_probe(const void *ctx, const void *owner) { return ctx == owner; }

const char *probe_engine_check(probe_engine *e)
{
    return mln_engine_check(&e->engine, owned_by_probe, e, NULL);
}

size_t probe_engine_largest(probe_engine *e) { return mln_engine_largest_free(&e->engine); }

void probe_shared_torn_free(mln_alloc_t *shm, void *ptr)
{
    mln_block_t *b = block_from_payload(ptr);
    /* mln_shared_give without its final step_done */
    mln_shared_save_words(&mln_shared_of(shm)->journal, b);
    mln_span_t *emptied = mln_engine_free(&shm->engine, b);
    if (emptied != NULL)
        mln_engine_keep_span(&shm->engine, emptied);
}

void *probe_shared_torn_alloc(mln_alloc_t *shm, size_t bytes)
{
    mln_block_t *b = mln_shared_take(shm, mln_engine_block_size(bytes), shm); /* leaves its step open */
    return b == NULL ? NULL : block_payload(b);
}

void probe_shared_undo_only(mln_alloc_t *shm) { mln_journal_undo(&mln_shared_of(shm)->journal); }

void probe_shared_mark_dirty(mln_alloc_t *shm)
{
    mln_journal_t *j = &mln_shared_of(shm)->journal;
    mln_journal_save(j, (void *)(uintptr_t)&j->subject);
}

void probe_shared_region(const mln_alloc_t *shm, void **base, size_t *bytes)
{
    *base = mln_pool_home(shm);
    *bytes = shm->home_bytes;
}

int probe_shared_journal_dirty(const mln_alloc_t *shm) { return mln_journal_dirty(&mln_shared_of(shm)->journal); }

size_t probe_shared_blocks(const mln_alloc_t *shm, probe_block *out, size_t max)
{
    const char *base = mln_pool_home(shm), *end = base + shm->home_bytes;
    mln_block_t *b = mln_span_first_block(shm->engine.spans);
    size_t n = 0;
    while (!block_is_sentinel(b)) {
        if ((const char *)b < base || (const char *)b + MLN_BLOCK_HEADER > end || block_size(b) < MLN_BLOCK_MIN ||
            block_size(b) > (size_t)(end - (const char *)b))
            return (size_t)-1;
        if (n < max) {
            out[n].offset = (size_t)((const char *)b - base);
            out[n].size = block_size(b);
            out[n].state = block_is_free(b) ? PROBE_BLOCK_FREE
                           : b->link == mln_front_cache_mark(shm) ? PROBE_BLOCK_CACHED
                                                                  : PROBE_BLOCK_USED;
            out[n].tag = block_is_free(b) ? NULL : b->link;
        }
        n++;
        b = block_next(b);
    }
    return n;
}

size_t probe_shared_child_owners(const mln_alloc_t *shm, unsigned long *out, size_t max)
{
    size_t n = 0;
    for (const mln_alloc_t *c = shm->first_child; c != NULL && n < max; c = c->next_sibling)
        out[n++] = c->owner_id;
    return n;
}

void *probe_payload_of_header(void *header) { return block_payload((mln_block_t *)header); }

size_t probe_block_head(const void *ptr)
{
    MLN_TRACK_CORE_CALL();
    return block_from_payload(ptr)->head;
}

void probe_corrupt_head(void *ptr, size_t value)
{
    MLN_TRACK_CORE_CALL();
    block_from_payload(ptr)->head = value;
}

unsigned long probe_shared_recoveries(const mln_alloc_t *shm) { return mln_shared_of(shm)->recoveries; }
unsigned long probe_shared_holder(const mln_alloc_t *shm) { return mln_shared_of(shm)->holder; }
unsigned long probe_shared_repairs(const mln_alloc_t *shm) { return mln_shared_of(shm)->repairs; }

/* The class the units table gives a block of `block_bytes` (at most
 * MLN_FRONT_CACHE_MAX), and in *class_bytes its size. */
static size_t class_of_block_bytes(size_t block_bytes, size_t *class_bytes)
{
    if (!MLN_WITH_FRONT_CACHE) /* the profile has no tables */
        return *class_bytes = 0, MLN_FRONT_CACHE_NONE;
    size_t c = mln_front_cache_class_of_units[block_bytes >> MLN_ALIGN_LOG2];
    *class_bytes = mln_front_cache_class_bytes[c];
    return c;
}

int probe_profile_is_firmware(void) { return MLN_ALLOC_PROFILE == MLN_ALLOC_PROFILE_FIRMWARE; }

int probe_profile_has_wilderness(void) { return MLN_WITH_WILDERNESS; }

int probe_class_tables_agree(void)
{
    if (!MLN_WITH_FRONT_CACHE) {
        /* No cache in this profile: no size has a class, and every request
         * is sized by the engine alone. */
        for (size_t bytes = 0; bytes <= 2 * MLN_FRONT_CACHE_MAX; bytes++)
            if (mln_front_cache_class_of_block(bytes) != MLN_FRONT_CACHE_NONE ||
                mln_front_cache_block_bytes(bytes) != mln_engine_block_size(bytes))
                return 0;
        return 1;
    }
    /* A request's class is the engine's bin of its good-fit size (of
     * MLN_BLOCK_MIN for less), and a block is cached in its class exactly
     * when it is of that size. */
    for (size_t bytes = MLN_ALIGN; bytes <= MLN_FRONT_CACHE_MAX; bytes += MLN_ALIGN) {
        size_t class_bytes;
        size_t c = class_of_block_bytes(bytes, &class_bytes);
        size_t fit = mln_engine_fit_size(bytes < MLN_BLOCK_MIN ? MLN_BLOCK_MIN : bytes);
        unsigned fl, sl;
        mln_engine_bin_of(class_bytes, &fl, &sl);
        if (class_bytes != fit || c != (size_t)fl * MLN_SL_COUNT + sl)
            return 0;
        size_t cached_in = mln_front_cache_class_of_block(bytes);
        if (cached_in != (fit == bytes ? c : MLN_FRONT_CACHE_NONE))
            return 0;
    }
    /* And a request's class, from its payload bytes, is that of its block. */
    for (size_t bytes = 0; bytes <= MLN_FRONT_CACHE_MAX_REQUEST; bytes++) {
        size_t class_bytes;
        if (mln_front_cache_class_of_request(bytes) !=
            class_of_block_bytes(mln_engine_block_size(bytes), &class_bytes))
            return 0;
    }
    return mln_front_cache_class_of_block(MLN_FRONT_CACHE_MAX + MLN_ALIGN) == MLN_FRONT_CACHE_NONE;
}
