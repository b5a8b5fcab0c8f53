/* SPDX-License-Identifier: MIT */
/*
 * capacity_api_test.c: C code written against Melon's newer header, as its
 * users write it: mln_alloc_init(parent, capacity), mln_alloc_shm_init(
 * capacity, locker, lock, unlock), mln_alloc_available_capacity. Compiled
 * with -DMLN_ALLOC_CAPACITY_API and nothing else changed; each function
 * returns 0, or the number of the first check that failed, to
 * capacity_api_test.cc.
 */
#include <stddef.h>
#include <string.h>

#include "mln_alloc.h"

int melon_capacity_sequence(void);
int melon_cascade(void);
int melon_shared(void);
int melon_function_pointers(void);

/* Melon's own capacity test, step by step. */
int melon_capacity_sequence(void)
{
    static void *list[4096];
    mln_alloc_t *pool = mln_alloc_init(NULL, 64 * 1024);
    if (pool == NULL)
        return 1;
    mln_size_t before = mln_alloc_available_capacity(pool);
    if (before > 64 * 1024)
        return 2;
    void *p = mln_alloc_m(pool, 32);
    if (p == NULL)
        return 3;
    if (!(mln_alloc_available_capacity(pool) < before))
        return 4;
    int count = 0;
    while (count < 4096) {
        void *q = mln_alloc_m(pool, 256);
        if (q == NULL)
            break;
        list[count++] = q;
    }
    if (count <= 0 || count >= 4096)
        return 5;
    for (int i = 0; i < count; ++i)
        mln_alloc_free(list[i]);
    mln_alloc_free(p);
    if (mln_alloc_available_capacity(pool) != before)
        return 6;
    mln_alloc_t *inf = mln_alloc_init(NULL, 0);
    if (inf == NULL || mln_alloc_available_capacity(inf) != M_ALLOC_INFINITE_SIZE)
        return 7;
    mln_alloc_destroy(inf);
    mln_alloc_destroy(pool);
    return 0;
}

/* Pools from pools, with and without capacities. */
int melon_cascade(void)
{
    mln_alloc_t *parent = mln_alloc_init(NULL, 0);
    mln_alloc_t *child = mln_alloc_init(parent, 0);
    if (parent == NULL || child == NULL)
        return 1;
    char *p = mln_alloc_m(child, 123);
    if (p == NULL)
        return 2;
    memset(p, 0x5a, 123);
    p = mln_alloc_re(child, p, 5000);
    if (p == NULL || p[122] != 0x5a)
        return 3;
    mln_alloc_free(p);
    mln_alloc_destroy(child);
    if (mln_alloc_available_capacity(parent) != M_ALLOC_INFINITE_SIZE)
        return 4;

    mln_alloc_t *capped = mln_alloc_init(parent, 8192);
    if (capped == NULL || mln_alloc_available_capacity(capped) != 8192)
        return 5;
    int count = 0;
    while (mln_alloc_c(capped, 100) != NULL)
        count++;
    if (count == 0 || count > 8192 / 100)
        return 6;
    if (mln_alloc_available_capacity(capped) >= 128)
        return 7;
    mln_alloc_destroy(capped); /* its blocks go with it */

    mln_alloc_t *root = mln_alloc_init(NULL, 128 * 1024);
    mln_alloc_t *free_child = mln_alloc_init(root, 0);
    if (root == NULL || free_child == NULL)
        return 8;
    if (mln_alloc_available_capacity(free_child) == M_ALLOC_INFINITE_SIZE)
        return 9; /* limited by its parent */
    count = 0;
    while (mln_alloc_m(free_child, 1000) != NULL)
        count++;
    if (count == 0 || count > 128)
        return 10;
    if (mln_alloc_check(root) != 0)
        return 11;
    mln_alloc_destroy(root);
    mln_alloc_destroy(parent);
    return 0;
}

static int lock_calls;
static int my_lock(void *locker)
{
    (void)locker;
    lock_calls++;
    return 0;
}
static int my_unlock(void *locker)
{
    (void)locker;
    return 0;
}

/* A shared pool made from a capacity, and a sub-pool of it. */
int melon_shared(void)
{
    if (mln_alloc_shm_init(0, NULL, my_lock, my_unlock) != NULL)
        return 1;
    mln_alloc_t *shm = mln_alloc_shm_init(1024 * 1024, NULL, my_lock, my_unlock);
    if (shm == NULL)
        return 2;
    mln_size_t all = mln_alloc_available_capacity(shm);
    if (all == 0 || all > 1024 * 1024)
        return 3;
    void *p = mln_alloc_m(shm, 4096);
    if (p == NULL || mln_alloc_available_capacity(shm) >= all)
        return 4;
    mln_alloc_t *sub = mln_alloc_init(shm, 0);
    if (sub == NULL || lock_calls == 0)
        return 5;
    void *q = mln_alloc_m(sub, 1000);
    if (q == NULL)
        return 6;
    mln_alloc_free(q);
    mln_alloc_destroy(sub);
    mln_alloc_free(p);
    if (mln_alloc_available_capacity(shm) != all)
        return 7;
    mln_alloc_destroy(shm);
    return 0;
}

/* The constructors' addresses have Melon's newer types. */
int melon_function_pointers(void)
{
    mln_alloc_t *(*init)(mln_alloc_t *, mln_size_t) = mln_alloc_init;
    mln_alloc_t *(*shm_init)(mln_size_t, void *, mln_alloc_shm_lock_cb_t, mln_alloc_shm_lock_cb_t) =
        mln_alloc_shm_init;
    mln_size_t (*available)(mln_alloc_t *) = mln_alloc_available_capacity;
    mln_alloc_t *pool = init(NULL, 64 * 1024);
    if (pool == NULL || available(pool) != 64 * 1024)
        return 1;
    mln_alloc_t *child = init(pool, 0);
    if (child == NULL)
        return 2;
    mln_alloc_destroy(pool);
    mln_alloc_t *shm = shm_init(64 * 1024, NULL, my_lock, my_unlock);
    if (shm == NULL || available(shm) == 0)
        return 3;
    mln_alloc_destroy(shm);
    return 0;
}
