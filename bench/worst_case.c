/* SPDX-License-Identifier: MIT */
/*
 * worst_case: instructions per engine operation, counted, not timed.
 *
 * A child process drives adversarial sequences through the engine (over a
 * fixed buffer, so that no OS call is involved) and through the public API.
 * Around every measured call it executes a breakpoint; the parent, tracing
 * it with ptrace, single-steps from one breakpoint to the next and counts
 * the instructions retired in between (the call itself and its return).
 * This needs no hardware counter, so it works on any x86-64 Linux machine,
 * virtual ones included.
 *
 * Sequences: every size class from 16 B to 1 MiB; a heap fragmented into
 * thousands of free blocks of random sizes (every other block freed), then
 * allocations of random sizes and frees that merge on both sides; frees
 * ordered to build coalescing chains; in-place grow and shrink. Then the
 * public calls: mln_alloc_m, mln_alloc_c (its zeroing, a memset of the
 * size asked, not counted), mln_alloc_re shrinking and growing in place,
 * mln_alloc_free, and a child pool's mln_alloc_init and mln_alloc_destroy.
 * Reported per kind: count, p50, p99, max. A call that takes a span from
 * the OS or gives one back (a pool growing or shrinking) is reported
 * apart: what it costs is mostly the platform's.
 *
 * One table per run, for the profile (alloc/profile.h) the program was
 * built in, named in its first line:
 *   ./tools/bazel run -c opt //bench:worst_case                  services
 *   ./tools/bazel run -c opt --config=firmware //bench:worst_case
 *   ./tools/bazel run -c opt //bench:worst_case_profiles          both, side by side
 * With --tsv, the rows as tab-separated fields (bench/worst_case_profiles.sh).
 */
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <unistd.h>

#include "alloc/bytes.h"
#include "alloc/engine.h"
#include "alloc/profile.h"
#include "bench/harness.h"
#include "mln_alloc.h"
#include "tests/pool_probe.h"

enum kind {
    ALLOC, FREE, GROW, SHRINK,
    API_ALLOC, API_CALLOC, API_REGROW, API_RESHRINK, API_FREE, CHILD_INIT, CHILD_DESTROY,
    API_ALLOC_SPAN, API_FREE_SPAN, CHILD_INIT_SPAN, CHILD_DESTROY_SPAN,
    KINDS,
    APART,  /* the last call took or gave back a span: file it under apart_kind[] */
    DISCARD, /* the last call is not what its row counts (a resize that moved): drop it */
};
static const char *const kind_name[KINDS] = {
    [ALLOC] = "engine alloc",
    [FREE] = "engine free",
    [GROW] = "engine grow in place",
    [SHRINK] = "engine shrink in place",
    [API_ALLOC] = "mln_alloc_m",
    [API_CALLOC] = "mln_alloc_c without zeroing",
    [API_REGROW] = "mln_alloc_re grow in place",
    [API_RESHRINK] = "mln_alloc_re shrink in place",
    [API_FREE] = "mln_alloc_free",
    [CHILD_INIT] = "child mln_alloc_init",
    [CHILD_DESTROY] = "child mln_alloc_destroy",
    [API_ALLOC_SPAN] = "mln_alloc_m taking a span",
    [API_FREE_SPAN] = "mln_alloc_free giving one back",
    [CHILD_INIT_SPAN] = "child init, parent grows",
    [CHILD_DESTROY_SPAN] = "child destroy, spans back",
};
/* Where a call that took or gave back a span goes (-1: dropped). */
static const int apart_kind[KINDS] = {
    [ALLOC] = -1, [FREE] = -1, [GROW] = -1, [SHRINK] = -1,
    [API_ALLOC] = API_ALLOC_SPAN, [API_CALLOC] = -1, [API_REGROW] = -1, [API_RESHRINK] = -1,
    [API_FREE] = API_FREE_SPAN, [CHILD_INIT] = CHILD_INIT_SPAN, [CHILD_DESTROY] = CHILD_DESTROY_SPAN,
    [API_ALLOC_SPAN] = -1, [API_FREE_SPAN] = -1, [CHILD_INIT_SPAN] = -1, [CHILD_DESTROY_SPAN] = -1,
};

