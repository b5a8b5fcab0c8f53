/* SPDX-License-Identifier: MIT */
/*
 * peers_adapters.c: each allocator of bench/peers behind struct peer.
 *
 *   mlnpool          pools: mln_alloc_init(parent), _m, _free, _re, _destroy
 *   mlnpool-shared   a shared pool used directly, its robust mutex around
 *                    every call (no children: skipped where a workload needs them)
 *   glibc            malloc, free, realloc (no heaps: blocks are freed one by one)
 *   mimalloc heaps   mi_heap_new, mi_heap_malloc, mi_free, mi_heap_realloc,
 *                    mi_heap_destroy; loaded with dlopen(RTLD_LOCAL), since
 *                    linking libmimalloc.so would replace malloc for the whole
 *                    process (and the glibc column would measure mimalloc)
 *   talloc           talloc_new, talloc_size, talloc_free, talloc_realloc_size
 *   APR pools        apr_pool_create, apr_palloc, apr_pool_destroy (no free,
 *                    no realloc: skipped where a workload needs them)
 */
#include <apr_general.h>
#include <apr_pools.h>
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <talloc.h>

#include "bench/peers.h"
#include "mln_alloc.h"

/* ---- mlnpool ---- */

static void *pool_new(void) { return mln_alloc_init(NULL); }
static void *pool_child(void *parent) { return mln_alloc_init(parent); }
static void pool_drop(void *heap) { mln_alloc_destroy(heap); }
static void *pool_alloc(void *heap, size_t n) { return mln_alloc_m(heap, n); }
static void pool_free(void *heap, void *p) { (void)heap; mln_alloc_free(p); }
static void *pool_realloc(void *heap, void *p, size_t n) { return mln_alloc_re(heap, p, n); }

/* ---- mlnpool's shared pools, used directly: the ready-made robust mutex
 * taken around every call, as processes sharing one pool would ---- */

struct shared_heap {
    mln_alloc_t *pool;
    void *locker;
};

static void *shared_new(void)
{
    struct shared_heap *h = malloc(sizeof *h);
    h->locker = mln_alloc_shm_mutex_create();
    struct mln_alloc_shm_attr_s attr = {(mln_size_t)512 << 20, h->locker, mln_alloc_shm_mutex_lock,
                                        mln_alloc_shm_mutex_unlock};
    h->pool = mln_alloc_shm_init(&attr);
    return h;
}

static void shared_drop(void *heap)
{
    struct shared_heap *h = heap;
    mln_alloc_destroy(h->pool);
    mln_alloc_shm_mutex_destroy(h->locker);
    free(h);
}

static void *shared_alloc(void *heap, size_t n)
{
    struct shared_heap *h = heap;
    mln_alloc_shm_mutex_lock(h->locker);
    void *p = mln_alloc_m(h->pool, n);
    mln_alloc_shm_mutex_unlock(h->locker);
    return p;
}

static void shared_free(void *heap, void *p)
{
    struct shared_heap *h = heap;
    mln_alloc_shm_mutex_lock(h->locker);
    mln_alloc_free(p);
    mln_alloc_shm_mutex_unlock(h->locker);
}

static void *shared_realloc(void *heap, void *p, size_t n)
{
    struct shared_heap *h = heap;
    mln_alloc_shm_mutex_lock(h->locker);
    void *q = mln_alloc_re(h->pool, p, n);
    mln_alloc_shm_mutex_unlock(h->locker);
    return q;
}

/* ---- glibc ---- */

static char glibc_heap; /* a stand-in: glibc has one heap */
static void *glibc_new(void) { return &glibc_heap; }
static void *glibc_child(void *parent) { return parent; }
static void glibc_drop(void *heap) { (void)heap; }
static void *glibc_alloc(void *heap, size_t n) { (void)heap; return malloc(n); }
static void glibc_free(void *heap, void *p) { (void)heap; free(p); }
static void *glibc_realloc(void *heap, void *p, size_t n) { (void)heap; return realloc(p, n); }

