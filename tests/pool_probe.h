/* SPDX-License-Identifier: MIT */
/*
 * pool_probe.h: the one test-only window into the library's internals.
 *
 * The internal headers are C11 (not C++), so tests reach them through these
 * plain C functions, implemented in pool_probe.c.
 */
#ifndef MLN_TESTS_POOL_PROBE_H
#define MLN_TESTS_POOL_PROBE_H

#include <stddef.h>

#include "mln_alloc.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Integrity walk of `pool` and every descendant: NULL when clean, else a message. */
const char *probe_check_tree(const mln_alloc_t *pool);

/* Bytes in used blocks of `pool` (headers included), not counting descendants' blocks. */
size_t probe_used_bytes(const mln_alloc_t *pool);

/* Number of spans `pool` holds (home, grown, large), and whether it keeps a spare. */
size_t probe_span_count(const mln_alloc_t *pool);
int probe_has_spare(const mln_alloc_t *pool);

/* Per-block header bytes, smallest block, and the bytes usable in the block at `ptr`. */
size_t probe_block_header(void);
size_t probe_block_min(void);
size_t probe_usable_size(const void *ptr);

/* The pool that owns the block at `ptr`. */
const mln_alloc_t *probe_owner(const void *ptr);

/* Engine over a caller-owned buffer, for engine-level tests (no pool, no platform). */
typedef struct probe_engine probe_engine;
/* `buf` must be aligned to MLN_ALLOC_ALIGNMENT; the engine's own state is carved from it. */
probe_engine *probe_engine_over(void *buf, size_t size);
void *probe_engine_alloc(probe_engine *e, size_t bytes);
void probe_engine_free(probe_engine *e, void *ptr);
int probe_engine_resize(probe_engine *e, void *ptr, size_t bytes);
const char *probe_engine_check(probe_engine *e);
/* Payload bytes of the largest free block (in the bins or the wilderness). */
size_t probe_engine_largest(probe_engine *e);

/*
 * Shared pools: simulate a process that dies mid-operation. Each performs the
 * journaled engine step but never completes it, as if killed just before the
 * end, leaving the journal dirty for the next caller to recover.
 */
void probe_shared_torn_free(mln_alloc_t *shm, void *ptr);
void *probe_shared_torn_alloc(mln_alloc_t *shm, size_t bytes);
/* Only the first part of a recovery: the saved words written back, no
 * rebuild (a recovering process killed in between). */
void probe_shared_undo_only(mln_alloc_t *shm);
/* Leave the journal dirty with nothing to undo (a death right after locking). */
void probe_shared_mark_dirty(mln_alloc_t *shm);
/* Recoveries a shared pool has run, repairs of torn operations among them, and
 * who holds its sub-pool lock (0: nobody). */
unsigned long probe_shared_recoveries(const mln_alloc_t *shm);
unsigned long probe_shared_repairs(const mln_alloc_t *shm);
unsigned long probe_shared_holder(const mln_alloc_t *shm);

/* The memory a shared pool lives in: every byte of its state, and all its
 * blocks, lie in [*base, *base + *bytes). */
void probe_shared_region(const mln_alloc_t *shm, void **base, size_t *bytes);
/* Whether its journal says a process died mid-operation (or mid-recovery). */
int probe_shared_journal_dirty(const mln_alloc_t *shm);

/* One block of a shared pool's region, as its head and link words say. */
typedef struct probe_block {
    size_t offset; /* of its header from the region's base */
    size_t size;   /* header included */
    int state;     /* PROBE_BLOCK_FREE, _USED or _CACHED (used, in the pool's front cache) */
    const void *tag; /* a used block's owner as its link word names it (NULL when free) */
} probe_block;
enum { PROBE_BLOCK_FREE = 0, PROBE_BLOCK_USED = 1, PROBE_BLOCK_CACHED = 2 };
/* The region's blocks in address order, at most `max` into out[]; returns
 * how many there are, or (size_t)-1 if the head words do not tile it. */
size_t probe_shared_blocks(const mln_alloc_t *shm, probe_block *out, size_t max);
/* The owner ids (mln_alloc_shm_reclaim's) of its linked sub-pools, at most
 * `max` into out[]; returns how many there are. */
size_t probe_shared_child_owners(const mln_alloc_t *shm, unsigned long *out, size_t max);
/* A payload's address from its block's header's. */
void *probe_payload_of_header(void *header);

/* The head word (size and flags) of the block at ptr. */
size_t probe_block_head(const void *ptr);
/* Whether the library was built in the firmware profile (alloc/profile.h). */
int probe_profile_is_firmware(void);
/* Whether the profile keeps a wilderness (MLN_WITH_WILDERNESS): new spans
 * served by a bump, children bumping before they reuse. */
int probe_profile_has_wilderness(void);

/* Whether the front cache's class tables agree with the formula that defines
 * the classes (in firmware, which has none: that no size has a class). */
int probe_class_tables_agree(void);

/* Overwrite the head word of the block at ptr (to make recovery's walk fail). */
void probe_corrupt_head(void *ptr, size_t value);

#ifdef __cplusplus
}
#endif

#endif /* MLN_TESTS_POOL_PROBE_H */