static volatile long measured_kind;
static bool measuring; /* set-up phases run unmeasured: single-stepping is slow */

#define BREAKPOINT() __asm__ volatile("int3" ::: "memory")
#define MEASURE(kind, statement) \
    do {                         \
        if (!measuring) {        \
            statement;           \
            break;               \
        }                        \
        measured_kind = (kind);  \
        BREAKPOINT();            \
        statement;               \
        BREAKPOINT();            \
    } while (0)

/* ---- the traced child: adversarial sequences ---- */

static _Alignas(64) unsigned char arena[32 << 20];
static mln_block_t *held[1 << 16];

static int owner_tag;

static mln_block_t *engine_alloc(mln_engine_t *e, size_t bytes, enum kind kind)
{
    mln_block_t *b;
    size_t block_bytes = mln_engine_block_size(bytes);
    MEASURE(kind, b = mln_engine_alloc(e, block_bytes, &owner_tag));
    return b;
}

static void engine_free(mln_engine_t *e, mln_block_t *b)
{
    mln_span_t *emptied;
    MEASURE(FREE, emptied = mln_engine_free(e, b));
    if (emptied != NULL)
        mln_engine_keep_span(e, emptied);
}

static void drive_engine(void)
{
    static mln_engine_t engine;
    static mln_bin_row_t bins[MLN_FL_COUNT];
    mln_engine_t *e = &engine;
    mln_engine_init(e, bins, MLN_FL_COUNT);
    mln_engine_add_span(e, arena, sizeof arena, 0);
    uint64_t rng = 42;

    measuring = true;
    /* Every size class, 16 B to 1 MiB, fresh and after a free. */
    for (size_t n = 16; n <= ((size_t)1 << 20); n += n / 16) {
        mln_block_t *b = engine_alloc(e, n, ALLOC);
        engine_free(e, b);
        engine_alloc(e, n, ALLOC);
    }

    /* Fragment: thousands of blocks of random sizes, every other one freed
     * (free lists in many bins), then random allocations and frees. */
    size_t count = 0;
    measuring = false;
    for (; count < 20000; count++) {
        held[count] = engine_alloc(e, 16 + bench_rand(&rng) % 3000, ALLOC);
        if (held[count] == NULL)
            break;
    }
    for (size_t i = 0; i < count; i += 2) {
        engine_free(e, held[i]);
        held[i] = NULL;
    }
    measuring = true;
    for (int round = 0; round < 3000; round++) {
        size_t i = bench_rand(&rng) % count;
        if (held[i] != NULL) {
            engine_free(e, held[i]); /* often merges on both sides */
            held[i] = NULL;
        } else {
            held[i] = engine_alloc(e, 16 + bench_rand(&rng) % 6000, ALLOC);
        }
    }

    /* Coalescing chains: free the odd blocks of a run, then the even ones,
     * each of which merges with both neighbours. */
    mln_block_t *run[512];
    for (int i = 0; i < 512; i++)
        run[i] = engine_alloc(e, 48 + (size_t)i % 7 * 32, ALLOC);
    for (int i = 1; i < 512; i += 2)
        engine_free(e, run[i]);
    for (int i = 0; i < 512; i += 2)
        engine_free(e, run[i]);

    /* In-place resizing: grow into a free successor, shrink giving a tail back. */
    for (int i = 0; i < 300; i++) {
        mln_block_t *a = engine_alloc(e, 64 + bench_rand(&rng) % 512, ALLOC);
        mln_block_t *b = engine_alloc(e, 2000, ALLOC);
        mln_block_t *c = engine_alloc(e, 64, ALLOC);
        if (a == NULL || b == NULL || c == NULL)
            break;
        engine_free(e, b);
        bool done;
        MEASURE(GROW, done = mln_engine_resize(e, a, mln_engine_block_size(1500)));
        MEASURE(SHRINK, done = mln_engine_resize(e, a, mln_engine_block_size(100)));
        (void)done;
        engine_free(e, a);
        engine_free(e, c);
    }
}

/* File the last measured call apart if `pool`'s span count moved from `before`. */
static void apart_if_spans_moved(const mln_alloc_t *pool, size_t before)
{
    if (probe_span_count(pool) != before)
        MEASURE(APART, (void)0);
}

