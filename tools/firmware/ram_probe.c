/* SPDX-License-Identifier: MIT */
/*
 * ram_probe.c: the RAM figures of tools/firmware_figures.sh, for 32-bit
 * ARM. The firmware distribution's mlnpool.c is included whole, so that the
 * core's own sizes (alloc/pool.h, alloc/block.h) are at hand; the script
 * compiles this with arm-linux-gnueabihf-gcc -static, with no define
 * (firmware) or -DMLN_ALLOC_PROFILE=2 (services), and runs it under
 * qemu-arm. It prints one figure a line, "name value", in bytes (1/0 for
 * yes/no).
 */
#include "mlnpool.c"

#include <stdio.h>

/* Regions for the pools the probe creates (the pool aligns inside them). */
static unsigned char region_64k[65536];
static unsigned char region_small[8192];

/* Control bytes of a pool whose blocks come from `bytes` bytes, as the
 * core sizes a pool over a region of that size (alloc/pool.h). */
static size_t control_bytes_over(size_t bytes)
{
    return mln_pool_control_bytes(mln_engine_levels_for(bytes - 1));
}

/* Whether a child of a region pool over `size` bytes can be created (with
 * `capacity`, 0 for none) and allocate 16 and then 100 bytes. */
static int child_works(size_t size, size_t capacity)
{
    mln_alloc_t *region = mln_alloc_region_init(region_small, size);
    if (region == NULL)
        return 0;
    mln_alloc_t *child = capacity == 0 ? mln_alloc_init(region) : mln_alloc_init_capacity(region, capacity);
    int works = child != NULL && mln_alloc_m(child, 16) != NULL && mln_alloc_m(child, 100) != NULL;
    mln_alloc_destroy(region); /* the child with it */
    return works;
}

/* The smallest region (in steps of the alignment) in which child_works. */
static size_t smallest_region_for_child(size_t capacity)
{
    for (size_t size = mln_alloc_region_min_size(); size <= sizeof region_small; size += MLN_ALIGN)
        if (child_works(size, capacity))
            return size;
    return 0;
}

int main(void)
{
    printf("pointer_bytes %u\n", (unsigned)sizeof(void *));
    printf("pool_struct %u\n", (unsigned)MLN_POOL_STRUCT_BYTES);
    printf("control_64k %u\n", (unsigned)control_bytes_over(65536));
    printf("bin_heads_64k %u\n", (unsigned)MLN_ALIGN_UP(mln_engine_bins_bytes(mln_engine_levels_for(65535))));
    printf("control_2k %u\n", (unsigned)control_bytes_over(2048));
    printf("bin_heads_2k %u\n", (unsigned)MLN_ALIGN_UP(mln_engine_bins_bytes(mln_engine_levels_for(2047))));
    /* A child takes as many levels of bins as its parent: measured on a
     * real region pool of 64 KiB and one of 2 KiB. */
    mln_alloc_t *region = mln_alloc_region_init(region_64k, sizeof region_64k);
    printf("child_control_64k %u\n", region ? (unsigned)mln_pool_control_bytes(mln_pool_levels(region)) : 0u);
    if (region != NULL)
        mln_alloc_destroy(region);
    region = mln_alloc_region_init(region_small, 2048);
    printf("child_control_2k %u\n", region ? (unsigned)mln_pool_control_bytes(mln_pool_levels(region)) : 0u);
    if (region != NULL)
        mln_alloc_destroy(region);
    printf("region_min %u\n", (unsigned)mln_alloc_region_min_size());
    printf("child_in_2k %d\n", child_works(2048, 0));
    printf("child_in_2k_capacity_512 %d\n", child_works(2048, 512));
    printf("child_region_min %u\n", (unsigned)smallest_region_for_child(0));
    printf("child_region_min_capacity_512 %u\n", (unsigned)smallest_region_for_child(512));
    printf("block_header %u\n", (unsigned)MLN_BLOCK_HEADER);
    printf("alignment %u\n", (unsigned)MLN_ALLOC_ALIGNMENT);
    printf("smallest_block %u\n", (unsigned)MLN_BLOCK_MIN);
    return 0;
}
