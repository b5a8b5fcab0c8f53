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
 * ordered to build coalescing chains; in-place grow and shrink.
 * Reported per kind: count, p50, p99, max. Span acquisition (a pool taking
 * memory from the OS) is reported apart, through the public API.
 *
 *   ./tools/bazel run -c opt //bench:worst_case
 */
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ptrace.h>
#include <sys/wait.h>
#include <unistd.h>

#include "alloc/engine.h"
#include "bench/harness.h"
#include "mln_alloc.h"
#include "tests/pool_probe.h"

enum kind { ALLOC, FREE, GROW, SHRINK, API_ALLOC, API_ALLOC_SPAN, API_FREE, KINDS,
            RETAG /* the last API_ALLOC took a span: file it under API_ALLOC_SPAN */ };
static const char *const kind_name[KINDS] = {
    "engine alloc", "engine free", "engine grow in place", "engine shrink in place",
    "mln_alloc_m (no new span)", "mln_alloc_m taking a span", "mln_alloc_free",
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

static void drive_api(void)
{
    mln_alloc_t *pool = mln_alloc_init(NULL);
    uint64_t rng = 7;
    static void *blocks[20000];
    for (int i = 0; i < 6000; i++) {
        size_t n = 16 + bench_rand(&rng) % 2000;
        /* A pool below its next span's worth of free space may take a span:
         * measured apart, by whether the span count grows. */
        void *p;
        size_t before = probe_span_count(pool);
        MEASURE(API_ALLOC, p = mln_alloc_m(pool, n));
        if (probe_span_count(pool) != before)
            MEASURE(RETAG, (void)0);
        blocks[i] = p;
        if (i % 3 == 0) {
            size_t j = bench_rand(&rng) % (size_t)(i + 1);
            if (blocks[j] != NULL) {
                MEASURE(API_FREE, mln_alloc_free(blocks[j]));
                blocks[j] = NULL;
            }
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

/* Single-step from one breakpoint to the next; returns instructions between. */
static uint32_t count_to_next_breakpoint(pid_t child)
{
    uint32_t steps = 0;
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
        steps++;
    }
}

int main(void)
{
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
    for (;;) {
        ptrace(PTRACE_CONT, child, NULL, NULL);
        waitpid(child, &status, 0);
        if (WIFEXITED(status) || WIFSIGNALED(status))
            break;
        long kind = peek_kind(child);
        uint32_t steps = count_to_next_breakpoint(child);
        if (kind == RETAG && sample_count[API_ALLOC] > 0) {
            uint32_t last = samples[API_ALLOC][--sample_count[API_ALLOC]];
            samples[API_ALLOC_SPAN][sample_count[API_ALLOC_SPAN]++] = last;
            continue;
        }
        if (kind >= 0 && kind < KINDS && sample_count[kind] < MAX_SAMPLES)
            samples[kind][sample_count[kind]++] = steps;
    }
    printf("worst_case: instructions per call (x86-64, -c opt), counted by single-stepping\n");
    printf("  %-28s %8s %6s %6s %6s\n", "operation", "calls", "p50", "p99", "max");
    for (int k = 0; k < KINDS; k++) {
        size_t n = sample_count[k];
        if (n == 0)
            continue;
        qsort(samples[k], n, sizeof samples[k][0], compare_u32);
        printf("  %-28s %8zu %6u %6u %6u\n", kind_name[k], n, samples[k][n / 2],
               samples[k][n * 99 / 100], samples[k][n - 1]);
    }
    return 0;
}
