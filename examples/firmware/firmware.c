/* SPDX-License-Identifier: MIT */
/*
 * firmware: a Cortex-M3 image with no libc. A pool over a static region the
 * firmware owns, a cascaded sub-pool per "job", output by semihosting.
 */
#include <stddef.h>

#include "mln_alloc.h"
#include "platform/freestanding/mps2_an385/semihost.h"

/* The firmware's own memory: a region in .bss, handed to the pool. */
static unsigned char job_memory[16 * 1024];

/* A job: build a message in a sub-pool, print it, drop the sub-pool whole. */
static int run_job(mln_alloc_t *pool, unsigned id)
{
    mln_alloc_t *job = mln_alloc_init(pool); /* cascades from the region pool */
    if (job == NULL)
        return 1;
    static const char text[] = "job N: hello from a sub-pool\n";
    char *msg = mln_alloc_m(job, sizeof text);
    if (msg == NULL)
        return 1;
    for (size_t i = 0; i < sizeof text; i++)
        msg[i] = text[i];
    msg[4] = (char)('0' + id);
    semihost_write(msg);
    mln_alloc_destroy(job); /* no per-block frees needed */
    return 0;
}

int main(void)
{
    mln_alloc_t *pool = mln_alloc_region_init(job_memory, sizeof job_memory);
    if (pool == NULL)
        return 1;
    int failed = 0;
    for (unsigned id = 1; id <= 3; id++)
        failed |= run_job(pool, id);
    semihost_write(failed ? "firmware: failed\n" : "firmware: done\n");
    mln_alloc_destroy(pool);
    return failed;
}
