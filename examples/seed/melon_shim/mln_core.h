/* SPDX-License-Identifier: MIT */
/*
 * mln_core.h (shim): just enough of Melon's framework header for the seed
 * example to compile unchanged against mlnpool. Not part of the library.
 */
#ifndef MLN_SHIM_CORE_H
#define MLN_SHIM_CORE_H

#include <string.h> /* Melon's header brings memcpy along */

struct mln_core_attr {
    int argc;
    char **argv;
    void *global_init;
    void *main_thread;
    void *master_process;
    void *worker_process;
};

/* Melon starts its framework here; the pool needs none of it. */
static inline int mln_core_init(struct mln_core_attr *attr)
{
    (void)attr;
    return 0;
}

#endif