static void drive_api(void)
{
    mln_alloc_t *pool = mln_alloc_init(NULL);
    uint64_t rng = 7;
    static void *blocks[20000];
    for (int i = 0; i < 6000; i++) {
        size_t n = 16 + bench_rand(&rng) % 2000;
        /* A pool below its next span's worth of free space may take a span:
         * measured apart, by whether the span count grows; the same for a
         * free that gives one back. */
        void *p;
        size_t before = probe_span_count(pool);
        if (i % 2 == 0)
            MEASURE(API_ALLOC, p = mln_alloc_m(pool, n));
        else
            MEASURE(API_CALLOC, p = mln_alloc_c(pool, n)); /* the zeroing: not counted */
        apart_if_spans_moved(pool, before);
        blocks[i] = p;
        if (i % 3 == 0) {
            size_t j = bench_rand(&rng) % (size_t)(i + 1);
            if (blocks[j] != NULL) {
                before = probe_span_count(pool);
                MEASURE(API_FREE, mln_alloc_free(blocks[j]));
                apart_if_spans_moved(pool, before);
                blocks[j] = NULL;
            }
        }
    }

    /* In-place resizing through the API, among the blocks above: a block
     * before a used one, shrunk (its tail given back, a free block of the
     * engine's, not the front cache's) and grown again into that tail. */
    for (int i = 0; i < 300; i++) {
        size_t n = 1000 + bench_rand(&rng) % 3000;
        void *a = mln_alloc_m(pool, n);
        void *pin = mln_alloc_m(pool, 64);
        if (a == NULL || pin == NULL)
            break;
        void *moved;
        MEASURE(API_RESHRINK, moved = mln_alloc_re(pool, a, 16 + bench_rand(&rng) % 200));
        if (moved != a)
            MEASURE(DISCARD, (void)0);
        a = moved;
        MEASURE(API_REGROW, moved = mln_alloc_re(pool, a, 300 + bench_rand(&rng) % (n - 300)));
        if (moved != a)
            MEASURE(DISCARD, (void)0);
        mln_alloc_free(moved);
        mln_alloc_free(pin);
    }
    for (int i = 0; i < 6000; i++)
        mln_alloc_free(blocks[i]);

    /* Children of one parent, created and destroyed in random order, each
     * with a few blocks in its home; a child that grew past its home is
     * destroyed unmeasured. A parent that takes a span for a child's home,
     * or gives one back when it is destroyed: apart. */
    static mln_alloc_t *children[64];
    for (int round = 0; round < 3000; round++) {
        size_t i = bench_rand(&rng) % 64;
        size_t before = probe_span_count(pool);
        if (children[i] == NULL) {
            MEASURE(CHILD_INIT, children[i] = mln_alloc_init(pool));
            apart_if_spans_moved(pool, before);
            for (int k = 0; k < 2 && children[i] != NULL; k++)
                mln_alloc_m(children[i], 16 + bench_rand(&rng) % 48);
        } else if (probe_span_count(children[i]) == 1) {
            MEASURE(CHILD_DESTROY, mln_alloc_destroy(children[i]));
            apart_if_spans_moved(pool, before);
            children[i] = NULL;
        } else {
            mln_alloc_destroy(children[i]);
            children[i] = NULL;
        }
    }
    mln_alloc_destroy(pool);
}

/* ---- the tracing parent ---- */

#define MAX_SAMPLES 200000
static uint32_t samples[KINDS][MAX_SAMPLES];
static size_t sample_count[KINDS];

static int compare_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

static long peek_kind(pid_t child)
{
    return ptrace(PTRACE_PEEKDATA, child, (void *)&measured_kind, NULL);
}

/* Calls whose zeroing was found and left out of the count (API_CALLOC). */
static size_t zeroings_skipped;

/*
 * Single-step from one breakpoint to the next; returns instructions between.
 * With skip_zeroing, the instructions from mln_bytes_zero's entry to its
 * return (mln_alloc_c's memset, whatever its size) are not counted: the
 * call instruction is, the rest of the zeroing and its return are not.
 */
