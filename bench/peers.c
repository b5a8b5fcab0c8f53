/* SPDX-License-Identifier: MIT */
/*
 * peers: mlnpool against the allocators a user would pick instead (glibc
 * malloc, mimalloc heaps, talloc, APR pools), same process, same workloads,
 * rounds interleaved (each round runs every allocator once, starting with a
 * different one each time), and a fresh non-repeating random stream drawn
 * inside the timed loop (bench/peers.h), identical for every allocator.
 *
 *   ./tools/bench_peers.sh                         the whole table (installs the peers)
 *   bazel-bin/bench/peers [--workload W[,W...]] [--peer P] [--ops N] [--rounds R]
 *
 * Prints, per workload, each allocator's median ns/op and the ratio glibc
 * time / its time (above 1: faster than glibc), then the table in markdown.
 * --rounds 1 --ops N runs one measurement and nothing else (for
 * tools/bench_counts.sh, which counts instructions and cache misses).
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench/harness.h"
#include "bench/peers.h"

#define SEED 0x9E3779B97F4A7C15ull
#define MAX_PEERS 8
#define MAX_ROUNDS 15

/* Every block of `slots` and the heap go: at once where the allocator can. */
static void release(const struct peer *p, void *heap, void **slots, size_t count)
{
    if (!p->drops_blocks)
        for (size_t i = 0; i < count; i++)
            p->free(heap, slots[i]);
    p->heap_drop(heap);
}

/* `live` blocks of lo..lo+span-1 bytes; `ops` pairs of a free at a random
 * slot and an allocation of a random size there. */
static uint64_t mixed(const struct peer *p, uint64_t ops, uint32_t live, uint32_t lo, uint32_t span,
                      uint64_t seed)
{
    void **slots = malloc(live * sizeof *slots);
    void *heap = p->heap_new();
    uint64_t s = seed;
    for (uint32_t i = 0; i < live; i++)
        slots[i] = p->alloc(heap, lo + stream_below((uint32_t)stream_next(&s), span));
    uint64_t start = bench_now_ns();
    for (uint64_t i = 0; i < ops; i++) {
        uint64_t r = stream_next(&s);
        uint32_t slot = stream_below((uint32_t)r, live);
        p->free(heap, slots[slot]);
        char *block = p->alloc(heap, lo + stream_below((uint32_t)(r >> 32), span));
        *block = (char)i; /* touch it, as a program would */
        slots[slot] = block;
    }
    uint64_t elapsed = bench_now_ns() - start;
    release(p, heap, slots, live);
    free(slots);
    return elapsed;
}

static uint64_t mixed_small(const struct peer *p, uint64_t ops) { return mixed(p, ops, 1000, 8, 505, SEED); }
static uint64_t mixed_wide(const struct peer *p, uint64_t ops) { return mixed(p, ops, 100000, 16, 4081, SEED); }
static uint64_t large_live(const struct peer *p, uint64_t ops) { return mixed(p, ops, 1000000, 16, 241, SEED); }

/* `ops` blocks of 16..255 bytes into a fresh heap, then the heap goes. */
static uint64_t burst(const struct peer *p, uint64_t ops)
{
    void **slots = malloc(ops * sizeof *slots);
    uint64_t s = SEED;
    uint64_t start = bench_now_ns();
    void *heap = p->heap_new();
    for (uint64_t i = 0; i < ops; i++) {
        char *block = p->alloc(heap, 16 + stream_below((uint32_t)stream_next(&s), 240));
        *block = (char)i;
        slots[i] = block;
    }
    release(p, heap, slots, ops);
    uint64_t elapsed = bench_now_ns() - start;
    free(slots);
    return elapsed;
}

/*
 * A server's requests: per request a child of a long-lived heap, 50 blocks
 * (7 in 8 of 16..255 bytes, 1 in 8 of 512..2047), 10 of them freed early
 * (where the allocator can free a block), then the child goes.
 */
enum { PER_REQUEST = 50 };

