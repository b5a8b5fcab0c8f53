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
 * Within reason: the first CACHE_HOT_BYTES stay as they are; beyond that, a
 * cached span is marked MADV_FREE, so the kernel may take its pages back
 * under memory pressure while a reuse before then costs no fault; beyond
 * CACHE_MAX_BYTES, spans are unmapped.
 *
 * Around fork the lock is taken and released (pthread_atfork), so that a
 * child forked while another thread was inside the cache does not inherit a
 * held lock.
 */
#include <pthread.h>
#include <stdint.h>
#include <sys/mman.h>
#include <unistd.h>

#include "alloc/platform.h"

#define CACHE_HOT_BYTES ((size_t)128 << 20)
#define CACHE_MAX_BYTES ((size_t)1 << 30)
enum { BUCKETS = sizeof(size_t) * 8 };

/* Written into the first bytes of a cached span. */
struct cached_span {
    struct cached_span *next;
    size_t size;
};

static struct {
    pthread_mutex_t lock;
    size_t bytes;
    struct cached_span *bucket[BUCKETS];
} cache = {.lock = PTHREAD_MUTEX_INITIALIZER};

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

/*
 * A cached span of at least *size bytes: from the bucket holding *size, if
 * its top span is large enough, else from the next bucket up, whose spans
 * all are (and are less than four times the request: bucket k holds the
 * sizes in [2^k, 2^(k+1))).
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
        __atomic_store_n(&cache.bytes, cache.bytes - span->size, __ATOMIC_RELAXED);
        *size = span->size;
    }
    cache_unlock();
    return span;
}

/* Keep a span if the cache has room; returns whether it was kept. */
static int cache_put(void *mem, size_t size)
{
    /* Cold spans are marked before they enter the cache, while no one else
     * can write to them: MADV_FREE may drop any page not written after it.
     * The first page, which holds the cache's header, is left alone. The
     * unlocked read of the total only steers this heuristic. */
    size_t total = __atomic_load_n(&cache.bytes, __ATOMIC_RELAXED);
    if (total + size > CACHE_MAX_BYTES)
        return 0;
    if (total + size > CACHE_HOT_BYTES && size > page_size())
        madvise((char *)mem + page_size(), size - page_size(), MADV_FREE);
    cache_lock();
    int kept = cache.bytes + size <= CACHE_MAX_BYTES;
    if (kept) {
        struct cached_span *span = mem;
        unsigned k = floor_log2(size);
        span->size = size;
        span->next = cache.bucket[k];
        cache.bucket[k] = span;
        __atomic_store_n(&cache.bytes, cache.bytes + size, __ATOMIC_RELAXED);
    }
    cache_unlock();
    return kept;
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