static uint32_t count_to_next_breakpoint(pid_t child, bool skip_zeroing)
{
    uint32_t steps = 0;
    unsigned long long resume_at = 0; /* inside the zeroing until the pc is back here */
    for (;;) {
        int status;
        ptrace(PTRACE_SINGLESTEP, child, NULL, NULL);
        waitpid(child, &status, 0);
        if (!WIFSTOPPED(status)) {
            fprintf(stderr, "worst_case: the child ended while being counted\n");
            exit(1);
        }
        siginfo_t info;
        ptrace(PTRACE_GETSIGINFO, child, NULL, &info);
        if (info.si_code == SI_KERNEL) /* the closing int3 */
            return steps;
        if (skip_zeroing) {
            struct user_regs_struct regs;
            ptrace(PTRACE_GETREGS, child, NULL, &regs);
            if (resume_at != 0) {
                if (regs.rip == resume_at)
                    resume_at = 0;
                continue;
            }
            if (regs.rip == (unsigned long long)(uintptr_t)&mln_bytes_zero) {
                resume_at = (unsigned long long)ptrace(PTRACE_PEEKDATA, child, (void *)regs.rsp, NULL);
                zeroings_skipped++;
            }
        }
        steps++;
    }
}

static const char *profile_name(void)
{
    return MLN_PROFILE_SERVICES ? "services" : "firmware";
}

int main(int argc, char **argv)
{
    bool tsv = argc > 1 && strcmp(argv[1], "--tsv") == 0;
    if (argc > 1 && !tsv) {
        fprintf(stderr, "usage: worst_case [--tsv]\n");
        return 2;
    }
    pid_t child = fork();
    if (child == 0) {
        ptrace(PTRACE_TRACEME, 0, NULL, NULL);
        raise(SIGSTOP);
        drive_engine();
        drive_api();
        _exit(0);
    }
    int status;
    waitpid(child, &status, 0);
    long last_kind = -1; /* the kind whose sample was stored last, if any */
    for (;;) {
        ptrace(PTRACE_CONT, child, NULL, NULL);
        waitpid(child, &status, 0);
        if (WIFEXITED(status) || WIFSIGNALED(status))
            break;
        long kind = peek_kind(child);
        uint32_t steps = count_to_next_breakpoint(child, kind == API_CALLOC);
        if (kind == APART || kind == DISCARD) {
            if (last_kind < 0)
                continue;
            uint32_t last = samples[last_kind][--sample_count[last_kind]];
            int to = kind == APART ? apart_kind[last_kind] : -1;
            if (to >= 0 && sample_count[to] < MAX_SAMPLES)
                samples[to][sample_count[to]++] = last;
            last_kind = -1;
            continue;
        }
        last_kind = -1;
        if (kind >= 0 && kind < KINDS && sample_count[kind] < MAX_SAMPLES) {
            samples[kind][sample_count[kind]++] = steps;
            last_kind = kind;
        }
    }
    if (zeroings_skipped < sample_count[API_CALLOC]) {
        fprintf(stderr, "worst_case: mln_alloc_c's zeroing not found in %zu of its %zu calls\n",
                sample_count[API_CALLOC] - zeroings_skipped, sample_count[API_CALLOC]);
        return 1;
    }
#ifdef __OPTIMIZE__
    const char *build = "optimised";
#else
    const char *build = "NOT optimised: run with -c opt";
#endif
    if (tsv)
        printf("profile\t%s\t%s\n", profile_name(), build);
    else
        printf("worst_case: instructions per call, %s profile (x86-64, %s), counted by single-stepping\n"
               "  %-32s %8s %6s %6s %6s\n",
               profile_name(), build, "operation", "calls", "p50", "p99", "max");
    for (int k = 0; k < KINDS; k++) {
        size_t n = sample_count[k];
        if (n == 0)
            continue;
        qsort(samples[k], n, sizeof samples[k][0], compare_u32);
        printf(tsv ? "%s\t%zu\t%u\t%u\t%u\n" : "  %-32s %8zu %6u %6u %6u\n", kind_name[k], n,
               samples[k][n / 2], samples[k][n * 99 / 100], samples[k][n - 1]);
    }
    return 0;
}