static uint64_t request(const struct peer *p, uint64_t ops)
{
    void *root = p->heap_new();
    uint64_t s = SEED;
    uint64_t start = bench_now_ns();
    for (uint64_t r = 0; r < ops; r++) {
        void *held[PER_REQUEST];
        size_t count = 0;
        void *child = p->child_new(root);
        for (int i = 0; i < PER_REQUEST; i++) {
            uint64_t x = stream_next(&s);
            size_t n = (x & 7) != 0 ? 16 + stream_below((uint32_t)(x >> 32), 240)
                                    : 512 + stream_below((uint32_t)(x >> 32), 1536);
            char *block = p->alloc(child, n);
            *block = (char)i;
            held[count++] = block;
            if (i % 5 == 4 && p->free != NULL) { /* one in five goes early */
                p->free(child, held[count - 2]);
                held[count - 2] = held[count - 1];
                count--;
            }
        }
        release(p, child, held, count);
    }
    uint64_t elapsed = bench_now_ns() - start;
    p->heap_drop(root);
    return elapsed;
}

/* Chains of a block grown by doubling from 16 bytes to 64 KiB, then freed;
 * 64 other blocks stay live around them. One op is one chain. */
static uint64_t realloc_chain(const struct peer *p, uint64_t ops)
{
    void *heap = p->heap_new();
    void *others[64];
    uint64_t s = SEED;
    for (int i = 0; i < 64; i++)
        others[i] = p->alloc(heap, 16 + stream_below((uint32_t)stream_next(&s), 1000));
    uint64_t start = bench_now_ns();
    for (uint64_t i = 0; i < ops; i++) {
        size_t n = 16 + stream_below((uint32_t)stream_next(&s), 16);
        char *block = p->alloc(heap, n);
        *block = (char)i;
        while (n < 64 * 1024) {
            n *= 2;
            block = p->realloc(heap, block, n);
            block[n - 1] = (char)n;
        }
        p->free(heap, block);
    }
    uint64_t elapsed = bench_now_ns() - start;
    release(p, heap, others, 64);
    return elapsed;
}

/* Phases of 100k blocks of one size (16..1039 bytes, new each phase): all
 * allocated, then all freed. One op is one allocation or one free. */
static uint64_t size_shift(const struct peer *p, uint64_t ops)
{
    enum { PHASE = 100000 };
    void **slots = malloc(PHASE * sizeof *slots);
    void *heap = p->heap_new();
    uint64_t s = SEED;
    uint64_t start = bench_now_ns();
    for (uint64_t done = 0; done < ops; done += 2 * PHASE) {
        size_t n = 16 + stream_below((uint32_t)stream_next(&s), 1024);
        for (int i = 0; i < PHASE; i++) {
            char *block = p->alloc(heap, n);
            *block = (char)i;
            slots[i] = block;
        }
        for (int i = 0; i < PHASE; i++)
            p->free(heap, slots[i]);
    }
    uint64_t elapsed = bench_now_ns() - start;
    p->heap_drop(heap);
    free(slots);
    return elapsed;
}

/*
 * Fill and drain: `count` blocks of `size` bytes taken, each touched, then
 * all freed, in the order taken or in reverse; again, in the same heap,
 * until `ops` pairs are done. What a parser or a chain does with the nodes
 * it frees one by one (one op is one allocation and one free).
 */
static uint64_t fill_drain(const struct peer *p, uint64_t ops, uint32_t count, size_t size, bool reverse)
{
    void **slots = malloc(count * sizeof *slots);
    void *heap = p->heap_new();
    uint64_t start = bench_now_ns();
    for (uint64_t done = 0; done < ops; done += count) {
        for (uint32_t i = 0; i < count; i++) {
            char *block = p->alloc(heap, size);
            *block = (char)i;
            slots[i] = block;
        }
        for (uint32_t i = 0; i < count; i++)
            p->free(heap, slots[reverse ? count - 1 - i : i]);
    }
    uint64_t elapsed = bench_now_ns() - start;
    p->heap_drop(heap);
    free(slots);
    return elapsed;
}

