// SPDX-License-Identifier: MIT
// Misuse of pool handles: freeing a pool as if it were a block, using a
// destroyed pool or one below a destroyed pool, a destroyed shared pool, and
// shared-pool diagnostics after a lock holder died. Each is refused with a
// clear answer (a panic naming the mistake, -1 or 0) and nothing already
// allocated is changed.
#include <gtest/gtest.h>

#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <string>

#include "mln_alloc.h"
#include "tests/misuse_messages.h"
#include "tests/pool_probe.h"

namespace {

// "The pointer is a pool", as the soundness hook below reports it: the
// services sentence goes on with a parenthesis, the firmware words stop.
std::string PoolHandleAtPanicClean() {
  return Says(nullptr, "the pointer is a pool .*", "the pointer is a pool") + "; at panic: clean";
}

int NoLock(void *) { return 0; }

mln_alloc_t *SharedPool(size_t size) {
  struct mln_alloc_shm_attr_s attr = {size, nullptr, NoLock, NoLock};
  return mln_alloc_shm_init(&attr);
}

// The hook reports whether `watched` was still sound when the panic came.
mln_alloc_t *watched;
void ReportSoundness(const char *message) {
  std::fprintf(stderr, "%s; at panic: %s\n", message,
               probe_check_tree(watched) == nullptr ? "clean" : "corrupt");
}

class PoolHandle : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = mln_alloc_init(nullptr);
    child_ = mln_alloc_init(root_);
    keep_ = static_cast<unsigned char *>(mln_alloc_m(child_, 300));
    std::memset(keep_, 0x5a, 300);
  }
  void TearDown() override {
    mln_alloc_set_panic_hook(nullptr);
    // Whatever the dying child process tried, this one is intact.
    EXPECT_EQ(probe_check_tree(root_), nullptr);
    for (int i = 0; i < 300; i++) ASSERT_EQ(keep_[i], 0x5a);
    mln_alloc_destroy(root_);
  }
  mln_alloc_t *root_ = nullptr;
  mln_alloc_t *child_ = nullptr;
  unsigned char *keep_ = nullptr;
};

// ---- freeing a pool handle ----

TEST_F(PoolHandle, FreeingAChildPoolIsCaughtBeforeAnythingChanges) {
  watched = root_;
  mln_alloc_set_panic_hook(ReportSoundness);
  EXPECT_DEATH(mln_alloc_free(child_), PoolHandleAtPanicClean());
  EXPECT_DEATH(mln_alloc_re(root_, child_, 100), "the pointer is a pool");
  EXPECT_DEATH(mln_alloc_re(child_, child_, 100), "the pointer is a pool");
  // The child is untouched and serves as before.
  void *p = mln_alloc_m(child_, 4000);
  ASSERT_NE(p, nullptr);
  EXPECT_NE(p, static_cast<void *>(child_));
  mln_alloc_free(p);
}

TEST_F(PoolHandle, FreeingARootPoolIsCaught) {
  EXPECT_DEATH(mln_alloc_free(root_),
               Says("mln_alloc_free", "the pointer is a pool", "the pointer is a pool"));
  mln_alloc_t *other = mln_alloc_init(nullptr);
  EXPECT_DEATH(mln_alloc_free(other), "the pointer is a pool");
  mln_alloc_destroy(other);
}

TEST_F(PoolHandle, FreeingARegionPoolIsCaught) {
  alignas(16) static unsigned char region[16 * 1024];
  for (size_t misalign : {0, 3}) {
    mln_alloc_t *fixed = mln_alloc_region_init(region + misalign, sizeof region - misalign);
    ASSERT_NE(fixed, nullptr);
    EXPECT_DEATH(mln_alloc_free(fixed), "the pointer is a pool");
    mln_alloc_destroy(fixed);
  }
}

