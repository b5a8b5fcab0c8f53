/* SPDX-License-Identifier: MIT */
/*
 * mln_alloc.h: memory pools with the API of Melon's memory pool.
 *
 * Code written against Melon's "Memory Pool" page compiles and works
 * unchanged against this header. Every pool kind runs on one engine, a
 * two-level segregated fit (TLSF class) allocator with bitmaps and immediate
 * coalescing, so that:
 *
 *   - mln_alloc_m, mln_alloc_c (apart from the zeroing), mln_alloc_free and a
 *     resize that fits in place cost O(1) in the worst case, independent of
 *     how many blocks a pool holds. Only taking a new span of memory from the
 *     parent pool or the OS, or handing one back, leaves that bound; in the
 *     services profile (below), so does the one flush of a pool's front
 *     cache before it grows (at most 20 blocks per size class).
 *   - Every block carries a header of 2 * sizeof(void *) bytes rounded up to
 *     the alignment (16 bytes on LP64, 8 on ILP32), and every pointer
 *     returned is aligned to MLN_ALLOC_ALIGNMENT (alignof(max_align_t), at
 *     least 2 * sizeof(void *)).
 *   - In the services profile, blocks up to 4 KiB (header included) come in
 *     size classes: one per alignment unit up to 16 units, then 16 per power
 *     of two, so a block is at most 1/16 larger than asked, and a heap pool
 *     keeps a few freed blocks of each class for the next request of that
 *     class. In the firmware profile a block is exactly the request, header
 *     included, rounded up to the alignment.
 *   - A block knows its pool: mln_alloc_free needs only the pointer.
 *
 * Threads: a pool, together with its descendants, is used by one thread at a
 * time; the caller serialises access to it. Distinct root pools
 * (mln_alloc_init(NULL)) are independent and may be used from different
 * threads at once: what they share internally (the cache of OS spans) is
 * thread-safe.
 *
 * Shared-memory pools (mln_alloc_shm_init) serve a process and the children
 * it forks, on the same engine, and survive a process killed while holding
 * their lock: see mln_alloc_shm_init. Region pools (mln_alloc_region_init)
 * live in memory the caller owns.
 *
 * Two generations of Melon's API: by default this header declares the one
 * of Melon's "Memory Pool" page above, mln_alloc_init(parent) and
 * mln_alloc_shm_init(attr). Melon's newer header adds a capacity to both
 * (mln_alloc_init(parent, capacity), mln_alloc_shm_init(capacity, locker,
 * lock, unlock)); define MLN_ALLOC_CAPACITY_API before including this header
 * to get those signatures under those names instead. The capacity calls are
 * there in both modes under names of their own: see mln_alloc_init_capacity.
 * The library is the same for both.
 *
 * Two build profiles of the one library (a setting of the library's build,
 * not of this header, which is the same for both; see the README):
 *   - firmware (the default when the library is compiled with no define):
 *     strict O(1) TLSF, every call bounded by a small constant, small flash
 *     and RAM: no front cache, exact block sizes, short panic reasons;
 *   - services (-DMLN_ALLOC_PROFILE=2; what the installed library and Bazel
 *     builds for an OS use): size classes, a front cache of freed small
 *     blocks with inline fast paths, spare spans, messages naming the call.
 * Both answer every call and every misuse below the same way.
 *
 * Freestanding builds (firmware, platform/freestanding): mln_alloc_init(NULL)
 * draws from a static default region of MLN_ALLOC_DEFAULT_REGION_SIZE bytes
 * (a define when the library is compiled; the default, 0, means no region,
 * no RAM taken, and mln_alloc_init(NULL) and mln_alloc_shm_init return
 * NULL) and mln_alloc_shm_init carves its pool from it; region pools
 * (mln_alloc_region_init) need none. The POSIX-only calls below (the
 * ready-made mutex locker) do not exist there.
 */
#ifndef MLN_ALLOC_H
#define MLN_ALLOC_H

#include <stddef.h>

/*
 * MLN_ALLOC_MELON: define it when this header stands in for Melon's own
 * mln_alloc.h in Melon's source tree (or in code written against Melon's
 * headers). It then includes what Melon's header includes: Melon's
 * "mln_types.h" (which defines mln_size_t, so this header does not
 * repeat it, in either order of inclusion) and, on a hosted system,
 * <stdlib.h>, <string.h> and <sys/mman.h>, which Melon code relies on
 * getting from it. Without it this header includes <stddef.h> alone, and
 * leaves mln_size_t to Melon's types header when that came first.
 */