static uint64_t fill_drain_64(const struct peer *p, uint64_t ops) { return fill_drain(p, ops, 1024, 64, false); }
static uint64_t fill_drain_64_reverse(const struct peer *p, uint64_t ops)
{
    return fill_drain(p, ops, 1024, 64, true);
}
static uint64_t fill_drain_64_16k(const struct peer *p, uint64_t ops) { return fill_drain(p, ops, 16384, 64, false); }
static uint64_t fill_drain_64_100k(const struct peer *p, uint64_t ops)
{
    return fill_drain(p, ops, 100000, 64, false);
}
static uint64_t fill_drain_16(const struct peer *p, uint64_t ops) { return fill_drain(p, ops, 1024, 16, false); }
static uint64_t fill_drain_1k(const struct peer *p, uint64_t ops) { return fill_drain(p, ops, 1024, 1024, false); }

/* Two threads, each with a root heap of its own, each running mixed_small
 * on half the operations; wall-clock time of both. */
struct thread_job {
    const struct peer *peer;
    uint64_t ops, seed;
};

static void *thread_main(void *arg)
{
    struct thread_job *job = arg;
    mixed(job->peer, job->ops, 1000, 8, 505, job->seed);
    return NULL;
}

static uint64_t two_threads(const struct peer *p, uint64_t ops)
{
    pthread_t threads[2];
    struct thread_job jobs[2] = {{p, ops / 2, SEED}, {p, ops / 2, SEED ^ 0x5555}};
    uint64_t start = bench_now_ns();
    for (int i = 0; i < 2; i++)
        pthread_create(&threads[i], NULL, thread_main, &jobs[i]);
    for (int i = 0; i < 2; i++)
        pthread_join(threads[i], NULL);
    return bench_now_ns() - start;
}

static const struct workload {
    const char *name, *what;
    uint64_t (*run)(const struct peer *p, uint64_t ops);
    uint64_t ops;
    bool needs_free, needs_realloc, needs_children;
} workloads[] = {
    {"mixed_small", "mixed 8-512 B, 1k live (ns per free+alloc)", mixed_small, 5000000, true, false},
    {"mixed_wide", "mixed 16 B-4 KiB, 100k live (ns per free+alloc)", mixed_wide, 2000000, true, false},
    {"large_live", "mixed 16-256 B, 1M live (ns per free+alloc)", large_live, 2000000, true, false},
    {"burst", "burst: 1M blocks of 16-255 B, then drop (ns per block)", burst, 1000000, false, false},
    {"request", "request: child, 50 blocks, 10 freed early, drop (ns per request)", request, 100000, false,
     false, true},
    {"realloc", "realloc chain 16 B -> 64 KiB (ns per chain)", realloc_chain, 50000, true, true},
    {"size_shift", "size shift: 100k of one size, all freed, next size (ns per op)", size_shift, 2000000,
     true, false},
    {"threads", "2 threads, a root heap each, mixed 8-512 B (ns per pair, wall)", two_threads, 5000000,
     true, false},
    {"fill_drain_64", "fill/drain 1,024 x 64 B, freed in order (ns per pair)", fill_drain_64, 4096000, true,
     false},
    {"fill_drain_64_reverse", "fill/drain 1,024 x 64 B, freed in reverse (ns per pair)", fill_drain_64_reverse,
     4096000, true, false},
    {"fill_drain_64_16k", "fill/drain 16,384 x 64 B (ns per pair)", fill_drain_64_16k, 4096000, true, false},
    {"fill_drain_64_100k", "fill/drain 100,000 x 64 B (ns per pair)", fill_drain_64_100k, 4000000, true, false},
    {"fill_drain_16", "fill/drain 1,024 x 16 B (ns per pair)", fill_drain_16, 4096000, true, false},
    {"fill_drain_1k", "fill/drain 1,024 x 1 KiB (ns per pair)", fill_drain_1k, 2048000, true, false},
};
enum { WORKLOADS = sizeof workloads / sizeof workloads[0] };

