// SPDX-License-Identifier: MIT
// mln_alloc_stats: the figures follow what the pool does.
#include <gtest/gtest.h>

#include <algorithm>

#include <sys/wait.h>
#include <unistd.h>

#include <cstdint>
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
  // A root's home span: 64 KiB in services, 4 KiB in firmware (alloc/kind_heap.c).
  const size_t home = probe_profile_is_firmware() ? 4u * 1024 : 64u * 1024;
  EXPECT_GE(fresh.bytes_held, home);
  EXPECT_GT(fresh.largest_free, home / 2);
  std::vector<void *> blocks;
  for (int i = 0; i < 100; i++) blocks.push_back(mln_alloc_m(pool, 1000));
  struct mln_alloc_stats_s full = Stats(pool);
  EXPECT_EQ(full.allocations, 100u);
  EXPECT_EQ(full.bytes_in_use, probe_used_bytes(pool));
  EXPECT_GE(full.bytes_in_use, 100u * 1000);
  EXPECT_GT(full.bytes_held, fresh.bytes_held);  // it grew
  for (void *p : blocks) mln_alloc_free(p);
  struct mln_alloc_stats_s after = Stats(pool);
  EXPECT_EQ(after.frees, 100u);
  EXPECT_EQ(after.bytes_in_use, 0u);
  EXPECT_EQ(after.peak_bytes_in_use, full.bytes_in_use);
  EXPECT_EQ(mln_alloc_m(pool, SIZE_MAX), nullptr);
  EXPECT_EQ(Stats(pool).failures, 1u);
  mln_alloc_destroy(pool);
}

