/* SPDX-License-Identifier: MIT */
/*
 * os_spans.c: spans for root pools, from mmap, with a process-wide cache.
 *
 * Creating and destroying pools in a loop (a pool per request, a burst of
 * allocations dropped at once) would otherwise map and unmap memory every
 * time, and every fresh mapping costs a page fault per page touched. So
 * emptied spans are kept, in buckets by size (bucket k holds spans of
 * [2^k, 2^(k+1)) bytes, as a stack threaded through the spans themselves),
 * and handed out again: O(1) under one mutex, since root pools in different
 * threads share the cache.
 *
 * Within reason: the CACHE_HOT_BYTES given back most recently stay as they
 * are; a span that falls out of them (the oldest hot one, when a newer one
 * comes in) is marked MADV_FREE once it has been in the cache for
 * COOL_AFTER_NS, so the kernel may take its pages back while a reuse before
 * then costs no fault; beyond CACHE_MAX_BYTES, spans are unmapped. The
 * delay is for bursts larger than the hot bytes, dropped and built again at
 * once: marking their spans and writing them again cost five times the
 * allocations themselves (bench/peers, burst of 1M blocks: 97 ns per block
 * against 16 with the delay). Recency, not arrival, decides what stays
 * hot: spans a finished workload left behind must not keep the next one's
 * spans cold (they did: a pool that freed and refilled 50 MB after a
 * larger workload faulted its pages back in on every refill, 20 times
 * slower; bench/peers, size_shift).
 *
 * Around fork the lock is taken and released (pthread_atfork), so that a
 * child forked while another thread was inside the cache does not inherit a
 * held lock.
 */
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "alloc/platform.h"
#include "platform/posix/span_cache.h"

#define CACHE_HOT_BYTES ((size_t)128 << 20)
#define CACHE_MAX_BYTES ((size_t)1 << 30)
#define COOL_AFTER_NS 1000000000ull /* one second */
enum { BUCKETS = sizeof(size_t) * 8 };

/* Written into a cached span's first page (the page MADV_FREE spares), at
 * its end: past the bytes the core's seam keeps untouched (platform.h), and
 * past the headers that follow them (a child pool's handle, the first
 * blocks), which go on telling stale pointers that their pool was
 * destroyed while the span waits here. */
struct cached_span {
    struct cached_span *next;          /* down its bucket's stack */
    struct cached_span *newer, *older; /* the hot list, while hot */
    size_t size;
    uint64_t since_ns; /* when it came in */
    bool cold;         /* marked MADV_FREE */
};

static struct {
    pthread_mutex_t lock;
    size_t bytes, hot_bytes;
    size_t cold_taken; /* spans handed out after being marked: for tests */
    struct cached_span *bucket[BUCKETS];
    struct cached_span *newest, *oldest; /* the hot spans, by when they came */
} cache = {.lock = PTHREAD_MUTEX_INITIALIZER};

/* Where a record sits in its span: the end of the first page (the page is
 * at least 4 KiB, far past MLN_PLATFORM_SPAN_UNTOUCHED). */
#define RECORD_OFFSET ((size_t)4096 - ((sizeof(struct cached_span) + 63) & ~(size_t)63))
_Static_assert(RECORD_OFFSET >= MLN_PLATFORM_SPAN_UNTOUCHED, "the record leaves the core's bytes alone");

/* The record of the span at `mem`, and the span of a record. */
static struct cached_span *record_of(void *mem)
{
    return (struct cached_span *)(void *)((char *)mem + RECORD_OFFSET);
}

static void *span_of(struct cached_span *record)
{
    return (char *)record - RECORD_OFFSET;
}

static void cache_lock(void) { pthread_mutex_lock(&cache.lock); }
static void cache_unlock(void) { pthread_mutex_unlock(&cache.lock); }
static void register_fork_handlers(void) { pthread_atfork(cache_lock, cache_unlock, cache_unlock); }
static pthread_once_t fork_handlers_once = PTHREAD_ONCE_INIT;