TEST_F(PoolHandle, FreeingASharedPoolOrItsSubPoolIsCaught) {
  mln_alloc_t *shm = SharedPool(256 * 1024);
  ASSERT_NE(shm, nullptr);
  mln_alloc_t *sub = mln_alloc_init(shm);
  ASSERT_NE(sub, nullptr);
  void *p = mln_alloc_m(sub, 1000);
  watched = shm;
  mln_alloc_set_panic_hook(ReportSoundness);
  EXPECT_DEATH(mln_alloc_free(shm), PoolHandleAtPanicClean());
  EXPECT_DEATH(mln_alloc_free(sub), PoolHandleAtPanicClean());
  mln_alloc_set_panic_hook(nullptr);
  EXPECT_EQ(mln_alloc_check(shm), 0);
  EXPECT_EQ(mln_alloc_shm_failed(shm), 0);
  mln_alloc_free(p);
  mln_alloc_destroy(sub);
  mln_alloc_destroy(shm);
}

// ---- destroyed pools and the pools below them ----

TEST_F(PoolHandle, ADestroyedChildIsRefusedEverywhere) {
  mln_alloc_t *gone = mln_alloc_init(root_);
  void *block = mln_alloc_m(root_, 100);
  mln_alloc_destroy(gone);
  EXPECT_DEATH(mln_alloc_m(gone, 100), Says("mln_alloc_m", "not a live pool", "not a live pool"));
  EXPECT_DEATH(mln_alloc_c(gone, 100), "not a live pool");
  EXPECT_DEATH(mln_alloc_re(gone, nullptr, 100), "not a live pool");
  EXPECT_DEATH(mln_alloc_re(gone, block, 200), Says("mln_alloc_re", "not a live pool", "not a live pool"));
  EXPECT_DEATH(mln_alloc_init(gone),
               Says("mln_alloc_init", "the parent is not a live pool", "the parent is not a live pool"));
  EXPECT_DEATH(mln_alloc_init_capacity(gone, 4096), "the parent is not a live pool");
  EXPECT_DEATH(mln_alloc_destroy(gone), "not a live pool");
  struct mln_alloc_stats_s stats;
  EXPECT_EQ(mln_alloc_stats(gone, &stats), -1);
  EXPECT_EQ(mln_alloc_check(gone), -1);
  EXPECT_EQ(mln_alloc_available_capacity(gone), 0u);
  mln_alloc_free(block);
}

// A grandchild lives in its parent's spans: destroying the parent takes it
// along, and its handle and blocks are refused, not served from memory that
// the root now owns.
TEST_F(PoolHandle, PoolsBelowADestroyedPoolAreRefused) {
  mln_alloc_t *mid = mln_alloc_init(root_);
  mln_alloc_t *leaf = mln_alloc_init(mid);
  mln_alloc_t *deeper = mln_alloc_init(leaf);
  ASSERT_NE(deeper, nullptr);
  void *in_leaf = mln_alloc_m(leaf, 500);
  void *in_deeper = mln_alloc_m(deeper, 70000);  // a span of its own (firmware: one grown to fit it)
  mln_alloc_destroy(mid);
  for (mln_alloc_t *orphan : {leaf, deeper}) {
    EXPECT_DEATH(mln_alloc_m(orphan, 10), "not a live pool");
    EXPECT_DEATH(mln_alloc_init(orphan), "the parent is not a live pool");
    EXPECT_DEATH(mln_alloc_destroy(orphan), "not a live pool");
    struct mln_alloc_stats_s stats;
    EXPECT_EQ(mln_alloc_stats(orphan, &stats), -1);
    EXPECT_EQ(mln_alloc_check(orphan), -1);
    EXPECT_EQ(mln_alloc_available_capacity(orphan), 0u);
  }
  EXPECT_DEATH(mln_alloc_free(in_leaf),
               Says("mln_alloc_free", "the block's pool was destroyed", "the block's pool was destroyed"));
  EXPECT_DEATH(mln_alloc_free(in_deeper), "the block's pool was destroyed");
  EXPECT_DEATH(mln_alloc_re(root_, in_leaf, 900), "the block's pool was destroyed");
  EXPECT_EQ(mln_alloc_check(root_), 0);
}