/* ---- mimalloc heaps, through dlsym ---- */

static struct {
    void *(*heap_new)(void);
    void *(*heap_malloc)(void *heap, size_t n);
    void (*free)(void *p);
    void *(*heap_realloc)(void *heap, void *p, size_t n);
    void (*heap_destroy)(void *heap);
} mi;

static void *mi_new(void) { return mi.heap_new(); }
static void *mi_child(void *parent) { (void)parent; return mi.heap_new(); }
static void mi_drop(void *heap) { mi.heap_destroy(heap); }
static void *mi_alloc(void *heap, size_t n) { return mi.heap_malloc(heap, n); }
static void mi_free_block(void *heap, void *p) { (void)heap; mi.free(p); }
static void *mi_realloc(void *heap, void *p, size_t n) { return mi.heap_realloc(heap, p, n); }

static bool load_mimalloc(void)
{
    void *lib = dlopen("libmimalloc.so.2", RTLD_NOW | RTLD_LOCAL);
    if (lib == NULL)
        return false;
    *(void **)&mi.heap_new = dlsym(lib, "mi_heap_new");
    *(void **)&mi.heap_malloc = dlsym(lib, "mi_heap_malloc");
    *(void **)&mi.free = dlsym(lib, "mi_free");
    *(void **)&mi.heap_realloc = dlsym(lib, "mi_heap_realloc");
    *(void **)&mi.heap_destroy = dlsym(lib, "mi_heap_destroy");
    return mi.heap_new && mi.heap_malloc && mi.free && mi.heap_realloc && mi.heap_destroy;
}

/* ---- talloc ---- */

static void *talloc_root(void) { return talloc_new(NULL); }
static void *talloc_child(void *parent) { return talloc_new(parent); }
static void talloc_drop(void *heap) { talloc_free(heap); }
static void *talloc_alloc(void *heap, size_t n) { return talloc_size(heap, n); }
static void talloc_free_block(void *heap, void *p) { (void)heap; talloc_free(p); }
static void *talloc_resize(void *heap, void *p, size_t n) { return talloc_realloc_size(heap, p, n); }

/* ---- APR pools ---- */

static void *apr_new(void)
{
    apr_pool_t *pool = NULL;
    return apr_pool_create(&pool, NULL) == APR_SUCCESS ? pool : NULL;
}

static void *apr_child(void *parent)
{
    apr_pool_t *pool = NULL;
    return apr_pool_create(&pool, parent) == APR_SUCCESS ? pool : NULL;
}

static void apr_drop(void *heap) { apr_pool_destroy(heap); }
static void *apr_alloc(void *heap, size_t n) { return apr_palloc(heap, n); }

int peers_load(struct peer *out)
{
    int n = 0;
    out[n++] = (struct peer){"mlnpool", pool_new, pool_child, pool_drop, true,
                             pool_alloc, pool_free, pool_realloc};
    out[n++] = (struct peer){"glibc", glibc_new, glibc_child, glibc_drop, false,
                             glibc_alloc, glibc_free, glibc_realloc};
    if (load_mimalloc())
        out[n++] = (struct peer){"mimalloc", mi_new, mi_child, mi_drop, true,
                                 mi_alloc, mi_free_block, mi_realloc};
    else
        printf("(mimalloc heaps: libmimalloc.so.2 not found; install libmimalloc2.0)\n");
    out[n++] = (struct peer){"talloc", talloc_root, talloc_child, talloc_drop, true,
                             talloc_alloc, talloc_free_block, talloc_resize};
    out[n++] = (struct peer){"mlnpool-shared", shared_new, NULL, shared_drop, true,
                             shared_alloc, shared_free, shared_realloc};
    if (apr_initialize() == APR_SUCCESS)
        out[n++] = (struct peer){"APR", apr_new, apr_child, apr_drop, true, apr_alloc, NULL, NULL};
    else
        printf("(APR pools: apr_initialize failed)\n");
    return n;
}
