/* SPDX-License-Identifier: MIT */
/*
 * shm_mutex.c: the ready-made locker for shared pools: a process-shared,
 * robust pthread mutex in a shared mapping of its own.
 *
 * Robust means a process that dies holding it does not leave the others
 * blocked: the next locker gets EOWNERDEAD instead, marks the mutex
 * consistent and goes on. The pool needs no word from the locker: a process
 * that died inside an operation left the pool's journal dirty, and the
 * pool's next call under the lock repairs it first (undo the torn step,
 * rebuild, finish, verify; see alloc/kind_shared_state.h).
 *
 * A user of the public API only: it knows nothing of the pool's insides.
 */
#include <errno.h>
#include <pthread.h>
#include <sys/mman.h>

#include "alloc/mln_alloc.h"

struct shm_mutex {
    pthread_mutex_t mutex;
};

void *mln_alloc_shm_mutex_create(void)
{
    struct shm_mutex *m = mmap(NULL, sizeof *m, PROT_READ | PROT_WRITE,
                               MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (m == MAP_FAILED)
        return NULL;
    pthread_mutexattr_t attr;
    int failed = pthread_mutexattr_init(&attr) != 0;
    failed = failed || pthread_mutexattr_setpshared(&attr, PTHREAD_PROCESS_SHARED) != 0;
    failed = failed || pthread_mutexattr_setrobust(&attr, PTHREAD_MUTEX_ROBUST) != 0;
    failed = failed || pthread_mutex_init(&m->mutex, &attr) != 0;
    pthread_mutexattr_destroy(&attr);
    if (failed) {
        munmap(m, sizeof *m);
        return NULL;
    }
    return m;
}

int mln_alloc_shm_mutex_lock(void *locker)
{
    struct shm_mutex *m = locker;
    if (m == NULL)
        return -1;
    int rc = pthread_mutex_lock(&m->mutex);
    if (rc == 0)
        return 0;
    if (rc != EOWNERDEAD)
        return -1; /* ENOTRECOVERABLE and the like: the operation fails */
    /* The owner died holding it: the pool repairs itself at its next call. */
    if (pthread_mutex_consistent(&m->mutex) == 0)
        return 0;
    pthread_mutex_unlock(&m->mutex);
    return -1;
}

int mln_alloc_shm_mutex_unlock(void *locker)
{
    struct shm_mutex *m = locker;
    return m != NULL && pthread_mutex_unlock(&m->mutex) == 0 ? 0 : -1;
}

void mln_alloc_shm_mutex_destroy(void *locker)
{
    struct shm_mutex *m = locker;
    if (m == NULL)
        return;
    pthread_mutex_destroy(&m->mutex);
    munmap(m, sizeof *m);
}
