/*
 * os_spans.c: spans for root pools, from mmap, with a small process-wide cache.
 *
 * Creating and destroying pools in a loop (a pool per request, say) would
 * otherwise map and unmap memory every time, and every fresh mapping costs
 * page faults. Emptied spans up to CACHE_SPAN_MAX bytes are therefore kept,
 * CACHE_SLOTS at most and CACHE_BYTES_MAX in all, and handed out again.
 * Root pools in different threads share the cache, so a mutex guards it; the
 * lookup scans a fixed number of slots, so it is O(1). Around fork the lock
 * is taken and released (pthread_atfork), so that a child forked while
 * another thread was inside the cache does not inherit a held lock.
 */
#include <pthread.h>
#include <stdint.h>
#include <sys/mman.h>
#include <unistd.h>

#include "alloc/platform.h"

enum { CACHE_SLOTS = 16 };
#define CACHE_SPAN_MAX ((size_t)4 << 20)
#define CACHE_BYTES_MAX ((size_t)32 << 20)

struct cached_span {
    void *mem;
    size_t size; /* 0: the slot is empty */
};

static struct {
    pthread_mutex_t lock;
    size_t bytes;
    struct cached_span slots[CACHE_SLOTS];
} cache = {.lock = PTHREAD_MUTEX_INITIALIZER};

static size_t page_size(void)
{
    long size = sysconf(_SC_PAGESIZE);
    return size > 0 ? (size_t)size : 4096;
}

static void cache_lock(void) { pthread_mutex_lock(&cache.lock); }
static void cache_unlock(void) { pthread_mutex_unlock(&cache.lock); }
static void register_fork_handlers(void) { pthread_atfork(cache_lock, cache_unlock, cache_unlock); }
static pthread_once_t fork_handlers_once = PTHREAD_ONCE_INIT;

/* Take the smallest cached span of at least `size` bytes but at most twice that. */
static void *cache_take(size_t *size)
{
    void *mem = NULL;
    pthread_mutex_lock(&cache.lock);
    struct cached_span *best = NULL;
    for (int i = 0; i < CACHE_SLOTS; i++) {
        struct cached_span *slot = &cache.slots[i];
        if (slot->size >= *size && slot->size / 2 <= *size &&
            (best == NULL || slot->size < best->size))
            best = slot;
    }
    if (best != NULL) {
        mem = best->mem;
        *size = best->size;
        cache.bytes -= best->size;
        best->size = 0;
    }
    pthread_mutex_unlock(&cache.lock);
    return mem;
}

/* Keep a span in the cache if it fits; returns whether it was kept. */
static int cache_put(void *mem, size_t size)
{
    if (size > CACHE_SPAN_MAX)
        return 0;
    int kept = 0;
    pthread_mutex_lock(&cache.lock);
    if (cache.bytes + size <= CACHE_BYTES_MAX) {
        for (int i = 0; i < CACHE_SLOTS; i++) {
            if (cache.slots[i].size == 0) {
                cache.slots[i].mem = mem;
                cache.slots[i].size = size;
                cache.bytes += size;
                kept = 1;
                break;
            }
        }
    }
    pthread_mutex_unlock(&cache.lock);
    return kept;
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