#ifdef MLN_ALLOC_MELON
#include "mln_types.h"
#if defined(__STDC_HOSTED__) && __STDC_HOSTED__
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#endif
#endif

#ifdef __cplusplus
extern "C" {
#endif

/*
 * The library's version, major.minor.patch: the major changes when a
 * program built against an earlier release of the same major could break
 * (the soname, libmlnpool.so.<major>, changes with it), the minor when
 * functions are added, the patch for fixes alone. These three macros are
 * where the version is written; the installer, the pkg-config and CMake
 * files and the shared library's file name and soname are derived from them.
 * MLNPOOL_VERSION is major * 10000 + minor * 100 + patch, for #if tests.
 */
#define MLNPOOL_VERSION_MAJOR 1
#define MLNPOOL_VERSION_MINOR 2
#define MLNPOOL_VERSION_PATCH 0
#define MLNPOOL_VERSION                                              \
    (MLNPOOL_VERSION_MAJOR * 10000 + MLNPOOL_VERSION_MINOR * 100 +    \
     MLNPOOL_VERSION_PATCH)
#define MLNPOOL_VERSION_STR_(n) #n
#define MLNPOOL_VERSION_XSTR_(n) MLNPOOL_VERSION_STR_(n)
/* "1.2.0": a string literal, made from the three numbers above. */
#define MLNPOOL_VERSION_STRING                                       \
    MLNPOOL_VERSION_XSTR_(MLNPOOL_VERSION_MAJOR) "."                  \
    MLNPOOL_VERSION_XSTR_(MLNPOOL_VERSION_MINOR) "."                  \
    MLNPOOL_VERSION_XSTR_(MLNPOOL_VERSION_PATCH)

/*
 * mln_alloc_version: the version of the library linked in, as
 * MLNPOOL_VERSION_STRING was when the library was built ("1.2.0"), and
 * mln_alloc_version_number: as MLNPOOL_VERSION was (10200). A program
 * compares them with the macros, its header's, to learn at run time which
 * library it got (with a shared library, one installed later may be newer):
 * the same major and at least the header's minor is what it was built for.
 * The string is static, never freed, the same at every call.
 * Complexity: O(1). Failure: none. Threads and processes: any, at any time,
 * before any pool exists too (reads nothing but constants). Since 1.2.
 */
const char *mln_alloc_version(void);
int mln_alloc_version_number(void);

/* Melon's size type: defined once, by Melon's types header (guard
 * __MLN_TYPES) where that was included first (C99 forbids a second typedef
 * of a name, even of the same type). */
#ifndef __MLN_TYPES
typedef size_t mln_size_t;
#endif

/* A memory pool. Opaque: create one with mln_alloc_init or mln_alloc_shm_init. */
typedef struct mln_alloc_s mln_alloc_t;

/* Lock callback of a shared-memory pool: returns 0 on success, non-zero on failure. */
typedef int (*mln_alloc_shm_lock_cb_t)(void *);

/* Attributes of a shared-memory pool (see mln_alloc_shm_init). */
struct mln_alloc_shm_attr_s {
    mln_size_t                size;    /* bytes of the region; it never grows */
    void                     *locker;  /* passed to lock and unlock */
    mln_alloc_shm_lock_cb_t   lock;    /* taken around sub-pool operations */
    mln_alloc_shm_lock_cb_t   unlock;
};

/*
 * Alignment of every pointer the pools return, in bytes: alignof(max_align_t),
 * at least 2 * sizeof(void *). A constant expression in C99, C11 and later,
 * and C++11 and later. Before C11, C has neither alignof nor max_align_t, so
 * there the alignment of the most aligned basic types stands in (the offset
 * of a member after a char); the library checks at build time that both
 * ways give the same value.
 */
typedef struct mln_alloc_align_probe_s {
    char first;
    union {
        long double ld;
        long long ll;
        double d;
        void *p;
        void (*f)(void);
    } most_aligned;
} mln_alloc_align_probe_t;
#define MLN_ALLOC_ALIGNOF_BASIC_ offsetof(mln_alloc_align_probe_t, most_aligned)
#if defined(__cplusplus)
#define MLN_ALLOC_ALIGNOF_MAX_ alignof(max_align_t)
#elif defined(__STDC_VERSION__) && __STDC_VERSION__ >= 201112L
#define MLN_ALLOC_ALIGNOF_MAX_ _Alignof(max_align_t)
#else
#define MLN_ALLOC_ALIGNOF_MAX_ MLN_ALLOC_ALIGNOF_BASIC_
#endif
#define MLN_ALLOC_ALIGNMENT                                          \
    (MLN_ALLOC_ALIGNOF_MAX_ > 2 * sizeof(void *)                     \
         ? MLN_ALLOC_ALIGNOF_MAX_ : 2 * sizeof(void *))

/*
 * mln_alloc_init: create a heap pool.
 *
 * parent == NULL: a root pool; its memory comes from the OS in spans (a
 * 64 KiB first span, then 256 KiB doubling to 4 MiB, in the services
 * profile; 4 KiB, then 4 KiB doubling to 32 KiB, in firmware; emptied spans
 * are cached process-wide so that pool churn does not become page faults),
 * or, in a freestanding build, from the default static region. parent != NULL:
 * a child pool; its memory, including its own control structure, is
 * allocated from `parent`, so pools cascade to any depth; a child of a
 * shared-memory or region pool lives in that memory too. A child lives until
 * it or one of its ancestors is destroyed. Where memory is short, the first
 * span may be smaller: it halves down to the least a pool can live in
 * (its control structure and one block), so that a child fits in what its
 * parent can give (a region of 2 KiB holds a region pool and a child).
 *
 * Complexity: O(1) (one span from the parent or the OS cache).
 * Returns the pool, or NULL when memory for it cannot be obtained (the parent
 * is left as it was). A parent that is not live (destroyed, or below a
 * destroyed pool): the panic hook.
 * Threads: creating a child uses `parent`, so it follows parent's one-thread
 * rule; creating root pools is thread-safe.
 *
 * Declared near the end of this header, where MLN_ALLOC_CAPACITY_API may
 * give the name Melon's newer signature (mln_alloc_init_capacity) instead.
 */

/*
 * mln_alloc_set_panic_hook: install `hook` (NULL: none), called with a
 * message when the library detects misuse (a double free, a foreign
 * pointer) or, in debug builds, a broken invariant. If the hook returns, the
 * platform's panic follows: on POSIX the message is written to stderr and the
 * process aborts; in firmware a trap instruction stops the core. The
 * message ("<call>: <reason>" in the services profile, the reason alone,
 * in a few words, in firmware: the README's bad-input table lists both) is
 * valid during the hook's call only.
 * Process-wide; not synchronised with concurrent panics. O(1).
 */
typedef void (*mln_alloc_panic_hook_t)(const char *message);
void mln_alloc_set_panic_hook(mln_alloc_panic_hook_t hook);

/*
 * mln_alloc_check: verify every invariant of `pool` and all its descendants
 * (blocks tile their spans, no two free blocks touch, bins and bitmaps agree,
 * every block belongs to the pool or a child, the sub-pool tree is sound).
 * A shared pool whose last lock holder died mid-operation is recovered
 * first, as at every lock (the caller holds the lock).
 * Returns 0 when all holds, -1 otherwise (and for NULL, a dead pool, or a
 * shared pool that has failed). A shared pool whose own region fails the
 * walk is marked failed before this returns (mln_alloc_shm_failed); -1 with
 * the pool not failed means one of its sub-pools is broken (its process
 * died inside it: mln_alloc_shm_reclaim). O(blocks + pools).
 * A debugging and testing aid; follows the pool's thread rule.
 */
int mln_alloc_check(mln_alloc_t *pool);

/*
 * mln_alloc_stats: a pool's figures. Blocks a pool gives its children (their
 * spans) count as its own; headers are included in the byte counts.
 *   bytes_in_use       bytes of blocks handed out now (freed blocks kept in
 *                      the pool's front cache are not in use)
 *   peak_bytes_in_use  the most bytes_in_use has been, never below it (a
 *                      shared pool: as far as it can tell, see below)
 *   bytes_held         bytes the pool holds from its parent or the OS: its
 *                      control structure and all its spans (a region or
 *                      shared pool: its whole region)
 *   largest_free       payload bytes of its largest free block, or, in a
 *                      capped pool, of the largest request its capacity
 *                      lets through now if that is less: a request of up to
 *                      15/16 of it (1/2 in the firmware profile, whose bins
 *                      are two per power of two) is always served without
 *                      the pool growing, whatever its size (the search
 *                      rounds requests up to a bin's edge), and one of all
 *                      of it is within the capacity
 *   allocations, frees, failures
 *                      calls that handed a block out, took one back, or found
 *                      no memory (counting the pool's own span traffic with
 *                      its children)
 *   capacity_limit     the most bytes_in_use may become: the capacity given
 *                      to mln_alloc_init_capacity, M_ALLOC_INFINITE_SIZE for
 *                      a pool without one (a region or shared pool: its
 *                      region's block space). Ancestors' limits are not
 *                      folded in: mln_alloc_available_capacity does that.
 * For a shared pool, bytes_in_use is counted from the blocks (the caller
 * holds the lock) and the other figures are this pool's direct calls only,
 * but for the peak: the most of what its direct calls had in use and of
 * every count from the blocks so far (by this call, mln_alloc_check and
 * mln_alloc_available_capacity, in any process; memory that sub-pools took
 * and gave back between two counts is not seen);
 * if a lock holder died mid-operation, the pool is recovered first, as at
 * every lock (the figures never count a torn operation).
 * Returns 0, or -1 for NULL stats, a NULL or dead pool, or a shared pool
 * that has failed (one whose count from the blocks finds them broken is
 * marked failed there, before this returns). O(spans), O(blocks) for a
 * shared pool. Thread rule: the
 * pool's.
 *
 * (Before version 1.1 of the library, bytes_held was named capacity and
 * capacity_limit did not exist; programs built against libmlnpool.so.1
 * then keep working: they call the old layout's version of this function.)
 */
struct mln_alloc_stats_s {
    mln_size_t bytes_in_use;
    mln_size_t peak_bytes_in_use;
    mln_size_t bytes_held;
    mln_size_t largest_free;
    mln_size_t allocations;
    mln_size_t frees;
    mln_size_t failures;
    mln_size_t capacity_limit;
};
int mln_alloc_stats(const mln_alloc_t *pool, struct mln_alloc_stats_s *stats);

/*
 * mln_alloc_region_init: create a pool over `size` bytes at `mem`, memory the
 * caller owns (a static array in firmware, say), on every platform.
 *
 * The pool's control structure and all its blocks live inside the region;
 * it never grows and never calls the OS. Child pools (mln_alloc_init(pool))
 * cascade from it as from any pool. mln_alloc_destroy gives the region back
 * to nobody: the memory is the caller's again.
 * Returns NULL when mem == NULL or size < mln_alloc_region_min_size().
 * `mem` needs no particular alignment (the pool aligns inside it).
 * Complexity: O(1). Threads: as any pool.
 */
mln_alloc_t *mln_alloc_region_init(void *mem, mln_size_t size);

/* Smallest `size` mln_alloc_region_init accepts: 216 bytes on 32-bit ARM
 * and 400 on LP64 in the firmware profile; 824 and 1328 in services. O(1). */
mln_size_t mln_alloc_region_min_size(void);

/* Smallest region mln_alloc_shm_init accepts, in bytes. */
#define MLN_ALLOC_SHM_MIN_SIZE ((mln_size_t)8192)

/*
 * mln_alloc_shm_init: create a fixed-size shared-memory pool for this process
 * and the children it forks afterwards (and their siblings).
 *
 * The region (attr->size bytes, rounded up to whole pages, all metadata
 * inside) is mapped MAP_SHARED before any fork, so every process sees it at
 * the same address. It never grows.
 *
 * Locking, as on Melon's page:
 *   - Direct calls on this pool (mln_alloc_m/_c/_re/_free on it or its
 *     blocks) do NOT call the callbacks: callers lock around them.
 *   - A sub-pool, mln_alloc_init(shm_pool), lives in the region and calls
 *     attr->lock / attr->unlock around every operation it makes on the shared
 *     pool: creating itself, taking or returning spans, being destroyed. Its
 *     other operations touch only its own memory and take no lock.
 *   - When `lock` returns non-zero, that operation fails cleanly: NULL (or,
 *     for destroy, nothing happens), nothing changed, `unlock` not called.
 *     The result of `unlock` is ignored.
 * Who frees what: a sub-pool, and its blocks, belong to the process that
 * created it; blocks of the shared pool itself may be freed by any process
 * holding the lock.
 *
 * Crash policy: a process killed at any instruction while holding the lock
 * inside an operation on the shared pool leaves a journal behind. The next
 * process to take the lock (the ready-made locker below notices the dead
 * owner; any lock that returns after its owner died works too) undoes the
 * torn step, rebuilds the pool's free lists from its blocks, finishes a
 * half-done sub-pool destruction, and runs a full integrity walk. That
 * recovery may itself be killed at any instruction: the journal stays dirty
 * until it is whole, and the next lock holder runs it again, to the same
 * end. If the walk fails the pool is marked failed: every later call on it
 * returns NULL or does nothing (mln_alloc_shm_failed tells). The dead
 * process's sub-pools stay allocated until mln_alloc_shm_reclaim releases
 * them.
 *
 * Returns NULL when attr == NULL, attr->lock or attr->unlock is NULL,
 * attr->size < MLN_ALLOC_SHM_MIN_SIZE (0 included) or too large to round to
 * pages, or the OS refuses the mapping.
 * Complexity: O(1) plus the mapping. Every operation on the pool and its
 * sub-pools is O(1), except recovery and reclaim (O(blocks of the region)).
 * Destroying it (mln_alloc_destroy) unmaps the region in the calling process.
 *
 * With MLN_ALLOC_CAPACITY_API the name means Melon's newer signature
 * (mln_alloc_shm_init_capacity) from the end of this header on.
 */
mln_alloc_t *mln_alloc_shm_init(struct mln_alloc_shm_attr_s *attr);

/*
 * mln_alloc_shm_reclaim: destroy every sub-pool of the shared pool `pool`
 * created by process `owner` (its pid on POSIX), typically a worker that has
 * died; its memory returns to the pool. Takes the pool's lock.
 * Returns the number of sub-pools destroyed, or -1 (nothing done) when pool
 * is NULL or not a shared pool, the lock fails, or the pool has failed.
 * Complexity: O(sub-pools + r * blocks of the region), r the sub-pools it
 * reclaims (each is one walk of the region for the blocks tagged with it).
 */
int mln_alloc_shm_reclaim(mln_alloc_t *pool, unsigned long owner);

/*
 * mln_alloc_shm_recover: run the crash recovery described above now and
 * verify the pool (the caller holds the lock). Returns 0 when the pool is
 * sound, -1 when it is not a shared pool or has failed. O(blocks).
 */
int mln_alloc_shm_recover(mln_alloc_t *pool);

/* mln_alloc_shm_failed: non-zero when recovery, mln_alloc_check or
 * mln_alloc_stats found the shared pool beyond repair (0 for NULL or a pool
 * that is not shared). A failed pool hands out nothing, for good. O(1). */
int mln_alloc_shm_failed(const mln_alloc_t *pool);

/*
 * A ready-made locker (POSIX): a process-shared robust pthread mutex in a
 * shared mapping of its own. Create it before mln_alloc_shm_init and fork:
 *
 *     struct mln_alloc_shm_attr_s attr = {
 *         .size = 1 << 20, .locker = mln_alloc_shm_mutex_create(),
 *         .lock = mln_alloc_shm_mutex_lock, .unlock = mln_alloc_shm_mutex_unlock,
 *     };
 *
 * One locker per pool. On a dead owner (EOWNERDEAD) the lock call marks the
 * mutex consistent and succeeds; the pool, whose journal the dead process
 * left dirty if it died inside an operation, repairs itself at the next
 * call made under the lock (or, if it cannot be repaired, marks itself
 * failed and refuses work). create returns NULL on failure; lock/unlock
 * return 0 on success, -1 on failure (also for a NULL locker); destroy it
 * after the pool. All O(1).
 */
void *mln_alloc_shm_mutex_create(void);
int mln_alloc_shm_mutex_lock(void *locker);
int mln_alloc_shm_mutex_unlock(void *locker);
void mln_alloc_shm_mutex_destroy(void *locker);

/*
 * mln_alloc_destroy: destroy `pool` and every pool descended from it,
 * releasing all the memory they hold at once. Every pointer allocated from
 * them becomes invalid, and so do the descendants' mln_alloc_t pointers; the
 * blocks need not be freed first.
 *
 * Every destroyed pool, descendants included, is marked dead: later calls
 * with its handle, or freeing one of its blocks, are refused through the
 * panic hook ("not a live pool", "the block's pool was destroyed"), or
 * answer -1 or 0 for the queries (stats, check, available capacity). This
 * holds while the memory the pool lived in is not handed out again: once
 * it is (by the parent, by the OS span cache to a new root pool at the
 * same address, by the caller for a region), a stale handle is
 * undefined. A shared pool is let go in the calling process only (its
 * other processes go on using it): the region is unmapped there but for
 * its first page, kept as read-only zeros so that the stale handle reads as
 * dead (on POSIX, for the 1024 shared pools the process destroyed last: an
 * older handle is unmapped, and using it faults); its sub-pools and blocks
 * in that process are then gone (their memory is unmapped) and must not be
 * used.
 *
 * Complexity: O(spans `pool` holds + pools below it) (a descendant's
 * memory costs nothing: it lives inside its ancestors' spans; only its
 * mark is written).
 * pool == NULL: no-op. A pool that is not live: the panic hook.
 */
void mln_alloc_destroy(mln_alloc_t *pool);

/*
 * mln_alloc_m: allocate `size` bytes from `pool`.
 *
 * The block is aligned to MLN_ALLOC_ALIGNMENT; its contents are unspecified.
 * size == 0 returns a valid, unique, minimum-size block (as Melon does).
 * In the services profile, sizes above a pool-kind threshold get a span of
 * their own; in firmware every block comes from the pool's spans.
 *
 * Complexity: O(1) worst case, with a small constant in the firmware
 * profile (bench/worst_case counts the instructions). When the pool has no
 * free block large enough it takes one span from its parent or the OS; in
 * the services profile it first hands its front cache of recently freed
 * small blocks back to the engine: at most 20 blocks per size class, 81
 * classes (1,620 blocks, each an O(1) free), a bounded constant but not a
 * small one.
 * Returns NULL (and changes nothing) when pool == NULL, when `size` is above
 * the largest block less its header (2^39 - 32 bytes on LP64, 2^31 - 16 on
 * 32-bit ARM; 2^36 - 32 on LP64 in the firmware profile: SIZE_MAX, say),
 * whatever memory the OS would grant, or when no
 * memory can be obtained; the pool stays fully usable, and the refusal is
 * counted in its `failures` (mln_alloc_stats). A pool that was
 * destroyed, or is below a destroyed pool: the panic hook ("not a live
 * pool"), see mln_alloc_destroy.
 */
void *mln_alloc_m(mln_alloc_t *pool, mln_size_t size);

/*
 * mln_alloc_c: as mln_alloc_m, and the first `size` bytes are zero, also when
 * the block reuses memory freed earlier.
 *
 * Complexity: O(1) plus O(size) for the zeroing. Failures as mln_alloc_m.
 */
void *mln_alloc_c(mln_alloc_t *pool, mln_size_t size);

/*
 * mln_alloc_re: resize the block `ptr` to `size` bytes, as a block of `pool`.
 *
 * - size == 0: frees `ptr` (if not NULL) and returns NULL.
 * - ptr == NULL: same as mln_alloc_m(pool, size).
 * - `ptr` belongs to `pool`: the block grows or shrinks in place when the
 *   space after it allows (O(1), the same pointer is returned); otherwise a
 *   new block is allocated, min(old, new) bytes are copied, and `ptr` is freed.
 * - `ptr` belongs to another pool: it is moved into `pool` (allocate, copy,
 *   free), as Melon does.
 * Bytes beyond the old size are unspecified.
 *
 * Complexity: O(1) in place; otherwise O(1) plus O(size) for the copy.
 * Misuse of `ptr` panics as for mln_alloc_free; a pool that is not live too.
 * Returns the block, or NULL on failure (pool == NULL, size too large as for
 * mln_alloc_m, out of memory, past a capacity), in which case `ptr` is
 * untouched and still valid; but for pool == NULL, the failure is counted
 * in the pool's `failures`, as mln_alloc_m counts it.
 */
void *mln_alloc_re(mln_alloc_t *pool, void *ptr, mln_size_t size);

/*
 * mln_alloc_free: return the block `ptr` to the pool it came from. The pool is
 * found from the block; adjacent free blocks merge at once.
 *
 * ptr == NULL: no-op. Misuse is caught by a check of the block's header
 * (the 2 * sizeof(void *) bytes, rounded up to the alignment, before `ptr`:
 * a size word, then the owning pool) and reported through the panic hook
 * (see mln_alloc_set_panic_hook), which ends the program rather than
 * corrupt a pool, before anything is written:
 *   - freeing a block twice (while its memory has not been handed out again):
 *     "double free (the block was already freed)" for a block kept in its
 *     pool's front cache or merged into the block before it; "double free,
 *     or a pointer inside a block (...)" for one whose header's free bit is
 *     set, which is all there is to go by (any pointer with such bytes
 *     before it reads alike); in firmware the same reasons, shorter (the
 *     parts in parentheses left out);
 *   - a pointer no pool handed out (misaligned, or whose header names no
 *     pool, live or destroyed): "not allocated by any pool" (a wild pointer
 *     whose would-be header points to unmapped memory may fault instead);
 *   - a pool handle (an mln_alloc_t *, meant for mln_alloc_destroy): "the
 *     pointer is a pool" (every handle is preceded by a header that says so);
 *   - a block of a pool that was destroyed: "the block's pool was destroyed"
 *     while the memory is kept as it was: a child's or a region pool's until
 *     it is handed out again (see mln_alloc_destroy); a root pool's while the
 *     platform keeps its spans (POSIX: in the span cache, whose spans keep
 *     their first page; the rest may read as zeros once the kernel takes it
 *     back). After that: "not allocated by any pool", or a fault (a
 *     destroyed shared pool's blocks are unmapped in that process: a fault).
 * What is not caught: a pointer into a live block (an interior pointer), or
 * into any memory, whose header bytes read as a live block's of a live pool
 * (a size word with bit 0 clear, then the pool's address), is taken for a
 * block of that pool, freed, and the pool is corrupted: undefined (with
 * the pool's address plus one instead, as a block kept in its front cache:
 * "double free (the block was already freed)"). So a
 * struct { size_t len; mln_alloc_t *pool; char data[]; } holding its pool
 * must not have `data` freed. Interior pointers are caught only when the
 * bytes before them do not look like a live block header of a live pool.
 * Complexity: O(1) worst case (plus handing an emptied span back).
 * Threads: the block's pool must not be in use by another thread.
 */
void mln_alloc_free(void *ptr);

/* ---- Capacity-limited pools: Melon's newer API ---- */

/* "No limit": what mln_alloc_available_capacity reports for an unlimited pool. */
#define M_ALLOC_INFINITE_SIZE (~(mln_size_t)0)

/*
 * mln_alloc_init_capacity: create a heap pool, as mln_alloc_init(parent),
 * whose blocks may occupy at most `capacity` bytes. 0 (or
 * M_ALLOC_INFINITE_SIZE) means no limit: the pool is then exactly
 * mln_alloc_init(parent)'s.
 *
 * What is limited is the pool's bytes in use, the figure bytes_in_use of
 * mln_alloc_stats: the blocks it has handed out, headers included (a request
 * of n bytes occupies n plus a header, rounded up to the alignment, at least
 * a minimum block, up to 4 KiB rounded up to its size class, and now and
 * then a few bytes more: the rest of a free block too small to split off),
 * and the blocks it has given its child
 * pools: their homes (control structure, about 5.1 KiB on LP64, plus first
 * span; a pool capped below that has no room for a child) and spans. Its
 * own control structure, free space and front cache are not counted.
 *   - mln_alloc_m, mln_alloc_c, and mln_alloc_re (growing in place or
 *     moving) fail cleanly when the result would take the pool past its
 *     capacity: NULL, counted in the pool's `failures`, nothing changed
 *     (mln_alloc_re's old block untouched and valid), the pool fully usable.
 *   - mln_alloc_free gives the block's bytes back at once.
 *   - A child's spans are blocks of its parent, so they count against the
 *     parent's capacity as the child grows: no descendant can take a capped
 *     pool past its capacity, whatever the descendants' own capacities. A
 *     child's own capacity limits its own bytes in use.
 * A capped pool takes memory from its source accordingly: its first span is
 * no larger than the capacity needs, and a span it adds no larger than its
 * remaining capacity (or what the request needs).
 * The OS (or, in firmware, the default region) may still refuse memory
 * before a pool reaches its capacity. In the firmware profile, a request
 * that would bring a pool within a minimum block of its capacity may be
 * refused when the free block that serves it is those few bytes larger
 * than the request (the services profile then cuts one to size from its
 * newest span).
 *
 * Complexity, failures and threads: as mln_alloc_init. The limit costs an
 * allocation one compare, whether the pool has one or not.
 */
mln_alloc_t *mln_alloc_init_capacity(mln_alloc_t *parent, mln_size_t capacity);

/*
 * mln_alloc_shm_init_capacity: mln_alloc_shm_init with the attributes
 * { capacity, locker, lock, unlock }: the shared pool's region is `capacity`
 * bytes (it is its capacity: a shared pool never grows), with the same
 * minimum (MLN_ALLOC_SHM_MIN_SIZE; 0 is refused), locking, crash policy,
 * results and complexity.
 */
mln_alloc_t *mln_alloc_shm_init_capacity(mln_size_t capacity, void *locker,
                                         mln_alloc_shm_lock_cb_t lock,
                                         mln_alloc_shm_lock_cb_t unlock);

/*
 * mln_alloc_available_capacity: how many more bytes `pool` may take into use
 * (bytes as mln_alloc_init_capacity counts them, headers included), an
 * upper bound: a request still needs a free block that fits, or memory from
 * the OS.
 *   - A heap pool with no limit and no capped ancestor: M_ALLOC_INFINITE_SIZE.
 *   - A heap pool with capacity c and b bytes in use: c - b (never below 0),
 *     if no ancestor is capped.
 *   - A heap pool under a capped ancestor (or under a region or shared pool)
 *     is limited by it as well: it can use the space it holds unused, plus
 *     what its parent can still give it. The result is
 *         min(own, held + available(parent))
 *     where own is c - b as above (M_ALLOC_INFINITE_SIZE without a limit)
 *     and held is the bytes of the pool's spans (mln_alloc_stats' capacity)
 *     less its bytes in use: a bound, since span headers and the pool's own
 *     control structure count in held.
 *   - A region pool (mln_alloc_region_init) or a shared pool: the bytes of
 *     its region's block space not in use (the region less the pool's
 *     control structure, less the bytes in use; for a shared pool counted
 *     from the blocks, as mln_alloc_stats does, so the caller holds the
 *     lock). A shared pool that has failed: 0.
 *   - NULL or a destroyed pool: 0.
 * Complexity: O(depth) without a capped ancestor; O(depth + spans of the
 * pools below the topmost capped or fixed ancestor) otherwise; a shared pool
 * at the top adds O(blocks of its region). A sub-pool of a shared pool takes
 * the pool's lock for that count, as its other operations on the pool do; if
 * the lock fails the result is 0. Threads: the pool's rule (it reads its
 * ancestors, as allocating from it may).
 */
mln_size_t mln_alloc_available_capacity(mln_alloc_t *pool);

/*
 * The constructors' names. By default they are the seed's, as on Melon's
 * "Memory Pool" page. With MLN_ALLOC_CAPACITY_API defined before this header
 * they are Melon's newer signatures, object-like macros for the calls
 * above, so that calls and the functions' addresses both work:
 *     mln_alloc_t *mln_alloc_init(mln_alloc_t *parent, mln_size_t capacity);
 *     mln_alloc_t *mln_alloc_shm_init(mln_size_t capacity, void *locker,
 *                                     mln_alloc_shm_lock_cb_t lock,
 *                                     mln_alloc_shm_lock_cb_t unlock);
 * (mln_alloc_shm_init's seed prototype, with its contract, stays above in
 * both modes; from here on its name means the newer signature.)
 */
#ifdef MLN_ALLOC_CAPACITY_API
#define mln_alloc_init mln_alloc_init_capacity
#define mln_alloc_shm_init mln_alloc_shm_init_capacity
#else
mln_alloc_t *mln_alloc_init(mln_alloc_t *parent);
#endif

#ifdef __cplusplus
}
#endif

#endif /* MLN_ALLOC_H */
