// mln_alloc_stats: the figures follow what the pool does.
#include <gtest/gtest.h>

#include <sys/wait.h>
#include <unistd.h>

#include <vector>

#include "mln_alloc.h"
#include "tests/pool_probe.h"

namespace {

struct mln_alloc_stats_s Stats(const mln_alloc_t *pool) {
  struct mln_alloc_stats_s s = {};
  EXPECT_EQ(mln_alloc_stats(pool, &s), 0);
  return s;
}

TEST(Stats, BadArgumentsAreRefused) {
  struct mln_alloc_stats_s s;
  EXPECT_EQ(mln_alloc_stats(nullptr, &s), -1);
  mln_alloc_t *pool = mln_alloc_init(nullptr);
  EXPECT_EQ(mln_alloc_stats(pool, nullptr), -1);
  mln_alloc_destroy(pool);
}

TEST(Stats, CountsFollowAllocationAndFree) {
  mln_alloc_t *pool = mln_alloc_init(nullptr);
  struct mln_alloc_stats_s fresh = Stats(pool);
  EXPECT_EQ(fresh.bytes_in_use, 0u);
  EXPECT_EQ(fresh.allocations, 0u);
  EXPECT_GE(fresh.capacity, 64u * 1024);
  EXPECT_GT(fresh.largest_free, 32u * 1024);
  std::vector<void *> blocks;
  for (int i = 0; i < 100; i++) blocks.push_back(mln_alloc_m(pool, 1000));
  struct mln_alloc_stats_s full = Stats(pool);
  EXPECT_EQ(full.allocations, 100u);
  EXPECT_EQ(full.bytes_in_use, probe_used_bytes(pool));
  EXPECT_GE(full.bytes_in_use, 100u * 1000);
  EXPECT_GT(full.capacity, fresh.capacity);  // it grew
  for (void *p : blocks) mln_alloc_free(p);
  struct mln_alloc_stats_s after = Stats(pool);
  EXPECT_EQ(after.frees, 100u);
  EXPECT_EQ(after.bytes_in_use, 0u);
  EXPECT_EQ(after.peak_bytes_in_use, full.bytes_in_use);
  EXPECT_EQ(mln_alloc_m(pool, SIZE_MAX), nullptr);
  EXPECT_EQ(Stats(pool).failures, 1u);
  mln_alloc_destroy(pool);
}

TEST(Stats, LargestFreeIsReallyAvailable) {
  alignas(16) static unsigned char region[64 * 1024];
  mln_alloc_t *pool = mln_alloc_region_init(region, sizeof region);
  std::vector<void *> blocks;
  for (void *p; (p = mln_alloc_m(pool, 700)) != nullptr;) blocks.push_back(p);
  for (size_t i = 0; i < blocks.size(); i += 3) mln_alloc_free(blocks[i]);
  size_t largest = Stats(pool).largest_free;
  EXPECT_GE(largest, 700u);
  EXPECT_NE(mln_alloc_m(pool, largest / 16 * 15), nullptr);
  mln_alloc_destroy(pool);
}

TEST(Stats, ReallocThatMovesOrResizesKeepsTheCountsTrue) {
  mln_alloc_t *pool = mln_alloc_init(nullptr);
  void *p = mln_alloc_m(pool, 16);
  void *blocker = mln_alloc_m(pool, 16);  // the first growth must move
  for (size_t n = 32; n <= 64 * 1024; n *= 2) {
    p = mln_alloc_re(pool, p, n);
    ASSERT_NE(p, nullptr);
    EXPECT_EQ(Stats(pool).bytes_in_use, probe_used_bytes(pool)) << n;
  }
  p = mln_alloc_re(pool, p, 40);  // shrinks in place
  EXPECT_EQ(Stats(pool).bytes_in_use, probe_used_bytes(pool));
  mln_alloc_free(p);
  mln_alloc_free(blocker);
  struct mln_alloc_stats_s end = Stats(pool);
  EXPECT_EQ(end.bytes_in_use, 0u);
  EXPECT_EQ(end.allocations, end.frees);
  mln_alloc_destroy(pool);
}

TEST(Stats, ChildSpansCountInTheParent) {
  mln_alloc_t *root = mln_alloc_init(nullptr);
  size_t before = Stats(root).bytes_in_use;
  mln_alloc_t *child = mln_alloc_init(root);
  mln_alloc_m(child, 100);
  EXPECT_GT(Stats(root).bytes_in_use, before);
  EXPECT_EQ(Stats(child).allocations, 1u);
  mln_alloc_destroy(child);
  EXPECT_EQ(Stats(root).bytes_in_use, before);
  mln_alloc_destroy(root);
}

int NoLock(void *) { return 0; }

// A shared pool's bytes in use come from its blocks, so they include what a
// forked worker's sub-pool took, which no counter of this process saw.
TEST(Stats, SharedPoolCountsWhatOtherProcessesTook) {
  struct mln_alloc_shm_attr_s attr = {1 << 20, nullptr, NoLock, NoLock};
  mln_alloc_t *shm = mln_alloc_shm_init(&attr);
  ASSERT_NE(shm, nullptr);
  void *direct = mln_alloc_m(shm, 1000);
  struct mln_alloc_stats_s before = Stats(shm);
  EXPECT_GE(before.bytes_in_use, 1000u);
  EXPECT_EQ(before.allocations, 1u);
  pid_t pid = fork();
  if (pid == 0) {
    mln_alloc_t *mine = mln_alloc_init(shm);  // kept: the parent counts it
    _exit(mine != nullptr && mln_alloc_m(mine, 50000) != nullptr ? 0 : 1);
  }
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  struct mln_alloc_stats_s after = Stats(shm);
  EXPECT_GE(after.bytes_in_use, before.bytes_in_use + 50000);
  EXPECT_EQ(after.allocations, 1u);  // this process made no new call
  EXPECT_EQ(mln_alloc_shm_reclaim(shm, pid), 1);  // the one sub-pool
  EXPECT_EQ(Stats(shm).bytes_in_use, before.bytes_in_use);
  mln_alloc_free(direct);
  EXPECT_EQ(Stats(shm).bytes_in_use, 0u);
  mln_alloc_destroy(shm);
}

}  // namespace
