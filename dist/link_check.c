/* SPDX-License-Identifier: MIT */
/*
 * link_check.c: a program built outside Bazel against an installed mlnpool
 * (dist/install_test.sh): a pool, a child, every allocation call, the
 * checker, and a shared-memory pool with the ready-made locker.
 */
#include <stdio.h>
#include <string.h>

#include <mln_alloc.h>

int main(void)
{
    mln_alloc_t *pool = mln_alloc_init(NULL);
    mln_alloc_t *child = pool == NULL ? NULL : mln_alloc_init(pool);
    if (child == NULL)
        return 1;
    char *s = mln_alloc_m(child, 6);
    char *z = mln_alloc_c(pool, 64);
    if (s == NULL || z == NULL || z[63] != 0)
        return 2;
    memcpy(s, "hello", 6);
    s = mln_alloc_re(child, s, 4096);
    if (s == NULL || strcmp(s, "hello") != 0 || mln_alloc_check(pool) != 0)
        return 3;
    mln_alloc_free(z);
    mln_alloc_destroy(pool); /* and child with it */

    struct mln_alloc_shm_attr_s attr = {1 << 16, mln_alloc_shm_mutex_create(),
                                        mln_alloc_shm_mutex_lock, mln_alloc_shm_mutex_unlock};
    mln_alloc_t *shm = attr.locker == NULL ? NULL : mln_alloc_shm_init(&attr);
    mln_alloc_t *sub = shm == NULL ? NULL : mln_alloc_init(shm);
    if (sub == NULL || mln_alloc_m(sub, 100) == NULL)
        return 4;
    mln_alloc_destroy(sub);
    mln_alloc_destroy(shm);
    mln_alloc_shm_mutex_destroy(attr.locker);
    printf("%s\n", "linked");
    return 0;
}
