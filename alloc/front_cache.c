/* SPDX-License-Identifier: MIT */
/*
 * front_cache.c: the front cache's out-of-line parts: its check, and its
 * size classes as two tables, so that the fast paths find a
 * class in a load instead of a dozen instructions.
 *
 * Both are constant and built here, by the compiler, from a formula for
 * the engine's bins and its rounding (engine.h) spelled as constant
 * expressions. A test compares every entry with the engine's own
 * functions (probe_class_tables_agree, tests/pool_probe.c).
 */
#include "alloc/front_cache.h"

/* The tables exist only where the profile carries the cache (profile.h):
 * firmware images, built without --gc-sections too, carry none of them,
 * and every reader of them answers "no class" there. */
#if MLN_WITH_FRONT_CACHE

/* Highest bit of a constant below 2^16, as a constant expression. */
#define CONST_HIGHEST_BIT(x)                                                                     \
    ((x) >> 15 ? 15 : (x) >> 14 ? 14 : (x) >> 13 ? 13 : (x) >> 12 ? 12 : (x) >> 11 ? 11 :         \
     (x) >> 10 ? 10 : (x) >> 9 ? 9 : (x) >> 8 ? 8 : (x) >> 7 ? 7 : (x) >> 6 ? 6 : (x) >> 5 ? 5 : \
     (x) >> 4 ? 4 : (x) >> 3 ? 3 : (x) >> 2 ? 2 : (x) >> 1 ? 1 : 0)

/* The constants the formula needs, each one token (the macros below repeat
 * their arguments, and the headers' spellings of these are long). */
enum {
    ALIGN = (int)MLN_ALIGN,
    ALIGN_LOG2 = (int)MLN_ALIGN_LOG2,
    SMALL_LIMIT = (int)MLN_SMALL_LIMIT,
    SMALL_LOG2 = (int)MLN_SMALL_LOG2,
    SL_LOG2 = (int)MLN_SL_LOG2,
    SL_COUNT = (int)MLN_SL_COUNT,
    MAX_BYTES = (int)MLN_FRONT_CACHE_MAX,
    BLOCK_MIN = (int)MLN_BLOCK_MIN,
    CLASSES = (int)MLN_FRONT_CACHE_CLASSES,
    NONE = (int)MLN_FRONT_CACHE_NONE
};

/* A block of s bytes: its class is 1 / SL_COUNT of 2^T wide, T the highest
 * bit of s but at least SMALL_LOG2 (ALIGN wide below SMALL_LIMIT), and its
 * number (T - SMALL_LOG2) * SL_COUNT + s / width, rounded up: the engine's
 * bins numbered flat, after its good-fit rounding (a carry into the next
 * power of two gives that power's first class, as it should). */
#define WIDTH_LOG2(s) (CONST_HIGHEST_BIT((s) | SMALL_LIMIT) - SL_LOG2)
#define UNITS_UP(s) (((s) + (1 << (WIDTH_LOG2(s))) - 1) >> (WIDTH_LOG2(s)))
#define CLASS_FOR(s) ((WIDTH_LOG2(s) + SL_LOG2 - SMALL_LOG2) * SL_COUNT + UNITS_UP(s))

/* Class c's size: its units (16 .. 31 from class 16 on) times its width. */
#define CLASS_WIDTH_LOG2(c) (ALIGN_LOG2 + ((c) < SL_COUNT ? 0 : ((c)-SL_COUNT) / SL_COUNT))
#define CLASS_UNITS(c) ((c) < SL_COUNT ? (c) : SL_COUNT + ((c)-SL_COUNT) % SL_COUNT)
#define CLASS_BYTES(c) (CLASS_UNITS(c) << (CLASS_WIDTH_LOG2(c)))

/* Entries i .. i + 2^k - 1 of a table whose entry i is ENTRY(i). */
#define R1(i) ENTRY(i),
#define R2(i) R1(i) R1((i) + 1)
#define R4(i) R2(i) R2((i) + 2)
#define R8(i) R4(i) R4((i) + 4)
#define R16(i) R8(i) R8((i) + 8)
#define R32(i) R16(i) R16((i) + 16)
#define R64(i) R32(i) R32((i) + 32)
#define R128(i) R64(i) R64((i) + 64)
#define R256(i) R128(i) R128((i) + 128)
#define R512(i) R256(i) R256((i) + 256)