// Freeing a block of a destroyed pool gets the same answer in every layout
// while the pool's memory is kept as it was: a child's home freed into its
// parent's bins (whose link is written over the home's first word), a
// child's large block, a root's blocks in the span cache, a region's. It
// used to be "not allocated by any pool" in half of them, and a root's
// large block read as a double free.
TEST_F(PoolHandle, FreeingABlockOfADestroyedPoolSaysSoInEveryLayout) {
  const std::string says =
      Says("mln_alloc_free", "the block's pool was destroyed", "the block's pool was destroyed");
  void *before = mln_alloc_m(root_, 40000);  // the children's homes lie between used blocks
  mln_alloc_t *child = mln_alloc_init(root_);
  void *after = mln_alloc_m(root_, 40000);
  void *small = mln_alloc_m(child, 100);        // in its home
  void *large = mln_alloc_m(child, 100000);     // a span of its own (firmware: one grown to fit it)
  void *grown = nullptr;
  for (int i = 0; i < 64; i++) grown = mln_alloc_m(child, 3000);  // in a grown span
  mln_alloc_destroy(child);
  EXPECT_DEATH(mln_alloc_free(small), says);
  EXPECT_DEATH(mln_alloc_free(large), says);
  EXPECT_DEATH(mln_alloc_free(grown), says);
  EXPECT_DEATH(mln_alloc_re(root_, small, 10),
               Says("mln_alloc_re", "the block's pool was destroyed", "the block's pool was destroyed"));
  mln_alloc_t *root = mln_alloc_init(nullptr);
  void *in_root = mln_alloc_m(root, 100);
  void *large_in_root = mln_alloc_m(root, 1 << 20);
  mln_alloc_destroy(root);  // its spans go to the span cache
  EXPECT_DEATH(mln_alloc_free(in_root), says);
  EXPECT_DEATH(mln_alloc_free(large_in_root), says);
  alignas(16) static unsigned char region[16 * 1024];
  mln_alloc_t *fixed = mln_alloc_region_init(region, sizeof region);
  void *in_region = mln_alloc_m(fixed, 100);
  mln_alloc_destroy(fixed);
  EXPECT_DEATH(mln_alloc_free(in_region), says);
  EXPECT_EQ(mln_alloc_check(root_), 0);
  mln_alloc_free(before);
  mln_alloc_free(after);
}

TEST_F(PoolHandle, ADestroyedRegionPoolIsRefused) {
  alignas(16) static unsigned char region[16 * 1024];
  mln_alloc_t *fixed = mln_alloc_region_init(region, sizeof region);
  mln_alloc_t *below = mln_alloc_init(fixed);
  ASSERT_NE(below, nullptr);
  mln_alloc_destroy(fixed);
  EXPECT_DEATH(mln_alloc_m(fixed, 10), "not a live pool");
  EXPECT_DEATH(mln_alloc_m(below, 10), "not a live pool");
  EXPECT_DEATH(mln_alloc_destroy(fixed), "not a live pool");
  EXPECT_EQ(mln_alloc_check(fixed), -1);
}

// ---- a destroyed shared pool ----

TEST(DestroyedSharedPool, LaterCallsAreRefusedNotFaults) {
  mln_alloc_t *shm = SharedPool(1 << 20);
  ASSERT_NE(shm, nullptr);
  ASSERT_NE(mln_alloc_m(shm, 100), nullptr);
  mln_alloc_destroy(shm);
  struct mln_alloc_stats_s stats;
  EXPECT_EQ(mln_alloc_stats(shm, &stats), -1);
  EXPECT_EQ(mln_alloc_check(shm), -1);
  EXPECT_EQ(mln_alloc_available_capacity(shm), 0u);
  EXPECT_EQ(mln_alloc_shm_failed(shm), 0);
  EXPECT_EQ(mln_alloc_shm_recover(shm), -1);
  EXPECT_EQ(mln_alloc_shm_reclaim(shm, 1), -1);
  EXPECT_DEATH(mln_alloc_destroy(shm), "not a live pool");
  EXPECT_DEATH(mln_alloc_m(shm, 10), "not a live pool");
  EXPECT_DEATH(mln_alloc_init(shm), "the parent is not a live pool");
}