static size_t page_size(void)
{
    long size = sysconf(_SC_PAGESIZE);
    return size > 0 ? (size_t)size : 4096;
}

static unsigned floor_log2(size_t x)
{
    return (unsigned)(sizeof(unsigned long long) * 8 - 1) - (unsigned)__builtin_clzll(x);
}

static uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void hot_unlink(struct cached_span *span)
{
    *(span->newer != NULL ? &span->newer->older : &cache.newest) = span->older;
    *(span->older != NULL ? &span->older->newer : &cache.oldest) = span->newer;
    cache.hot_bytes -= span->size;
}

/*
 * A cached span of at least *size bytes: from the bucket holding *size, if
 * its top span is large enough, else from the next bucket up, whose spans
 * all are (and are less than four times the request: bucket k holds the
 * sizes in [2^k, 2^(k+1))). The top of a bucket is the span that came last.
 */
static void *cache_take(size_t *size)
{
    unsigned k = floor_log2(*size);
    cache_lock();
    struct cached_span *span = cache.bucket[k];
    if (span == NULL || span->size < *size) {
        k++;
        span = k < BUCKETS ? cache.bucket[k] : NULL;
    }
    if (span != NULL) {
        cache.bucket[k] = span->next;
        if (!span->cold)
            hot_unlink(span);
        else
            cache.cold_taken++;
        cache.bytes -= span->size;
        *size = span->size;
    }
    cache_unlock();
    return span != NULL ? span_of(span) : NULL;
}

/*
 * Keep a span if the cache has room; returns whether it was kept. The spans
 * that fall out of the hot bytes, once in the cache for COOL_AFTER_NS (a
 * later span's coming in notices it), are marked under the lock, while no one
 * can take them: MADV_FREE may drop any page not written after it, so a
 * write that came first would be lost. O(1) amortised: a span is marked at
 * most once per stay.
 */
static int cache_put(void *mem, size_t size)
{
    cache_lock();
    int kept = cache.bytes + size <= CACHE_MAX_BYTES;
    if (kept) {
        struct cached_span *span = record_of(mem);
        unsigned k = floor_log2(size);
        uint64_t now = now_ns();
        *span = (struct cached_span){.next = cache.bucket[k], .older = cache.newest, .size = size, .since_ns = now};
        cache.bucket[k] = span;
        *(cache.newest != NULL ? &cache.newest->newer : &cache.oldest) = span;
        cache.newest = span;
        cache.bytes += size;
        cache.hot_bytes += size;
        size_t page = page_size();
        while (cache.hot_bytes > CACHE_HOT_BYTES && now - cache.oldest->since_ns >= COOL_AFTER_NS) {
            struct cached_span *cooled = cache.oldest;
            hot_unlink(cooled);
            cooled->cold = true;
            if (cooled->size > page)
                madvise((char *)span_of(cooled) + page, cooled->size - page, MADV_FREE);
        }
    }
    cache_unlock();
    return kept;
}

size_t mln_posix_span_cache_cold_taken(void)
{
    cache_lock();
    size_t taken = cache.cold_taken;
    cache_unlock();
    return taken;
}

/* Root and shared pools get memory from the OS here: no static region. */
void *mln_platform_static_region(size_t *size)
{
    (void)size;
    return NULL;
}

void *mln_platform_span_acquire(size_t *size)
{
    pthread_once(&fork_handlers_once, register_fork_handlers);
    size_t page = page_size();
    if (*size > SIZE_MAX - page)
        return NULL;
    size_t bytes = (*size + page - 1) & ~(page - 1);
    void *mem = cache_take(&bytes);
    if (mem == NULL) {
        mem = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (mem == MAP_FAILED)
            return NULL;
    }
    *size = bytes;
    return mem;
}

void mln_platform_span_release(void *mem, size_t size)
{
    if (!cache_put(mem, size))
        munmap(mem, size);
}