static bool peer_can(const struct peer *p, const struct workload *w)
{
    return (!w->needs_free || p->free != NULL) && (!w->needs_realloc || p->realloc != NULL) &&
           (!w->needs_children || p->child_new != NULL);
}

/* Whether `name` is one of the comma-separated names of `list` (NULL: all). */
static bool selected(const char *list, const char *name)
{
    if (list == NULL)
        return true;
    size_t length = strlen(name);
    for (const char *at = list; at != NULL; at = strchr(at, ',')) {
        if (*at == ',')
            at++;
        if (strncmp(at, name, length) == 0 && (at[length] == ',' || at[length] == '\0'))
            return true;
    }
    return false;
}

int main(int argc, char **argv)
{
    const char *only_workload = NULL, *only_peer = NULL;
    uint64_t ops = 0;
    int rounds = 3;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (strcmp(argv[i], "--workload") == 0)
            only_workload = argv[i + 1];
        else if (strcmp(argv[i], "--peer") == 0)
            only_peer = argv[i + 1];
        else if (strcmp(argv[i], "--ops") == 0)
            ops = strtoull(argv[i + 1], NULL, 10);
        else if (strcmp(argv[i], "--rounds") == 0)
            rounds = atoi(argv[i + 1]);
    }
    if (rounds < 1 || rounds > MAX_ROUNDS) {
        fprintf(stderr, "peers: --rounds 1..%d\n", MAX_ROUNDS);
        return 2;
    }
    bool quiet = rounds == 1;
    struct peer all[MAX_PEERS], peers[MAX_PEERS];
    int loaded = peers_load(all), count = 0;
    for (int i = 0; i < loaded; i++)
        if (only_peer == NULL || strcmp(all[i].name, only_peer) == 0)
            peers[count++] = all[i];
    static double medians[WORKLOADS][MAX_PEERS];
    for (int w = 0; w < WORKLOADS; w++) {
        const struct workload *work = &workloads[w];
        if (!selected(only_workload, work->name))
            continue;
        uint64_t n = ops != 0 ? ops : work->ops;
        double ns[MAX_PEERS][MAX_ROUNDS];
        for (int r = 0; r < rounds; r++)
            for (int k = 0; k < count; k++) {
                int i = (k + r) % count; /* each round starts with another allocator */
                ns[i][r] = peer_can(&peers[i], work) ? (double)work->run(&peers[i], n) / (double)n : 0;
            }
        if (quiet)
            continue;
        printf("%s: %s, %d rounds of %llu\n", work->name, work->what, rounds, (unsigned long long)n);
        double glibc = 0;
        for (int i = 0; i < count; i++) {
            medians[w][i] = bench_median(ns[i], rounds);
            if (strcmp(peers[i].name, "glibc") == 0)
                glibc = medians[w][i];
        }
        for (int i = 0; i < count; i++) {
            if (medians[w][i] == 0) {
                printf("  %-10s          -\n", peers[i].name);
                continue;
            }
            printf("  %-10s %10.1f ns", peers[i].name, medians[w][i]);
            if (glibc > 0)
                printf("   %5.2fx glibc", glibc / medians[w][i]);
            printf("\n");
        }
    }
    if (quiet)
        return 0;
    printf("\n| glibc time / x (median of %d) |", rounds);
    for (int i = 0; i < count; i++)
        printf(" %s |", peers[i].name);
    printf("\n| --- |");
    for (int i = 0; i < count; i++)
        printf(" --- |");
    printf("\n");
    int glibc_at = -1;
    for (int i = 0; i < count; i++)
        if (strcmp(peers[i].name, "glibc") == 0)
            glibc_at = i;
    for (int w = 0; w < WORKLOADS; w++) {
        if (!selected(only_workload, workloads[w].name))
            continue;
        printf("| %s |", workloads[w].what);
        for (int i = 0; i < count; i++) {
            if (medians[w][i] == 0 || glibc_at < 0)
                printf(" - |");
            else
                printf(" %.2fx |", medians[w][glibc_at] / medians[w][i]);
        }
        printf("\n");
    }
    return 0;
}
