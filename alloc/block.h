/* SPDX-License-Identifier: MIT */
/*
 * block.h: the layout of a block and typed accessors for it.
 *
 * A span is a run of blocks between a span header and an end sentinel:
 *
 *   | span header | block | block | ... | block | sentinel |
 *
 * Every block starts with a header of MLN_BLOCK_HEADER bytes:
 *
 *   word 0  head: block size in bytes (header included, a multiple of
 *           MLN_ALIGN) | MLN_FREE | MLN_PREV_FREE | MLN_FIRST
 *   word 1  link: used block -> the pool that owns it
 *                 free block -> next free block in its bin
 *
 * A free block also keeps, in its payload, the previous free block of its bin
 * (first payload word) and a footer (last word of the block) pointing back to
 * its own header, so that the block after it can find it for merging. A used
 * block needs neither, so the per-allocation overhead is the header alone.
 *
 * The sentinel is a header of size 0, never free: merging stops there, and the
 * MLN_FIRST flag stops it at the span's start.
 */
#ifndef MLN_ALLOC_BLOCK_H
#define MLN_ALLOC_BLOCK_H

#include <stddef.h>
#include <stdint.h>

#include "alloc/debug.h"
#include "alloc/mln_alloc.h"

#define MLN_ALIGN ((size_t)MLN_ALLOC_ALIGNMENT)
#define MLN_ALIGN_UP(n) (((n) + MLN_ALIGN - 1) & ~(MLN_ALIGN - 1))

typedef struct mln_block {
    size_t head;
    void *link;
} mln_block_t;

enum {
    MLN_FREE = 1u,      /* this block is free (and in a bin) */
    MLN_PREV_FREE = 2u, /* the block before this one is free */
    MLN_FIRST = 4u,     /* this block is the first of its span */
    MLN_FLAGS = 7u
};

#define MLN_BLOCK_HEADER MLN_ALIGN_UP(sizeof(mln_block_t))
/* Smallest block: header + previous-free pointer + footer. */
#define MLN_BLOCK_MIN MLN_ALIGN_UP(MLN_BLOCK_HEADER + 2 * sizeof(void *))

_Static_assert((MLN_ALLOC_ALIGNMENT & (MLN_ALLOC_ALIGNMENT - 1)) == 0,
               "alignment is a power of two");
_Static_assert(MLN_ALLOC_ALIGNMENT > MLN_FLAGS, "flags fit below the alignment");
/* The public header's C99 stand-in for alignof(max_align_t) must agree with it. */
_Static_assert(MLN_ALLOC_ALIGNOF_BASIC_ == _Alignof(max_align_t),
               "mln_alloc.h: MLN_ALLOC_ALIGNMENT would differ between C99 and C11");

static inline size_t block_size_of_head(size_t head) { return head & ~(size_t)MLN_FLAGS; }
static inline size_t block_size(const mln_block_t *b) { return block_size_of_head(b->head); }
static inline int block_is_free(const mln_block_t *b) { return (b->head & MLN_FREE) != 0; }
static inline int block_prev_is_free(const mln_block_t *b) { return (b->head & MLN_PREV_FREE) != 0; }
static inline int block_is_first(const mln_block_t *b) { return (b->head & MLN_FIRST) != 0; }
static inline int block_is_sentinel(const mln_block_t *b) { return block_size(b) == 0; }

static inline void block_set_size(mln_block_t *b, size_t size)
{
    MLN_ASSERT((size & (MLN_ALIGN - 1)) == 0);
    b->head = size | (b->head & MLN_FLAGS);
}

static inline void block_set_flag(mln_block_t *b, size_t flag) { b->head |= flag; }
static inline void block_clear_flag(mln_block_t *b, size_t flag) { b->head &= ~flag; }

static inline mln_block_t *block_next(const mln_block_t *b)
{
    return (mln_block_t *)(void *)((char *)(uintptr_t)b + block_size(b));
}

static inline void *block_payload(const mln_block_t *b)
{
    return (char *)(uintptr_t)b + MLN_BLOCK_HEADER;
}

static inline mln_block_t *block_from_payload(const void *p)
{
    return (mln_block_t *)(void *)((char *)(uintptr_t)p - MLN_BLOCK_HEADER);
}

static inline size_t block_payload_size(const mln_block_t *b)
{
    return block_size(b) - MLN_BLOCK_HEADER;
}

/* Previous block of the same bin; meaningful only while the block is free. */
static inline mln_block_t **block_prev_free_slot(mln_block_t *b)
{
    return (mln_block_t **)block_payload(b);
}

/* Write the footer of a free block (its last word, read by the next block). */
static inline void block_write_footer(mln_block_t *b)
{
    ((mln_block_t **)(void *)block_next(b))[-1] = b;
}

/* The free block just before b; valid only when b has MLN_PREV_FREE. */
static inline mln_block_t *block_prev_physical(const mln_block_t *b)
{
    MLN_ASSERT(block_prev_is_free(b));
    return ((mln_block_t *const *)(const void *)b)[-1];
}

#endif /* MLN_ALLOC_BLOCK_H */
