/* SPDX-License-Identifier: MIT */
/*
 * bare_test: the engine, region, cascade and shared-pool cases on a
 * Cortex-M3 with no libc, as a small C harness (GoogleTest needs a hosted
 * C++ runtime). Output by semihosting; the exit status is the number of
 * failed checks.
 */
#include <stddef.h>
#include <stdint.h>

#include "mln_alloc.h"
#include "platform/freestanding/mps2_an385/semihost.h"
#include "tests/pool_probe.h"

static int failures;

#define CHECK(cond)                                                      \
    do {                                                                 \
        if (!(cond)) {                                                   \
            semihost_write("  FAIL line ");                              \
            semihost_write_number(__LINE__);                             \
            semihost_write(": " #cond "\n");                             \
            failures++;                                                  \
        }                                                                \
    } while (0)

static int aligned(const void *p) { return ((uintptr_t)p % MLN_ALLOC_ALIGNMENT) == 0; }

static void fill(void *p, unsigned char v, size_t n)
{
    unsigned char *b = p;
    while (n--)
        *b++ = v;
}

static int holds(const void *p, unsigned char v, size_t n)
{
    const unsigned char *b = p;
    while (n--)
        if (*b++ != v)
            return 0;
    return 1;
}

static _Alignas(8) unsigned char buffer[128 * 1024];

static void test_layout_on_32_bit(void)
{
    CHECK(sizeof(void *) == 4);
    CHECK(MLN_ALLOC_ALIGNMENT == 8);          /* max_align_t on ARM EABI */
    CHECK(probe_block_header() == 8);         /* two words per allocation */
    CHECK(probe_block_min() == 16);
}

static void test_region_capacity_comes_back(void)
{
    CHECK(mln_alloc_region_init(buffer, mln_alloc_region_min_size() - 1) == NULL);
    CHECK(mln_alloc_region_init(NULL, sizeof buffer) == NULL);
    mln_alloc_t *pool = mln_alloc_region_init(buffer + 3, sizeof buffer - 3); /* misaligned on purpose */
    CHECK(pool != NULL);
    static void *blocks[4096];
    unsigned count = 0;
    for (unsigned n = 1; count < 4096; n = n * 7 % 301 + 1) {
        void *p = mln_alloc_m(pool, n);
        if (p == NULL)
            break;
        CHECK(aligned(p));
        fill(p, (unsigned char)count, n < 8 ? n : 8);
        blocks[count++] = p;
    }
    CHECK(count > 500);
    CHECK(probe_check_tree(pool) == NULL);
    for (unsigned i = 0; i < count; i += 2)
        mln_alloc_free(blocks[i]);
    for (unsigned i = 1; i < count; i += 2)
        mln_alloc_free(blocks[i]);
    CHECK(probe_used_bytes(pool) == 0);
    void *big = mln_alloc_m(pool, sizeof buffer - 8 * 1024);
    CHECK(big != NULL); /* everything merged back into one block */
    mln_alloc_free(big);
    mln_alloc_destroy(pool);
}

static void test_cascade_in_a_region(void)
{
    mln_alloc_t *root = mln_alloc_region_init(buffer, sizeof buffer);
    size_t baseline = probe_used_bytes(root);
    mln_alloc_t *mid = mln_alloc_init(root);
    mln_alloc_t *leaf = mln_alloc_init(mid);
    CHECK(mid != NULL && leaf != NULL);
    for (int i = 0; i < 200; i++)
        CHECK(mln_alloc_m(i % 2 ? mid : leaf, 100) != NULL);
    CHECK(probe_check_tree(root) == NULL);
    mln_alloc_destroy(mid); /* leaf goes with it */
    CHECK(probe_used_bytes(root) == baseline);
    CHECK(probe_check_tree(root) == NULL);
    mln_alloc_destroy(root);
}

static void test_realloc_and_calloc(void)
{
    mln_alloc_t *pool = mln_alloc_region_init(buffer, sizeof buffer);
    char *p = mln_alloc_m(pool, 16);
    fill(p, 0x5a, 16);
    char *q = mln_alloc_re(pool, p, 4000);
    CHECK(q == p); /* grows in place */
    CHECK(holds(q, 0x5a, 16));
    CHECK(mln_alloc_re(pool, q, 8) == q); /* shrinks in place */
    CHECK(mln_alloc_re(pool, q, SIZE_MAX) == NULL);
    CHECK(holds(q, 0x5a, 8));
    fill(q, 0xff, 8);
    mln_alloc_free(q);
    unsigned char *z = mln_alloc_c(pool, 8);
    CHECK(z != NULL && holds(z, 0, 8));
    CHECK(mln_alloc_re(pool, z, 0) == NULL);
    CHECK(mln_alloc_m(pool, SIZE_MAX) == NULL);
    CHECK(mln_alloc_m(NULL, 8) == NULL);
    CHECK(probe_check_tree(pool) == NULL);
    mln_alloc_destroy(pool);
}

static void test_default_region_serves_root_pools(void)
{
    mln_alloc_t *a = mln_alloc_init(NULL);
    mln_alloc_t *b = mln_alloc_init(NULL);
    CHECK(a != NULL && b != NULL);
    void *big = mln_alloc_m(a, 20000);
    CHECK(big != NULL && aligned(big));
    CHECK(mln_alloc_m(b, 10) != NULL);
    mln_alloc_destroy(a);
    mln_alloc_destroy(b);
    mln_alloc_t *again = mln_alloc_init(NULL); /* the memory came back */
    CHECK(again != NULL);
    mln_alloc_destroy(again);
}

static int locks, unlocks, lock_fails;
static int lock_cb(void *locker) { (void)locker; if (lock_fails) return -1; locks++; return 0; }
static int unlock_cb(void *locker) { (void)locker; unlocks++; return 0; }

static void test_shared_pool_contract(void)
{
    struct mln_alloc_shm_attr_s attr = {32 * 1024, NULL, lock_cb, unlock_cb};
    CHECK(mln_alloc_shm_init(NULL) == NULL);
    mln_alloc_t *shm = mln_alloc_shm_init(&attr);
    CHECK(shm != NULL);
    void *direct = mln_alloc_m(shm, 100);
    CHECK(direct != NULL && locks == 0);
    mln_alloc_t *sub = mln_alloc_init(shm);
    CHECK(sub != NULL && locks == 1);
    lock_fails = 1;
    CHECK(mln_alloc_init(shm) == NULL);
    lock_fails = 0;
    CHECK(mln_alloc_m(sub, 100) != NULL);
    mln_alloc_destroy(sub);
    CHECK(locks == unlocks);
    mln_alloc_free(direct);
    CHECK(probe_used_bytes(shm) == 0);
    CHECK(probe_check_tree(shm) == NULL);
    mln_alloc_destroy(shm);
    /* The region went back to the static region's pool, its handle marked
     * dead: a stale handle is refused, and the memory serves again. */
    CHECK(mln_alloc_check(shm) == -1);
    struct mln_alloc_stats_s stats;
    CHECK(mln_alloc_stats(shm, &stats) == -1);
    mln_alloc_t *again = mln_alloc_shm_init(&attr);
    CHECK(again != NULL && mln_alloc_m(again, 30 * 1024 - 4096) != NULL);
    mln_alloc_destroy(again);
}

/* Random operations with content checks (a linear congruential source). */
static void test_random_operations(void)
{
    mln_alloc_t *pool = mln_alloc_region_init(buffer, sizeof buffer);
    static unsigned char *slot[256];
    static unsigned short size[256];
    uint32_t x = 12345;
    for (int op = 0; op < 30000; op++) {
        x = x * 1664525u + 1013904223u;
        unsigned i = (x >> 8) & 255;
        if (slot[i] != NULL) {
            CHECK(holds(slot[i], (unsigned char)i, size[i]));
            mln_alloc_free(slot[i]);
            slot[i] = NULL;
        } else {
            size[i] = (unsigned short)(1 + (x >> 16) % 700);
            slot[i] = mln_alloc_m(pool, size[i]);
            CHECK(slot[i] != NULL && aligned(slot[i]));
            if (slot[i] != NULL)
                fill(slot[i], (unsigned char)i, size[i]);
        }
        if (op % 5000 == 0)
            CHECK(probe_check_tree(pool) == NULL);
    }
    mln_alloc_destroy(pool);
}

int main(void)
{
    static const struct {
        const char *name;
        void (*run)(void);
    } tests[] = {
        {"layout_on_32_bit", test_layout_on_32_bit},
        {"region_capacity_comes_back", test_region_capacity_comes_back},
        {"cascade_in_a_region", test_cascade_in_a_region},
        {"realloc_and_calloc", test_realloc_and_calloc},
        {"default_region_serves_root_pools", test_default_region_serves_root_pools},
        {"shared_pool_contract", test_shared_pool_contract},
        {"random_operations", test_random_operations},
    };
    for (size_t t = 0; t < sizeof tests / sizeof tests[0]; t++) {
        int before = failures;
        tests[t].run();
        semihost_write(failures == before ? "PASS " : "FAIL ");
        semihost_write(tests[t].name);
        semihost_write("\n");
    }
    semihost_write(failures ? "bare_test: FAILED\n" : "bare_test: all passed\n");
    return failures;
}
