/*
 * shm.c: shared-memory pools on POSIX.
 *
 * Not implemented yet: mln_alloc_shm_init returns NULL for every attribute
 * set, as its comment in mln_alloc.h states.
 */
#include "alloc/mln_alloc.h"

mln_alloc_t *mln_alloc_shm_init(struct mln_alloc_shm_attr_s *attr)
{
    (void)attr;
    return NULL;
}
