/*
 * shm_mutex.h: internals of the ready-made locker (mln_alloc_shm_mutex_*).
 */
#ifndef MLN_PLATFORM_POSIX_SHM_MUTEX_H
#define MLN_PLATFORM_POSIX_SHM_MUTEX_H

#include "alloc/mln_alloc.h"

/* Tell the locker which pool to repair when it finds its last owner dead. */
void mln_shm_mutex_attach(void *locker, mln_alloc_t *pool);

#endif