// The peak is the most bytes_in_use has ever been, whichever path changed
// it: cached and bumped blocks, the engine's, large blocks, reallocation in
// place (both ways), frees of every kind. Two steps hold more for a moment
// than before or after (a reallocation that moves holds both blocks; a
// child's block may take a span, given back with it): their peak is at
// least what was seen, and the next steps must keep it exactly.
TEST(Stats, PeakIsTheMostEverInUse) {
  mln_alloc_t *pool = mln_alloc_init(nullptr);
  mln_alloc_t *child = mln_alloc_init(pool);
  std::vector<void *> blocks;
  uint64_t x = 0x9e3779b97f4a7c15u;
  size_t most = Stats(pool).peak_bytes_in_use;
  int transient = 0;
  for (int step = 0; step < 20000; step++) {
    x ^= x << 13, x ^= x >> 7, x ^= x << 17;
    size_t n = (x >> 8) % 100 == 0 ? 70000 + (x >> 20) % 50000 : 1 + (x >> 20) % 3000;
    bool exact = true;
    switch ((x >> 40) % 6) {
      case 0:
      case 1:
        blocks.push_back(mln_alloc_m(pool, n));
        break;
      case 2:
        if (!blocks.empty()) {
          size_t i = (x >> 24) % blocks.size();
          void *q = mln_alloc_re(pool, blocks[i], n);
          exact = q == nullptr || q == blocks[i];  // in place, or nothing changed
          if (q != nullptr) blocks[i] = q;
        }
        break;
      case 3:
        mln_alloc_free(mln_alloc_m(child, n));
        exact = false;
        break;
      default:
        if (!blocks.empty()) {
          size_t i = (x >> 24) % blocks.size();
          mln_alloc_free(blocks[i]);
          blocks[i] = blocks.back();
          blocks.pop_back();
        }
    }
    struct mln_alloc_stats_s s = Stats(pool);
    most = std::max(most, s.bytes_in_use);
    if (exact) {
      ASSERT_EQ(s.peak_bytes_in_use, most) << "step " << step;
    } else {
      ASSERT_GE(s.peak_bytes_in_use, most) << "step " << step;
      transient += s.peak_bytes_in_use > most;
      most = s.peak_bytes_in_use;
    }
  }
  EXPECT_GT(transient, 0);  // the moments between were seen too
  EXPECT_EQ(mln_alloc_check(pool), 0);
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

// Every field names what it holds: the bytes held are not the limit, and the
// limit is what the pool was given (a 1000-byte pool held ~5.7 KiB and
// reported that as its "capacity").
TEST(Stats, BytesHeldAndCapacityLimitAreSeparateFigures) {
  mln_alloc_t *root = mln_alloc_init(nullptr);
  EXPECT_EQ(Stats(root).capacity_limit, M_ALLOC_INFINITE_SIZE);
  mln_alloc_t *capped = mln_alloc_init_capacity(root, 1000);
  ASSERT_NE(capped, nullptr);
  struct mln_alloc_stats_s s = Stats(capped);
  EXPECT_EQ(s.capacity_limit, 1000u);
  EXPECT_GT(s.bytes_held, 1000u);  // its control structure alone is larger
  EXPECT_EQ(Stats(mln_alloc_init_capacity(root, 0)).capacity_limit, M_ALLOC_INFINITE_SIZE);
  alignas(16) static unsigned char region[32 * 1024];
  mln_alloc_t *fixed = mln_alloc_region_init(region, sizeof region);
  s = Stats(fixed);
  EXPECT_EQ(s.bytes_held, sizeof region);
  EXPECT_LT(s.capacity_limit, sizeof region);  // the region less the pool's own structure
  EXPECT_GT(s.capacity_limit, sizeof region / 2);
  EXPECT_GE(s.capacity_limit, s.largest_free);
  mln_alloc_destroy(fixed);
  mln_alloc_destroy(root);
}

// largest_free's promise: a request of up to 15/16 of it is served without
// the pool growing, at every size class, above the large-block threshold
// too (256 KiB in a root, 64 KiB in a child: such requests used to take a
// span of their own even when a free block was large enough). The search
// rounds a request up to its size class, 16 per power of two in services
// but 2 in firmware (alloc/profile.h, MLN_SL_LOG2): there the promise is
// half of it. Firmware has no large-block threshold either (every block is
// served from the pool's spans, grown to fit it, and an emptied span goes
// straight back, so its largest free block stays within a grown span): the
// requests past the pool's home span (4 KiB in a root, 1 KiB in a child),
// served from the grown spans' free blocks, stand in for them.
TEST(Stats, LargestFreeServesWithoutGrowingAtEverySizeClass) {
  const bool firmware = probe_profile_is_firmware();
  const size_t classes = firmware ? 2 : 16;  // per power of two

  uint64_t rng = 0x2545F4914F6CDD1Dull;
  auto next = [&rng]() {
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
  };
  int above_threshold = 0, checks = 0;
  mln_alloc_t *root = mln_alloc_init(nullptr);
  mln_alloc_t *child = mln_alloc_init(root);
  for (mln_alloc_t *pool : {root, child}) {
    std::vector<void *> live;
    // Sizes from 16 B to 2 MiB, each size class of the engine (16 per power
    // of two: services' classes, and firmware's two among them).
    for (size_t power = 16; power <= (size_t{2} << 20); power *= 2) {
      for (size_t step = 0; step < 16; step++) {
        size_t size = power + step * (power / 16);
        for (int i = 0; i < 3; i++) live.push_back(mln_alloc_m(pool, size));
        // Free a random half, so that free blocks of many sizes form.
        for (size_t k = 0; k < live.size() / 2; k++) {
          size_t at = next() % live.size();
          mln_alloc_free(live[at]);
          live[at] = live.back();
          live.pop_back();
        }
        struct mln_alloc_stats_s before = Stats(pool);
        size_t want = before.largest_free / classes * (classes - 1);
        if (want == 0) continue;
        void *p = mln_alloc_m(pool, want);
        ASSERT_NE(p, nullptr) << want;
        EXPECT_EQ(Stats(pool).bytes_held, before.bytes_held)
            << "asked " << want << " of a largest free block of " << before.largest_free;
        checks++;
        size_t threshold = firmware ? (pool == root ? 4u : 1u) * 1024 : (pool == root ? 256u : 64u) * 1024;
        if (want > threshold) above_threshold++;
        mln_alloc_free(p);
      }
    }
    for (void *p : live) mln_alloc_free(p);
  }
  EXPECT_GT(checks, 200);
  EXPECT_GT(above_threshold, 20);
  mln_alloc_destroy(root);
}

// A shared pool's peak is never below its bytes in use, although its own
// counter hears only its direct calls: every count from the blocks (stats,
// check) goes into it, so sub-pools' homes and spans, this process's or
// another's, are in the peak once seen, and stay there when given back.
TEST(Stats, SharedPeakIsNeverBelowBytesInUse) {
  struct mln_alloc_shm_attr_s attr = {1 << 20, nullptr, NoLock, NoLock};
  mln_alloc_t *shm = mln_alloc_shm_init(&attr);
  ASSERT_NE(shm, nullptr);
  void *direct = mln_alloc_m(shm, 1000);
  mln_alloc_t *mine = mln_alloc_init(shm);
  ASSERT_NE(mine, nullptr);
  ASSERT_NE(mln_alloc_m(mine, 100000), nullptr);  // a span of the shared pool
  struct mln_alloc_stats_s with = Stats(shm);
  EXPECT_GE(with.bytes_in_use, 100000u);
  EXPECT_GE(with.peak_bytes_in_use, with.bytes_in_use);
  mln_alloc_destroy(mine);
  struct mln_alloc_stats_s without = Stats(shm);
  EXPECT_LT(without.bytes_in_use, with.bytes_in_use);
  EXPECT_GE(without.peak_bytes_in_use, with.bytes_in_use);  // seen once, kept
  pid_t pid = fork();
  if (pid == 0) {
    mln_alloc_t *theirs = mln_alloc_init(shm);
    bool ok = theirs != nullptr && mln_alloc_m(theirs, 300000) != nullptr && mln_alloc_check(shm) == 0;
    mln_alloc_destroy(theirs);  // counted by check, in this process, then gone
    _exit(ok ? 0 : 1);
  }
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  struct mln_alloc_stats_s after = Stats(shm);
  EXPECT_EQ(after.bytes_in_use, without.bytes_in_use);
  EXPECT_GE(after.peak_bytes_in_use, 300000u);  // the peak lives in the region
  mln_alloc_free(direct);
  EXPECT_GE(Stats(shm).peak_bytes_in_use, 300000u);
  mln_alloc_destroy(shm);
}

// largest_free is what the pool would grant now: in a capped pool, whose
// capacity may refuse before its free space runs out, a request of all of
// it is served (it used to report a free block of 2,944 bytes while
// refusing 2,760 for the capacity).
TEST(Stats, LargestFreeIsWithinTheCapacity) {
  uint64_t x = 0x853c49e6748fea9bu;
  mln_alloc_t *root = mln_alloc_init(nullptr);
  int checks = 0, capped_by_capacity = 0;
  for (size_t capacity : {size_t{3000}, size_t{8192}, size_t{20000}, size_t{70000}, size_t{300000}}) {
    mln_alloc_t *pools[] = {mln_alloc_init_capacity(nullptr, capacity), mln_alloc_init_capacity(root, capacity)};
    for (mln_alloc_t *pool : pools) {
      ASSERT_NE(pool, nullptr) << capacity;
      std::vector<void *> live;
      for (int step = 0; step < 400; step++) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        size_t n = (x >> 8) % 4 == 0 ? 1 + (x >> 16) % (capacity / 2) : 1 + (x >> 16) % 600;
        if ((x >> 40) % 3 != 0 || live.empty()) {
          if (void *p = mln_alloc_m(pool, n)) live.push_back(p);
        } else {
          size_t i = (x >> 24) % live.size();
          mln_alloc_free(live[i]);
          live[i] = live.back();
          live.pop_back();
        }
        struct mln_alloc_stats_s s = Stats(pool);
        if (s.largest_free == 0) continue;
        ASSERT_LE(s.largest_free + probe_block_header(), s.capacity_limit - s.bytes_in_use)
            << "capacity " << capacity << " step " << step;
        void *p = mln_alloc_m(pool, s.largest_free);
        ASSERT_NE(p, nullptr) << "capacity " << capacity << " step " << step << ": largest_free "
                              << s.largest_free << ", " << s.capacity_limit - s.bytes_in_use
                              << " bytes of capacity left";
        mln_alloc_free(p);
        checks++;
        void *more = mln_alloc_m(pool, s.largest_free + probe_block_header() * 2);
        capped_by_capacity += more == nullptr;
        mln_alloc_free(more);
      }
      for (void *p : live) mln_alloc_free(p);
      EXPECT_EQ(Stats(pool).bytes_in_use, 0u);
      mln_alloc_destroy(pool);
    }
  }
  EXPECT_GT(checks, 3000);
  EXPECT_GT(capped_by_capacity, 100);  // the capacity, not the free space, was the bound
  mln_alloc_destroy(root);
}

}  // namespace