// Each destroyed shared pool leaves a read-only page behind, a mapping of
// its own; only the most recent ones are kept, so that a process creating
// and destroying shared pools for ever never reaches the kernel's limit on
// mappings (after which every mmap, malloc's too, would fail).
TEST(DestroyedSharedPool, EndlessCreateAndDestroyStaysWithinTheMappingLimit) {
  long limit = 65530;  // vm.max_map_count's default
  if (FILE *f = std::fopen("/proc/sys/vm/max_map_count", "r")) {
    if (std::fscanf(f, "%ld", &limit) != 1) limit = 65530;
    std::fclose(f);
  }
  mln_alloc_t *last = nullptr;
  for (long i = 0; i < limit + 1000; i++) {
    last = SharedPool(MLN_ALLOC_SHM_MIN_SIZE);
    ASSERT_NE(last, nullptr) << "after " << i << " shared pools";
    mln_alloc_destroy(last);
  }
  EXPECT_EQ(mln_alloc_check(last), -1);  // the newest stale handle is still refused
  mln_alloc_t *shm = SharedPool(1 << 20);
  ASSERT_NE(shm, nullptr);
  EXPECT_NE(mln_alloc_m(shm, 100), nullptr);
  mln_alloc_destroy(shm);
}

// Destroying lets the region go in the calling process only: a worker that
// destroys its view on the way out leaves the pool to everybody else.
TEST(DestroyedSharedPool, AWorkerDestroyingItsViewLeavesThePoolToTheOthers) {
  mln_alloc_t *shm = SharedPool(1 << 20);
  ASSERT_NE(shm, nullptr);
  auto *kept = static_cast<char *>(mln_alloc_m(shm, 64));
  std::strcpy(kept, "parent's");
  pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    mln_alloc_t *sub = mln_alloc_init(shm);
    void *p = mln_alloc_m(sub, 1000);
    mln_alloc_free(p);
    mln_alloc_destroy(sub);
    mln_alloc_destroy(shm);
    _exit(0);
  }
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  EXPECT_EQ(mln_alloc_check(shm), 0);
  EXPECT_STREQ(kept, "parent's");
  void *more = mln_alloc_m(shm, 5000);
  EXPECT_NE(more, nullptr);
  mln_alloc_t *sub = mln_alloc_init(shm);
  EXPECT_NE(sub, nullptr);
  mln_alloc_destroy(sub);
  mln_alloc_free(more);
  mln_alloc_free(kept);
  mln_alloc_destroy(shm);
}

// ---- shared-pool diagnostics after a lock holder died ----

// A worker killed inside mln_alloc_m(shm, ...) leaves the journal dirty (the
// probe plays the torn call). Stats and check recover first, as every call
// that reads the pool does: they see the pool as recovery leaves it.
TEST(SharedDiagnostics, StatsAndCheckRecoverFirst) {
  mln_alloc_t *shm = SharedPool(1 << 20);
  ASSERT_NE(shm, nullptr);
  void *keep = mln_alloc_m(shm, 100);
  struct mln_alloc_stats_s before, after;
  ASSERT_EQ(mln_alloc_stats(shm, &before), 0);
  ASSERT_NE(probe_shared_torn_alloc(shm, 5000), nullptr);
  unsigned long recoveries = probe_shared_recoveries(shm);
  ASSERT_EQ(mln_alloc_stats(shm, &after), 0);
  EXPECT_EQ(probe_shared_recoveries(shm), recoveries + 1);
  EXPECT_EQ(after.bytes_in_use, before.bytes_in_use);  // the torn allocation is undone

  ASSERT_NE(probe_shared_torn_alloc(shm, 7000), nullptr);
  EXPECT_EQ(mln_alloc_check(shm), 0);
  EXPECT_EQ(probe_shared_recoveries(shm), recoveries + 2);

  ASSERT_NE(probe_shared_torn_alloc(shm, 9000), nullptr);
  probe_shared_undo_only(shm);  // the recovering process died too
  EXPECT_EQ(mln_alloc_check(shm), 0);
  ASSERT_EQ(mln_alloc_stats(shm, &after), 0);
  EXPECT_EQ(after.bytes_in_use, before.bytes_in_use);
  EXPECT_EQ(mln_alloc_shm_failed(shm), 0);
  mln_alloc_free(keep);
  mln_alloc_destroy(shm);
}

}  // namespace
