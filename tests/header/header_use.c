/* SPDX-License-Identifier: MIT */
/*
 * header_use.c: code that uses every declaration and macro of mln_alloc.h,
 * compiled by header_modes_test.sh as C99, C11, C17 and C++11 to C++20, with
 * and without MLN_ALLOC_CAPACITY_API, warning-free under -Wpedantic. Built
 * with -DPRINT_VALUES it prints the macros' values instead, which must be the
 * same in every mode.
 */
#include "mln_alloc.h"

#ifdef PRINT_VALUES
#include <stdio.h>

int main(void)
{
    printf("alignment %lu\n", (unsigned long)MLN_ALLOC_ALIGNMENT);
    printf("shm_min %lu\n", (unsigned long)MLN_ALLOC_SHM_MIN_SIZE);
    printf("infinite %d\n", M_ALLOC_INFINITE_SIZE == (mln_size_t)-1);
    printf("version %s %d\n", MLNPOOL_VERSION_STRING, MLNPOOL_VERSION);
    return 0;
}
#else
/* The version is usable in #if, and as a string literal. */
#if MLNPOOL_VERSION != MLNPOOL_VERSION_MAJOR * 10000 + MLNPOOL_VERSION_MINOR * 100 + MLNPOOL_VERSION_PATCH
#error "MLNPOOL_VERSION disagrees with its parts"
#endif
static const char version_literal[] = "mlnpool " MLNPOOL_VERSION_STRING;

/* A constant expression, as the alignment of a type would be. */
typedef char alignment_is_a_power_of_two[(MLN_ALLOC_ALIGNMENT & (MLN_ALLOC_ALIGNMENT - 1)) == 0 ? 1 : -1];

static int lock_cb(void *locker)
{
    (void)locker;
    return 0;
}

static void hook(const char *message)
{
    (void)message;
}

int use_everything(void);
int use_everything(void)
{
    struct mln_alloc_shm_attr_s attr;
    struct mln_alloc_stats_s stats;
    attr.size = MLN_ALLOC_SHM_MIN_SIZE;
    attr.locker = 0;
    attr.lock = lock_cb;
    attr.unlock = lock_cb;
    mln_alloc_set_panic_hook(hook);
#ifdef MLN_ALLOC_CAPACITY_API
    mln_alloc_t *pool = mln_alloc_init(0, 4096);
    mln_alloc_t *shm = mln_alloc_shm_init(attr.size, attr.locker, attr.lock, attr.unlock);
#else
    mln_alloc_t *pool = mln_alloc_init(0);
    mln_alloc_t *shm = mln_alloc_shm_init(&attr);
#endif
    mln_alloc_t *capped = mln_alloc_init_capacity(pool, M_ALLOC_INFINITE_SIZE);
    mln_alloc_t *shm2 = mln_alloc_shm_init_capacity(attr.size, attr.locker, attr.lock, attr.unlock);
    char region[8192];
    mln_alloc_t *fixed = mln_alloc_region_init(region, mln_alloc_region_min_size());
    void *p = mln_alloc_m(pool, 10);
    p = mln_alloc_re(pool, p, 20);
    mln_alloc_free(p);
    mln_alloc_free(mln_alloc_c(capped, 10));
    int rc = mln_alloc_stats(pool, &stats) + mln_alloc_check(pool) + mln_alloc_shm_reclaim(shm, 1) +
             mln_alloc_shm_recover(shm) + mln_alloc_shm_failed(shm);
    void *locker = mln_alloc_shm_mutex_create();
    rc += mln_alloc_shm_mutex_lock(locker) + mln_alloc_shm_mutex_unlock(locker);
    mln_alloc_shm_mutex_destroy(locker);
    rc += (int)(mln_alloc_available_capacity(pool) == M_ALLOC_INFINITE_SIZE);
    rc += (int)(mln_alloc_version()[0] == version_literal[8]) + mln_alloc_version_number();
    rc += (int)(stats.bytes_in_use + stats.peak_bytes_in_use + stats.largest_free + stats.allocations +
                stats.frees + stats.failures);
    mln_alloc_destroy(fixed);
    mln_alloc_destroy(shm2);
    mln_alloc_destroy(shm);
    mln_alloc_destroy(pool);
    return rc;
}
#endif
