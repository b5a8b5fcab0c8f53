/* SPDX-License-Identifier: MIT */
/*
 * figures_probe: the sizes and settings the README quotes, as this build
 * has them, one "name value" a line, for readme_figures_test.py. Reads the
 * core's internal headers (the figures are internal constants) and a live
 * root and child pool (their growth policies).
 */
#include <stdio.h>

#include "alloc/engine.h"
#include "alloc/front_cache.h"
#include "alloc/pool.h"
#include "mln_alloc.h"

static void put(const char *name, size_t value)
{
    printf("%s %zu\n", name, value);
}

static void put_policy(const char *who, const mln_alloc_t *pool)
{
    char name[64];
    const struct mln_pool_policy *p = pool->policy;
    const struct { const char *what; size_t value; } fields[] = {
        {"home", p->home_bytes},
        {"first_grow", p->first_grow_bytes},
        {"max_grow", p->max_grow_bytes},
        {"large_block", p->large_block_bytes},
    };
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
        snprintf(name, sizeof name, "%s_%s", who, fields[i].what);
        put(name, fields[i].value);
    }
}

int main(void)
{
    put("pointer_bytes", sizeof(void *));
    put("block_header", MLN_BLOCK_HEADER);
    put("block_min", MLN_BLOCK_MIN);
    put("alignment", MLN_ALLOC_ALIGNMENT);
    put("pool_struct", MLN_POOL_STRUCT_BYTES);
    /* A root pool's whole control structure: the struct, the front cache
     * and bin heads for every level. */
    put("pool_control", mln_pool_control_bytes(MLN_FL_COUNT));
    put("region_min", mln_alloc_region_min_size());
    put("shm_min", MLN_ALLOC_SHM_MIN_SIZE);
    put("fl_count", MLN_FL_COUNT);
    put("sl_count", MLN_SL_COUNT);
    put("small_limit", MLN_SMALL_LIMIT);
    put("quick_depth", MLN_FRONT_CACHE_DEPTH);
    put("quick_max_log2", MLN_FRONT_CACHE_MAX_LOG2);
    put("quick_classes", MLN_FRONT_CACHE_CLASSES);
    printf("version %s\n", MLNPOOL_VERSION_STRING);
    put("version_major", MLNPOOL_VERSION_MAJOR);

    mln_alloc_t *root = mln_alloc_init(NULL);
    mln_alloc_t *child = root != NULL ? mln_alloc_init(root) : NULL;
    if (child == NULL) {
        fprintf(stderr, "figures_probe: no pool\n");
        return 1;
    }
    put_policy("root", root);
    put_policy("child", child);
    mln_alloc_destroy(root);
    return 0;
}
