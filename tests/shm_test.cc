// SPDX-License-Identifier: MIT
// Shared-memory pools: attributes, capacity, the locking contract, lock
// failures, sharing across fork, reclaiming a dead worker's sub-pools, and
// recovery from a torn operation.
#include <gtest/gtest.h>

#include <sys/wait.h>
#include <unistd.h>

#include <cstdint>
#include <cstring>
#include <vector>

#include "mln_alloc.h"
#include "tests/pool_probe.h"

namespace {

// Lock callbacks that count, and can be told to fail. They guard nothing: the
// tests that use them run in one process.
struct CountingLock {
  int locks = 0;
  int unlocks = 0;
  bool fail = false;
};

int CountingLockFn(void *p) {
  auto *l = static_cast<CountingLock *>(p);
  if (l->fail) return -1;
  l->locks++;
  return 0;
}

int CountingUnlockFn(void *p) {
  static_cast<CountingLock *>(p)->unlocks++;
  return 0;
}

mln_alloc_t *CountedPool(CountingLock *lock, size_t size) {
  struct mln_alloc_shm_attr_s attr = {size, lock, CountingLockFn, CountingUnlockFn};
  return mln_alloc_shm_init(&attr);
}

void ExpectClean(const mln_alloc_t *pool) {
  const char *problem = probe_check_tree(pool);
  EXPECT_EQ(problem, nullptr) << problem;
}

TEST(ShmAttr, BadAttributesReturnNull) {
  CountingLock lock;
  EXPECT_EQ(mln_alloc_shm_init(nullptr), nullptr);
  struct mln_alloc_shm_attr_s attr = {0, &lock, CountingLockFn, CountingUnlockFn};
  EXPECT_EQ(mln_alloc_shm_init(&attr), nullptr);  // size 0
  attr.size = MLN_ALLOC_SHM_MIN_SIZE - 1;
  EXPECT_EQ(mln_alloc_shm_init(&attr), nullptr);
  // Sizes that cannot be rounded to pages (and, on 64-bit, an impossible one).
  for (size_t huge : {SIZE_MAX, SIZE_MAX - 1, SIZE_MAX - 4095,
                      sizeof(size_t) == 8 ? SIZE_MAX / 2 + 1 : SIZE_MAX - 2}) {
    attr.size = huge;
    EXPECT_EQ(mln_alloc_shm_init(&attr), nullptr) << huge;
  }
  attr.size = 1 << 20;
  attr.lock = nullptr;
  EXPECT_EQ(mln_alloc_shm_init(&attr), nullptr);
  attr.lock = CountingLockFn;
  attr.unlock = nullptr;
  EXPECT_EQ(mln_alloc_shm_init(&attr), nullptr);
  EXPECT_EQ(lock.locks, 0);
}

TEST(ShmAttr, SmallestDocumentedRegionWorks) {
  CountingLock lock;
  mln_alloc_t *pool = CountedPool(&lock, MLN_ALLOC_SHM_MIN_SIZE);
  ASSERT_NE(pool, nullptr);
  void *p = mln_alloc_m(pool, 100);
  EXPECT_NE(p, nullptr);
  mln_alloc_free(p);
  ExpectClean(pool);
  mln_alloc_destroy(pool);
}

TEST(ShmAttr, SixtyFourKibHostsSubPools) {
  CountingLock lock;
  mln_alloc_t *pool = CountedPool(&lock, 64 * 1024);
  ASSERT_NE(pool, nullptr);
  mln_alloc_t *sub = mln_alloc_init(pool);
  ASSERT_NE(sub, nullptr);
  EXPECT_NE(mln_alloc_m(sub, 1000), nullptr);
  ExpectClean(pool);
  mln_alloc_destroy(sub);
  mln_alloc_destroy(pool);
}

TEST(ShmCapacity, FillFreeAndGetTheSameCapacityBack) {
  CountingLock lock;
  mln_alloc_t *pool = CountedPool(&lock, 1 << 20);
  ASSERT_NE(pool, nullptr);
  for (int round = 0; round < 3; round++) {
    std::vector<void *> blocks;
    for (void *p; (p = mln_alloc_m(pool, 64)) != nullptr;) blocks.push_back(p);
    static size_t first_count = 0;
    if (round == 0) first_count = blocks.size();
    EXPECT_EQ(blocks.size(), first_count) << "round " << round;
    EXPECT_GT(blocks.size(), (1u << 20) / 96);
    ExpectClean(pool);
    for (size_t i = 0; i < blocks.size(); i += 2) mln_alloc_free(blocks[i]);
    EXPECT_EQ(mln_alloc_m(pool, 4096), nullptr);  // freed space is all in pieces
    for (size_t i = 1; i < blocks.size(); i += 2) mln_alloc_free(blocks[i]);
    ExpectClean(pool);
    EXPECT_EQ(probe_used_bytes(pool), 0u);
  }
  // Everything merged back: one block of nearly the whole region fits.
  void *big = mln_alloc_m(pool, (1 << 20) - 16 * 1024);
  EXPECT_NE(big, nullptr);
  mln_alloc_free(big);
  EXPECT_EQ(lock.locks, 0);  // direct calls never lock
  mln_alloc_destroy(pool);
}

TEST(ShmLocking, DirectCallsDoNotLockSubPoolsDoAndBalance) {
  CountingLock lock;
  mln_alloc_t *pool = CountedPool(&lock, 4 << 20);
  ASSERT_NE(pool, nullptr);
  void *direct = mln_alloc_m(pool, 100);
  direct = mln_alloc_re(pool, direct, 5000);
  mln_alloc_free(mln_alloc_c(pool, 10));
  EXPECT_EQ(lock.locks, 0);

  mln_alloc_t *sub = mln_alloc_init(pool);  // creating itself: one lock
  ASSERT_NE(sub, nullptr);
  EXPECT_EQ(lock.locks, 1);
  void *small = mln_alloc_m(sub, 100);      // inside its home span: no lock
  EXPECT_EQ(lock.locks, 1);
  void *large = mln_alloc_m(sub, 200000);   // a span of its own from the pool: lock
  EXPECT_EQ(lock.locks, 2);
  mln_alloc_free(large);                    // the span goes back: lock
  EXPECT_EQ(lock.locks, 3);
  std::vector<void *> many;
  for (int i = 0; i < 100; i++) many.push_back(mln_alloc_m(sub, 1000));  // grows: locks
  EXPECT_GT(lock.locks, 3);
  mln_alloc_free(small);
  int before_destroy = lock.locks;
  mln_alloc_destroy(sub);                   // one lock for the whole destroy
  EXPECT_EQ(lock.locks, before_destroy + 1);
  EXPECT_EQ(lock.locks, lock.unlocks);
  mln_alloc_free(direct);
  ExpectClean(pool);
  EXPECT_EQ(probe_used_bytes(pool), 0u);
  mln_alloc_destroy(pool);
}

TEST(ShmLocking, EveryLockedOperationFailsCleanlyWhenLockFails) {
  CountingLock lock;
  mln_alloc_t *pool = CountedPool(&lock, 4 << 20);
  ASSERT_NE(pool, nullptr);
  size_t empty = probe_used_bytes(pool);

  lock.fail = true;  // creating a sub-pool
  EXPECT_EQ(mln_alloc_init(pool), nullptr);
  EXPECT_EQ(probe_used_bytes(pool), empty);
  lock.fail = false;

  mln_alloc_t *sub = mln_alloc_init(pool);
  ASSERT_NE(sub, nullptr);
  size_t with_sub = probe_used_bytes(pool);
  lock.fail = true;  // a large block needs a span from the pool
  EXPECT_EQ(mln_alloc_m(sub, 200000), nullptr);
  std::vector<void *> held;  // growing needs a span from the pool
  // Blocks the sub-pool's home span holds (1 KiB in all in firmware).
  const size_t size = probe_profile_is_firmware() ? 100 : 1000;
  for (void *p; (p = mln_alloc_m(sub, size)) != nullptr;) held.push_back(p);
  EXPECT_FALSE(held.empty());  // the home span served what it could
  EXPECT_EQ(probe_used_bytes(pool), with_sub);
  lock.fail = false;
  void *grown = mln_alloc_m(sub, size);
  ASSERT_NE(grown, nullptr);  // the same call works once the lock does
  EXPECT_GT(probe_used_bytes(pool), with_sub);
  size_t grown_used = probe_used_bytes(pool);

  lock.fail = true;  // giving the span back: it is kept instead
  mln_alloc_free(grown);
  EXPECT_EQ(probe_used_bytes(pool), grown_used);
  ExpectClean(pool);
  EXPECT_EQ(mln_alloc_m(sub, size) != nullptr, true);  // kept span still serves

  mln_alloc_destroy(sub);  // destroy: nothing happens
  EXPECT_EQ(probe_used_bytes(pool), grown_used);
  EXPECT_NE(mln_alloc_m(sub, 10), nullptr);  // sub is still alive
  lock.fail = false;
  mln_alloc_destroy(sub);
  EXPECT_EQ(probe_used_bytes(pool), empty);
  EXPECT_EQ(lock.locks, lock.unlocks);  // no unlock for a lock never taken
  ExpectClean(pool);
  mln_alloc_destroy(pool);
}

TEST(ShmRecovery, TornFreeIsUndone) {
  CountingLock lock;
  mln_alloc_t *pool = CountedPool(&lock, 1 << 20);
  // Above the front cache's classes, so that a free reaches the engine.
  auto *a = static_cast<char *>(mln_alloc_m(pool, 5000));
  auto *b = static_cast<char *>(mln_alloc_m(pool, 5000));
  auto *c = static_cast<char *>(mln_alloc_m(pool, 5000));
  std::strcpy(b, "still mine");
  mln_alloc_free(a);  // so the torn free also merges backwards
  size_t used = probe_used_bytes(pool);
  probe_shared_torn_free(pool, b);  // "killed" before the free completed
  EXPECT_EQ(mln_alloc_shm_recover(pool), 0);
  EXPECT_EQ(probe_used_bytes(pool), used);  // b is allocated again
  EXPECT_STREQ(b, "still mine");
  ExpectClean(pool);
  mln_alloc_free(b);
  mln_alloc_free(c);
  EXPECT_EQ(probe_used_bytes(pool), 0u);
  mln_alloc_destroy(pool);
}

TEST(ShmRecovery, TornAllocIsUndoneByTheNextCall) {
  CountingLock lock;
  mln_alloc_t *pool = CountedPool(&lock, 1 << 20);
  void *keep = mln_alloc_m(pool, 100);
  size_t used = probe_used_bytes(pool);
  ASSERT_NE(probe_shared_torn_alloc(pool, 5000), nullptr);
  void *next = mln_alloc_m(pool, 100);  // finds the journal dirty and recovers first
  ASSERT_NE(next, nullptr);
  EXPECT_EQ(probe_used_bytes(pool), used + (probe_usable_size(next) + probe_block_header()));
  ExpectClean(pool);
  mln_alloc_free(next);
  mln_alloc_free(keep);
  mln_alloc_destroy(pool);
}

// A process that dies while recovering, after writing the saved words back
// but before rebuilding the free lists from them, leaves the journal dirty:
// the next call runs the whole recovery again.
TEST(ShmRecovery, RecoveryKilledBeforeItsRebuildRunsAgain) {
  CountingLock lock;
  mln_alloc_t *pool = CountedPool(&lock, 1 << 20);
  void *keep = mln_alloc_m(pool, 100);
  size_t used = probe_used_bytes(pool);
  ASSERT_NE(probe_shared_torn_alloc(pool, 5000), nullptr);
  probe_shared_undo_only(pool);
  unsigned long recoveries = probe_shared_recoveries(pool);
  void *next = mln_alloc_m(pool, 100);
  ASSERT_NE(next, nullptr);
  EXPECT_EQ(probe_shared_recoveries(pool), recoveries + 1);
  EXPECT_EQ(probe_used_bytes(pool), used + (probe_usable_size(next) + probe_block_header()));
  ExpectClean(pool);
  mln_alloc_free(next);
  mln_alloc_free(keep);
  EXPECT_EQ(probe_used_bytes(pool), 0u);
  mln_alloc_destroy(pool);
}

TEST(ShmRecovery, UnrepairablePoolIsMarkedFailedAndRefusesWork) {
  CountingLock lock;
  mln_alloc_t *pool = CountedPool(&lock, 1 << 20);
  mln_alloc_t *sub = mln_alloc_init(pool);
  void *p = mln_alloc_m(pool, 100);
  probe_corrupt_head(p, 3);  // a size no walk can follow
  probe_shared_mark_dirty(pool);
  EXPECT_EQ(mln_alloc_m(pool, 100), nullptr);
  EXPECT_NE(mln_alloc_shm_failed(pool), 0);
  EXPECT_EQ(mln_alloc_init(pool), nullptr);
  EXPECT_EQ(mln_alloc_m(sub, 500000), nullptr);  // needs the pool: refused
  EXPECT_EQ(mln_alloc_shm_recover(pool), -1);
  EXPECT_EQ(mln_alloc_shm_reclaim(pool, 1), -1);
  EXPECT_EQ(lock.locks, lock.unlocks);
  mln_alloc_destroy(pool);  // unmapping still works
}

TEST(ShmReadyMadeLocker, LockUnlockAndBadLocker) {
  void *locker = mln_alloc_shm_mutex_create();
  ASSERT_NE(locker, nullptr);
  EXPECT_EQ(mln_alloc_shm_mutex_lock(locker), 0);
  EXPECT_EQ(mln_alloc_shm_mutex_unlock(locker), 0);
  EXPECT_EQ(mln_alloc_shm_mutex_lock(nullptr), -1);
  EXPECT_EQ(mln_alloc_shm_mutex_unlock(nullptr), -1);
  mln_alloc_shm_mutex_destroy(locker);
  mln_alloc_shm_mutex_destroy(nullptr);
}

TEST(ShmReadyMadeLocker, HolderThatDiesDoesNotBlockOthers) {
  void *locker = mln_alloc_shm_mutex_create();
  struct mln_alloc_shm_attr_s attr = {1 << 20, locker, mln_alloc_shm_mutex_lock,
                                      mln_alloc_shm_mutex_unlock};
  mln_alloc_t *pool = mln_alloc_shm_init(&attr);
  ASSERT_NE(pool, nullptr);
  void *keep = mln_alloc_m(pool, 64);
  pid_t pid = fork();
  if (pid == 0) {
    mln_alloc_shm_mutex_lock(locker);
    probe_shared_torn_free(pool, keep);  // dies mid-free, lock held
    _exit(0);
  }
  int status;
  waitpid(pid, &status, 0);
  alarm(20);  // a deadlock fails the test instead of hanging it
  mln_alloc_t *sub = mln_alloc_init(pool);  // EOWNERDEAD -> repair -> consistent
  alarm(0);
  ASSERT_NE(sub, nullptr);
  EXPECT_EQ(mln_alloc_shm_failed(pool), 0);
  EXPECT_GE(probe_used_bytes(pool), probe_usable_size(keep));  // keep is allocated again
  ExpectClean(pool);
  mln_alloc_destroy(sub);
  mln_alloc_free(keep);
  EXPECT_EQ(probe_used_bytes(pool), 0u);
  mln_alloc_destroy(pool);
  mln_alloc_shm_mutex_destroy(locker);
}

TEST(ShmReclaim, DeadWorkersSubPoolsComeBack) {
  void *locker = mln_alloc_shm_mutex_create();
  struct mln_alloc_shm_attr_s attr = {4 << 20, locker, mln_alloc_shm_mutex_lock,
                                      mln_alloc_shm_mutex_unlock};
  mln_alloc_t *pool = mln_alloc_shm_init(&attr);
  mln_alloc_t *mine = mln_alloc_init(pool);
  size_t baseline = probe_used_bytes(pool);
  pid_t pid = fork();
  if (pid == 0) {
    mln_alloc_t *a = mln_alloc_init(pool);
    mln_alloc_t *b = mln_alloc_init(pool);
    for (int i = 0; i < 300; i++) mln_alloc_m(i % 2 ? a : b, 2000);
    mln_alloc_m(a, 300000);
    _exit(0);  // never destroys them
  }
  int status;
  waitpid(pid, &status, 0);
  EXPECT_GT(probe_used_bytes(pool), baseline);
  EXPECT_EQ(mln_alloc_shm_reclaim(pool, static_cast<unsigned long>(pid)), 2);
  EXPECT_EQ(probe_used_bytes(pool), baseline);
  EXPECT_EQ(mln_alloc_shm_reclaim(pool, static_cast<unsigned long>(pid)), 0);
  EXPECT_EQ(mln_alloc_shm_reclaim(nullptr, 1), -1);
  ExpectClean(pool);
  mln_alloc_destroy(mine);
  mln_alloc_destroy(pool);
  mln_alloc_shm_mutex_destroy(locker);
}

}  // namespace
