/* SPDX-License-Identifier: MIT */
/*
 * shm_workers: a master creates a shared-memory pool with the ready-made
 * locker, forks 4 workers that each build a result in a sub-pool of their
 * own, and prints the results once the workers are gone.
 */
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "mln_alloc.h"

enum { WORKERS = 4 };

/* Lives in the shared pool: where each worker leaves its result. */
struct results {
    char *text[WORKERS];
};

/* Worker `id`: the squares 1..(id + 3) as a string, built in its sub-pool. */
static int work(mln_alloc_t *shm, struct results *results, int id)
{
    mln_alloc_t *mine = mln_alloc_init(shm); /* takes the pool's lock */
    if (mine == NULL)
        return 1;
    size_t cap = 16, len = 0;
    char *text = mln_alloc_m(mine, cap);
    if (text == NULL)
        return 1;
    len = (size_t)snprintf(text, cap, "worker %d:", id);
    for (int i = 1; i <= id + 3; i++) {
        char item[16];
        int n = snprintf(item, sizeof item, " %d", i * i);
        if (len + (size_t)n + 1 > cap) {
            cap *= 2;
            text = mln_alloc_re(mine, text, cap); /* grows in place when it can */
            if (text == NULL)
                return 1;
        }
        memcpy(text + len, item, (size_t)n + 1);
        len += (size_t)n;
    }
    results->text[id] = text; /* the sub-pool stays: the master reads it */
    return 0;
}

int main(void)
{
    void *locker = mln_alloc_shm_mutex_create();
    struct mln_alloc_shm_attr_s attr = {
        .size = 1 << 20,
        .locker = locker,
        .lock = mln_alloc_shm_mutex_lock,
        .unlock = mln_alloc_shm_mutex_unlock,
    };
    mln_alloc_t *shm = mln_alloc_shm_init(&attr);
    if (shm == NULL) {
        fprintf(stderr, "shared pool init failed\n");
        return 1;
    }
    /* A direct allocation: nobody else runs yet, so no lock is needed. */
    struct results *results = mln_alloc_c(shm, sizeof *results);

    pid_t pids[WORKERS];
    for (int id = 0; id < WORKERS; id++) {
        pids[id] = fork();
        if (pids[id] == 0)
            _exit(work(shm, results, id));
    }
    int failed = 0;
    for (int id = 0; id < WORKERS; id++) {
        int status;
        waitpid(pids[id], &status, 0);
        failed |= !WIFEXITED(status) || WEXITSTATUS(status) != 0;
    }
    for (int id = 0; id < WORKERS && !failed; id++)
        printf("%s\n", results->text[id]);

    /* The workers are gone: hand their sub-pools back, then drop everything. */
    for (int id = 0; id < WORKERS; id++)
        mln_alloc_shm_reclaim(shm, (unsigned long)pids[id]);
    mln_alloc_destroy(shm);
    mln_alloc_shm_mutex_destroy(locker);
    return failed;
}
