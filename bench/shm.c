/* SPDX-License-Identifier: MIT */
/*
 * shm: allocation in a shared-memory pool from 1, 2 and 4 processes at once,
 * beside glibc malloc in as many processes (each with its own heap).
 *
 *   direct   : lock, mln_alloc_m on the shared pool, unlock; later the same
 *              around mln_alloc_free (every op takes the process-shared lock)
 *   sub-pool : each process works in its own sub-pool; the lock is only taken
 *              when the sub-pool needs or returns a span
 *   glibc    : malloc/free in each process
 *
 * One op = one free plus one allocation of 16-512 bytes in a live set of 256
 * blocks per process. Reported: ns per op per process (wall time of the run
 * divided by each process's op count), median of the rounds.
 *
 *   ./tools/bazel run -c opt //bench:shm
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench/harness.h"
#include "mln_alloc.h"

enum { LIVE = 256, ROUNDS = 5 };
#define OPS 2000000ull

enum mode { DIRECT, SUBPOOL, GLIBC };

static mln_alloc_t *shm;
static void *locker;

static void *take(enum mode mode, mln_alloc_t *sub, size_t n)
{
    void *p;
    switch (mode) {
    case DIRECT:
        mln_alloc_shm_mutex_lock(locker);
        p = mln_alloc_m(shm, n);
        mln_alloc_shm_mutex_unlock(locker);
        return p;
    case SUBPOOL:
        return mln_alloc_m(sub, n);
    default:
        return malloc(n);
    }
}

static void give(enum mode mode, void *p)
{
    switch (mode) {
    case DIRECT:
        mln_alloc_shm_mutex_lock(locker);
        mln_alloc_free(p);
        mln_alloc_shm_mutex_unlock(locker);
        return;
    case SUBPOOL:
        mln_alloc_free(p);
        return;
    default:
        free(p);
    }
}

static int one_process(enum mode mode, uint64_t seed)
{
    void *slots[LIVE];
    mln_alloc_t *sub = mode == SUBPOOL ? mln_alloc_init(shm) : NULL;
    uint64_t rng = seed;
    for (int i = 0; i < LIVE; i++)
        slots[i] = take(mode, sub, 16 + bench_rand(&rng) % 497);
    for (uint64_t i = 0; i < OPS; i++) {
        uint64_t r = bench_rand(&rng);
        size_t slot = (size_t)(r % LIVE);
        give(mode, slots[slot]);
        slots[slot] = take(mode, sub, 16 + (size_t)((r >> 32) % 497));
        if (slots[slot] == NULL)
            return 1;
        *(char *)slots[slot] = 1;
    }
    for (int i = 0; i < LIVE; i++)
        give(mode, slots[i]);
    if (sub != NULL) {
        mln_alloc_destroy(sub);
    }
    return 0;
}

/* Wall ns per op per process for `procs` processes running `mode` at once. */
static double run(enum mode mode, int procs)
{
    pid_t pids[8];
    uint64_t start = bench_now_ns();
    for (int p = 0; p < procs; p++) {
        pids[p] = fork();
        if (pids[p] == 0)
            _exit(one_process(mode, 0x9E3779B97F4A7C15ull + (uint64_t)p));
    }
    for (int p = 0; p < procs; p++) {
        int status;
        waitpid(pids[p], &status, 0);
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
            fprintf(stderr, "shm bench: a worker failed\n");
            exit(1);
        }
    }
    return (double)(bench_now_ns() - start) / (double)OPS;
}

static int compare_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int main(void)
{
    locker = mln_alloc_shm_mutex_create();
    struct mln_alloc_shm_attr_s attr = {64u << 20, locker, mln_alloc_shm_mutex_lock,
                                        mln_alloc_shm_mutex_unlock};
    shm = mln_alloc_shm_init(&attr);
    if (shm == NULL)
        return 1;
    printf("shm: %llu ops per process per round, median of %d rounds, ns/op per process\n",
           (unsigned long long)OPS, ROUNDS);
    printf("  procs    direct  sub-pool     glibc   glibc/direct  glibc/sub-pool\n");
    for (int procs = 1; procs <= 4; procs *= 2) {
        double ns[3][ROUNDS];
        for (int r = 0; r < ROUNDS; r++)
            for (int m = DIRECT; m <= GLIBC; m++)
                ns[m][r] = run((enum mode)m, procs);
        double med[3];
        for (int m = DIRECT; m <= GLIBC; m++) {
            qsort(ns[m], ROUNDS, sizeof(double), compare_double);
            med[m] = ns[m][ROUNDS / 2];
        }
        printf("  %5d  %8.2f  %8.2f  %8.2f  %12.2fx  %14.2fx\n", procs, med[DIRECT], med[SUBPOOL],
               med[GLIBC], med[GLIBC] / med[DIRECT], med[GLIBC] / med[SUBPOOL]);
    }
    mln_alloc_destroy(shm);
    mln_alloc_shm_mutex_destroy(locker);
    return 0;
}