/* The tables' lengths, as the preprocessor can count them: 2^(MAX_LOG2 - 3)
 * + 1 entries of units (8-byte alignment at least, so no more are needed),
 * and a power of two above the number of classes (at most (MAX_LOG2 - 6) *
 * 16 + 1 with MLN_SMALL_LOG2 >= 7). */
#if MLN_ALLOC_QUICK_MAX_LOG2 == 12
#define UNIT_ENTRIES R512(0) ENTRY(512)
#elif MLN_ALLOC_QUICK_MAX_LOG2 == 11
#define UNIT_ENTRIES R256(0) ENTRY(256)
#elif MLN_ALLOC_QUICK_MAX_LOG2 == 10
#define UNIT_ENTRIES R128(0) ENTRY(128)
#elif MLN_ALLOC_QUICK_MAX_LOG2 == 9
#define UNIT_ENTRIES R64(0) ENTRY(64)
#elif MLN_ALLOC_QUICK_MAX_LOG2 == 8
#define UNIT_ENTRIES R32(0) ENTRY(32)
#else
#error "MLN_ALLOC_QUICK_MAX_LOG2 is 8 .. 12"
#endif
#if MLN_ALLOC_QUICK_MAX_LOG2 >= 10
#define CLASS_ENTRIES R128(0)
#define CLASS_TABLE_LENGTH 128
#else
#define CLASS_ENTRIES R64(0)
#define CLASS_TABLE_LENGTH 64
#endif
_Static_assert(MLN_ALIGN >= 8, "the units table has an entry per 8 bytes");
_Static_assert(MLN_FRONT_CACHE_CLASSES < CLASS_TABLE_LENGTH, "a size for every class and NONE");
_Static_assert(MLN_FRONT_CACHE_MAX <= 0xffff, "class sizes fit in 16 bits");

/* Whether a block of s bytes is exactly its class's size: a multiple of its class's width. */
#define EXACT(s) (((s) & ((1 << (WIDTH_LOG2(s))) - 1)) == 0)
/* The engine's rounding of a request needing s bytes: at least BLOCK_MIN. */
#define AT_LEAST_MIN(s) ((s) < BLOCK_MIN ? BLOCK_MIN : (s))

/* Entry u: the class serving a request of u alignment units (none for 0). */
#define ENTRY(u) (uint8_t)((u) == 0 || (u) * ALIGN > MAX_BYTES ? NONE : CLASS_FOR(AT_LEAST_MIN((u) * ALIGN)))
const uint8_t mln_front_cache_class_of_units[MLN_FRONT_CACHE_UNIT_ENTRIES] = {UNIT_ENTRIES};
#undef ENTRY

/* Entry u: the class a block of u units is cached in, if exactly a class's size. */
#define ENTRY(u)                                                                             \
    (uint8_t)((u) * ALIGN < BLOCK_MIN || (u) * ALIGN > MAX_BYTES || !EXACT((u) * ALIGN) ? NONE \
                                                                                        : CLASS_FOR((u) * ALIGN))
const uint8_t mln_front_cache_exact_class_of_units[MLN_FRONT_CACHE_UNIT_ENTRIES] = {UNIT_ENTRIES};
#undef ENTRY

#define ENTRY(c) (uint16_t)((c) < CLASSES ? CLASS_BYTES(c) : 0)
const uint16_t mln_front_cache_class_bytes[CLASS_TABLE_LENGTH] = {CLASS_ENTRIES};
#undef ENTRY

#endif /* MLN_WITH_FRONT_CACHE */

const char *mln_front_cache_check(const mln_front_cache_t *q, const void *pool, size_t *cached_bytes)
{
    for (size_t c = 0; c < MLN_FRONT_CACHE_CLASSES; c++) {
        if (q->count[c] < MLN_FRONT_CACHE_EMPTY)
            return "front cache list count below empty";
        unsigned held = mln_front_cache_held(q, c); /* at most the depth: 255 is full */
        mln_block_t *b = q->top[c];
        for (unsigned n = 0; n < held; n++, b = *mln_front_cache_next_slot(b)) {
            if (b == NULL || block_is_free(b) || b->link != mln_front_cache_mark(pool) ||
                mln_front_cache_class_of_block(block_size(b)) != c)
                return "front cache holds a block it should not";
            *cached_bytes += block_size(b);
        }
    }
    return q->count[MLN_FRONT_CACHE_NONE] != MLN_FRONT_CACHE_FULL ? "front cache takes blocks of no class"
                                                                  : NULL;
}
