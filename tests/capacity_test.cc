// SPDX-License-Identifier: MIT
// Capacity-limited pools (mln_alloc_init_capacity, mln_alloc_shm_init_capacity,
// mln_alloc_available_capacity), through the default header's names.
#include <gtest/gtest.h>

#include <cstring>
#include <vector>

#include "mln_alloc.h"
#include "tests/pool_probe.h"

namespace {

constexpr size_t KiB = 1024;

struct mln_alloc_stats_s Stats(const mln_alloc_t *pool) {
  struct mln_alloc_stats_s s = {};
  EXPECT_EQ(mln_alloc_stats(pool, &s), 0);
  return s;
}

size_t InUse(const mln_alloc_t *pool) { return Stats(pool).bytes_in_use; }

// The firmware profile (alloc/profile.h): no front cache, no size classes,
// small homes and spans.
bool Firmware() { return probe_profile_is_firmware() != 0; }

// Bytes a request of `n` occupies: payload plus header, aligned, at least a
// minimum block; up to 4 KiB, rounded up to its size class (16 per power of
// two above 16 alignment units) where the profile has the front cache, as
// the header says.
size_t BlockBytes(size_t n) {
  size_t a = MLN_ALLOC_ALIGNMENT;
  size_t b = (n + probe_block_header() + a - 1) / a * a;
  if (b < probe_block_min()) return probe_block_min();
  if (!Firmware() && b > 16 * a && b <= 4096) {
    size_t power = 1;
    while (power * 2 <= b) power *= 2;
    size_t granule = power / 16;
    b = (b + granule - 1) / granule * granule;
  }
  return b;
}

// Allocate blocks of `n` bytes until the pool refuses.
std::vector<void *> Fill(mln_alloc_t *pool, size_t n, size_t most = 1 << 20) {
  std::vector<void *> blocks;
  for (void *p; blocks.size() < most && (p = mln_alloc_m(pool, n)) != nullptr;)
    blocks.push_back(p);
  return blocks;
}

void FreeAll(std::vector<void *> &blocks) {
  for (void *p : blocks) mln_alloc_free(p);
  blocks.clear();
}

TEST(Capacity, LimitReachedGivesNullAndThePoolStaysUsable) {
  const size_t capacity = 16 * KiB + 64;
  mln_alloc_t *pool = mln_alloc_init_capacity(nullptr, capacity);
  ASSERT_NE(pool, nullptr);
  std::vector<void *> blocks = Fill(pool, 100);
  ASSERT_FALSE(blocks.empty());
  EXPECT_LE(InUse(pool), capacity);
  EXPECT_GT(InUse(pool) + BlockBytes(100), capacity);  // refused only when it had to be
  struct mln_alloc_stats_s s = Stats(pool);
  EXPECT_EQ(s.failures, 1u);
  EXPECT_EQ(s.allocations, blocks.size());
  EXPECT_EQ(s.bytes_in_use, probe_used_bytes(pool));
  EXPECT_EQ(mln_alloc_m(pool, 100), nullptr);
  EXPECT_EQ(mln_alloc_c(pool, 100), nullptr);
  EXPECT_EQ(Stats(pool).failures, 3u);
  EXPECT_EQ(mln_alloc_check(pool), 0);
  // A smaller request still fits in what is left, to the byte.
  size_t left = capacity - InUse(pool);
  ASSERT_GE(left, probe_block_min());
  void *last = mln_alloc_m(pool, left - probe_block_header());
  if (last == nullptr && !probe_profile_has_wilderness()) {
    // Firmware (mln_alloc_init_capacity): the free block that would serve
    // it is a few bytes larger, and no block can be cut to size. Refused
    // cleanly, nothing changed; a minimum block less does fit.
    EXPECT_EQ(InUse(pool), capacity - left);
    EXPECT_EQ(Stats(pool).failures, 4u);
    ASSERT_GE(left, 2 * probe_block_min());
    last = mln_alloc_m(pool, left - probe_block_min() - probe_block_header());
    ASSERT_NE(last, nullptr);
    EXPECT_LE(InUse(pool), capacity);
    EXPECT_GE(InUse(pool), capacity - probe_block_min());
  } else {
    EXPECT_NE(last, nullptr);
    EXPECT_EQ(InUse(pool), capacity);
    EXPECT_EQ(mln_alloc_available_capacity(pool), 0u);
  }
  mln_alloc_free(last);
  mln_alloc_free(blocks.back());
  blocks.pop_back();
  void *again = mln_alloc_m(pool, 100);
  EXPECT_NE(again, nullptr);
  blocks.push_back(again);
  EXPECT_EQ(mln_alloc_check(pool), 0);
  mln_alloc_destroy(pool);
}

TEST(Capacity, EveryByteOfABlockCounts) {
  size_t block = BlockBytes(100);
  mln_alloc_t *pool = mln_alloc_init_capacity(nullptr, 10 * block);
  std::vector<void *> blocks = Fill(pool, 100);
  EXPECT_EQ(blocks.size(), 10u);
  EXPECT_EQ(InUse(pool), 10 * block);
  EXPECT_EQ(mln_alloc_available_capacity(pool), 0u);
  FreeAll(blocks);
  EXPECT_EQ(mln_alloc_available_capacity(pool), 10 * block);
  mln_alloc_destroy(pool);
}

TEST(Capacity, FreesGiveCapacityBack) {
  mln_alloc_t *pool = mln_alloc_init_capacity(nullptr, 64 * KiB);
  EXPECT_EQ(mln_alloc_available_capacity(pool), 64 * KiB);
  for (int round = 0; round < 3; round++) {
    std::vector<void *> small = Fill(pool, 200);
    size_t count = small.size();
    EXPECT_EQ(count, 64 * KiB / BlockBytes(200)) << round;
    EXPECT_LT(mln_alloc_available_capacity(pool), BlockBytes(200));
    // Half back, then larger blocks in their place.
    for (size_t i = 0; i < small.size(); i += 2) mln_alloc_free(small[i]);
    size_t freed = (count + 1) / 2 * BlockBytes(200);
    EXPECT_GE(mln_alloc_available_capacity(pool), freed);
    std::vector<void *> big = Fill(pool, 3000);
    EXPECT_FALSE(big.empty());
    EXPECT_LE(InUse(pool), 64 * KiB);
    EXPECT_EQ(mln_alloc_check(pool), 0);
    for (size_t i = 1; i < small.size(); i += 2) mln_alloc_free(small[i]);
    FreeAll(big);
    EXPECT_EQ(InUse(pool), 0u);
    EXPECT_EQ(mln_alloc_available_capacity(pool), 64 * KiB);
  }
  mln_alloc_destroy(pool);
}

TEST(Capacity, LargeBlocksCountTheirWholeSpanAndGoBack) {
  mln_alloc_t *pool = mln_alloc_init_capacity(nullptr, 1024 * KiB);
  void *a = mln_alloc_m(pool, 600 * KiB);  // a span of its own
  ASSERT_NE(a, nullptr);
  EXPECT_GE(InUse(pool), BlockBytes(600 * KiB));
  EXPECT_EQ(mln_alloc_m(pool, 600 * KiB), nullptr);
  EXPECT_EQ(mln_alloc_m(pool, SIZE_MAX / 4), nullptr);
  EXPECT_EQ(mln_alloc_check(pool), 0);
  mln_alloc_free(a);
  EXPECT_EQ(InUse(pool), 0u);
  void *b = mln_alloc_m(pool, 1000 * KiB);
  EXPECT_NE(b, nullptr);
  EXPECT_LE(InUse(pool), 1024 * KiB);
  mln_alloc_free(b);
  EXPECT_EQ(mln_alloc_check(pool), 0);
  mln_alloc_destroy(pool);
}

TEST(Capacity, CallocRespectsTheLimitAndZeroes) {
  mln_alloc_t *pool = mln_alloc_init_capacity(nullptr, 8 * KiB);
  std::vector<void *> blocks;
  for (void *p; (p = mln_alloc_c(pool, 500)) != nullptr;) {
    for (size_t i = 0; i < 500; i++) ASSERT_EQ(static_cast<unsigned char *>(p)[i], 0);
    std::memset(p, 0xab, 500);
    blocks.push_back(p);
  }
  EXPECT_EQ(blocks.size(), 8 * KiB / BlockBytes(500));
  mln_alloc_free(blocks[0]);
  unsigned char *z = static_cast<unsigned char *>(mln_alloc_c(pool, 500));
  ASSERT_NE(z, nullptr);  // reuses the freed block, zeroed again
  for (size_t i = 0; i < 500; i++) ASSERT_EQ(z[i], 0);
  blocks[0] = z;
  FreeAll(blocks);
  EXPECT_EQ(mln_alloc_check(pool), 0);
  mln_alloc_destroy(pool);
}

TEST(Capacity, ReallocGrowsInPlaceWithinTheLimit) {
  // All of it inside the pool's home span (a few KiB in firmware).
  const size_t capacity = Firmware() ? 3 * KiB : 32 * KiB;
  const size_t grown = Firmware() ? 2 * KiB : 20 * KiB;
  mln_alloc_t *pool = mln_alloc_init_capacity(nullptr, capacity);
  char *p = static_cast<char *>(mln_alloc_m(pool, 1000));
  std::memset(p, 'x', 1000);
  char *q = static_cast<char *>(mln_alloc_re(pool, p, grown));
  EXPECT_EQ(q, p);  // the wilderness after it
  EXPECT_EQ(InUse(pool), BlockBytes(grown));
  // Past the limit: refused, the block as it was.
  size_t failures = Stats(pool).failures;
  EXPECT_EQ(mln_alloc_re(pool, q, capacity + 8 * KiB), nullptr);
  EXPECT_EQ(Stats(pool).failures, failures + 1);
  EXPECT_EQ(InUse(pool), BlockBytes(grown));
  EXPECT_EQ(probe_usable_size(q), BlockBytes(grown) - probe_block_header());
  for (size_t i = 0; i < 1000; i++) ASSERT_EQ(q[i], 'x');
  // Up to the limit exactly.
  q = static_cast<char *>(mln_alloc_re(pool, q, capacity - probe_block_header()));
  ASSERT_EQ(q, p);
  EXPECT_EQ(InUse(pool), capacity);
  EXPECT_EQ(mln_alloc_available_capacity(pool), 0u);
  // Shrinking gives bytes back.
  q = static_cast<char *>(mln_alloc_re(pool, q, 2000));
  EXPECT_EQ(q, p);
  EXPECT_EQ(InUse(pool), BlockBytes(2000));
  for (size_t i = 0; i < 1000; i++) ASSERT_EQ(q[i], 'x');
  mln_alloc_free(q);
  EXPECT_EQ(mln_alloc_check(pool), 0);
  mln_alloc_destroy(pool);
}

TEST(Capacity, ReallocThatMovesRespectsTheLimit) {
  mln_alloc_t *pool = mln_alloc_init_capacity(nullptr, 16 * KiB);
  char *p = static_cast<char *>(mln_alloc_m(pool, 3000));
  void *blocker = mln_alloc_m(pool, 100);  // growth cannot happen in place
  std::memset(p, 'y', 3000);
  // Moving needs the old block and the new one at once: 3 KiB + 14 KiB is
  // past 16 KiB (though 14 KiB alone is not).
  size_t before = InUse(pool);
  size_t failures = Stats(pool).failures;
  EXPECT_EQ(mln_alloc_re(pool, p, 14000), nullptr);
  EXPECT_EQ(InUse(pool), before);
  EXPECT_EQ(Stats(pool).failures, failures + 1);
  for (size_t i = 0; i < 3000; i++) ASSERT_EQ(p[i], 'y');
  EXPECT_EQ(mln_alloc_check(pool), 0);
  // 3 KiB + 6 KiB fits.
  char *q = static_cast<char *>(mln_alloc_re(pool, p, 6000));
  ASSERT_NE(q, nullptr);
  EXPECT_NE(q, p);
  for (size_t i = 0; i < 3000; i++) ASSERT_EQ(q[i], 'y');
  EXPECT_EQ(InUse(pool), BlockBytes(6000) + BlockBytes(100));
  // A block of another pool moves in only if it fits.
  mln_alloc_t *other = mln_alloc_init(nullptr);
  void *foreign = mln_alloc_m(other, 12000);
  std::memset(foreign, 'f', 12000);
  EXPECT_EQ(mln_alloc_re(pool, foreign, 12000), nullptr);
  EXPECT_EQ(static_cast<char *>(foreign)[11999], 'f');
  void *moved = mln_alloc_re(pool, foreign, 4000);
  ASSERT_NE(moved, nullptr);
  EXPECT_EQ(static_cast<char *>(moved)[3999], 'f');
  EXPECT_EQ(InUse(other), 0u);
  mln_alloc_destroy(other);
  mln_alloc_free(moved);
  mln_alloc_free(q);
  mln_alloc_free(blocker);
  EXPECT_EQ(InUse(pool), 0u);
  EXPECT_EQ(mln_alloc_check(pool), 0);
  mln_alloc_destroy(pool);
}

// Growing in place into a free neighbour too small to split takes all of it:
// a few bytes past what was asked. When those are past capacity the growth
// is undone exactly.
TEST(Capacity, ReallocThatWouldTakeAWholeNeighbourPastTheLimitIsUndone) {
  const size_t align = MLN_ALLOC_ALIGNMENT;
  // p, then a free neighbour, then r; x comes later, from the wilderness,
  // so that p, the neighbour and r fit under the capacity at first.
  // A tenth of the sizes in firmware, where a root's home span is 4 KiB.
  static const size_t scale = Firmware() ? 10 : 1;
  auto build = [](mln_size_t capacity, void **p, void **q, void **r, void **x) {
    mln_alloc_t *pool = mln_alloc_init_capacity(nullptr, capacity);
    *p = mln_alloc_m(pool, 5000 / scale);
    *q = mln_alloc_m(pool, 4600 / scale);  // over the front cache's sizes: freed to the engine
    *r = mln_alloc_m(pool, 100 / scale);
    mln_alloc_free(*q);
    *x = mln_alloc_m(pool, 5000 / scale);  // larger than the neighbour: not carved from it
    return pool;
  };
  void *p, *q, *r, *x;
  mln_alloc_t *probe = build(0, &p, &q, &r, &x);
  size_t used = InUse(probe), before = BlockBytes(5000 / scale), neighbour = BlockBytes(4600 / scale);
  mln_alloc_destroy(probe);
  // Ask for all of the neighbour but one alignment unit: too little left to split off.
  size_t ask = before + neighbour - align - probe_block_header();
  mln_alloc_t *pool = build(used + neighbour - align, &p, &q, &r, &x);
  ASSERT_NE(r, nullptr);
  ASSERT_NE(x, nullptr);
  ASSERT_EQ(InUse(pool), used);
  std::memset(p, 'z', 400);
  EXPECT_EQ(mln_alloc_re(pool, p, ask), nullptr);
  EXPECT_EQ(InUse(pool), used);
  EXPECT_EQ(probe_usable_size(p), before - probe_block_header());
  EXPECT_EQ(mln_alloc_check(pool), 0);
  // Leaving a whole block's worth behind, the same growth fits.
  size_t smaller = before + neighbour - probe_block_min() - probe_block_header();
  EXPECT_EQ(mln_alloc_re(pool, p, smaller), p);
  EXPECT_EQ(InUse(pool), used + neighbour - probe_block_min());
  for (size_t i = 0; i < 400; i++) ASSERT_EQ(static_cast<char *>(p)[i], 'z');
  EXPECT_EQ(mln_alloc_check(pool), 0);
  mln_alloc_destroy(pool);
}

TEST(Capacity, ZeroMeansNoLimit) {
  for (mln_size_t capacity : {mln_size_t{0}, M_ALLOC_INFINITE_SIZE}) {
    mln_alloc_t *pool = mln_alloc_init_capacity(nullptr, capacity);
    ASSERT_NE(pool, nullptr);
    EXPECT_EQ(mln_alloc_available_capacity(pool), M_ALLOC_INFINITE_SIZE);
    std::vector<void *> blocks;
    for (int i = 0; i < 64; i++) blocks.push_back(mln_alloc_m(pool, 128 * KiB));
    for (void *b : blocks) ASSERT_NE(b, nullptr);
    EXPECT_EQ(mln_alloc_available_capacity(pool), M_ALLOC_INFINITE_SIZE);
    FreeAll(blocks);
    mln_alloc_destroy(pool);
  }
  EXPECT_EQ(M_ALLOC_INFINITE_SIZE, SIZE_MAX);
  mln_alloc_t *plain = mln_alloc_init(nullptr);
  EXPECT_EQ(mln_alloc_available_capacity(plain), M_ALLOC_INFINITE_SIZE);
  mln_alloc_destroy(plain);
}

// A refusal leaves the front cache and the wilderness as they were: the
// block a refused request would have had, cached or bumped, is still there
// for the next request that fits.
TEST(Capacity, ARefusedCachedBlockStaysOnTopOfItsList) {
  const size_t small = BlockBytes(100);
  mln_alloc_t *pool = mln_alloc_init_capacity(nullptr, small + BlockBytes(2000));
  ASSERT_NE(pool, nullptr);
  void *first = mln_alloc_m(pool, 100);
  void *second = mln_alloc_m(pool, 100);
  ASSERT_NE(first, nullptr);
  ASSERT_NE(second, nullptr);
  mln_alloc_free(first);
  mln_alloc_free(second);  // cached: `second` on top, then `first`
  void *big = mln_alloc_m(pool, 2000);
  ASSERT_NE(big, nullptr);
  if (Firmware()) {
    // No front cache: the freed blocks went back to the engine, merged, and
    // what a refusal must leave as it was is the engine's free block.
    ASSERT_NE(mln_alloc_m(pool, 100), nullptr);
  } else {
    EXPECT_EQ(mln_alloc_m(pool, 100), second);  // a new peak, exactly the capacity
  }
  struct mln_alloc_stats_s before = Stats(pool);
  EXPECT_EQ(before.bytes_in_use, before.capacity_limit);
  EXPECT_EQ(mln_alloc_m(pool, 100), nullptr);  // `first` stays cached
  struct mln_alloc_stats_s after = Stats(pool);
  EXPECT_EQ(after.failures, before.failures + 1);
  EXPECT_EQ(after.allocations, before.allocations);
  EXPECT_EQ(after.bytes_in_use, before.bytes_in_use);
  EXPECT_EQ(after.peak_bytes_in_use, before.peak_bytes_in_use);
  EXPECT_EQ(mln_alloc_check(pool), 0);
  mln_alloc_free(big);
  void *next = mln_alloc_m(pool, 100);
  ASSERT_NE(next, nullptr);
  if (!Firmware()) {
    EXPECT_EQ(next, first);  // still cached, still on top
  }
  EXPECT_EQ(mln_alloc_check(pool), 0);
  mln_alloc_destroy(pool);
}

TEST(Capacity, ARefusedBumpLeavesTheWildernessAsItWas) {
  mln_alloc_t *root = mln_alloc_init(nullptr);
  const size_t small = BlockBytes(100);
  // A child bumps first; a large block takes a span of its own, so the
  // child reaches its capacity while its home span's wilderness still has
  // room, which a refusal must leave whole. In firmware, which has no spans
  // of their own, a capped root's home span is sized to its capacity: it
  // bumps while nothing is freed, and the refusal comes with less than a
  // block left, which must stay whole all the same.
  mln_alloc_t *child = Firmware() ? mln_alloc_init_capacity(nullptr, 5 * small + small / 2)
                                  : mln_alloc_init_capacity(root, 80 * KiB);
  ASSERT_NE(child, nullptr);
  size_t others = 0;
  if (!Firmware()) {
    void *large = mln_alloc_m(child, 66 * KiB);
    ASSERT_NE(large, nullptr);
    others = 1;
  }
  std::vector<void *> blocks = Fill(child, 100);
  ASSERT_GE(blocks.size(), 2u);
  for (size_t i = 1; i < blocks.size(); i++)  // bumped, one after another
    ASSERT_EQ(static_cast<char *>(blocks[i]), static_cast<char *>(blocks[i - 1]) + small);
  struct mln_alloc_stats_s s = Stats(child);
  EXPECT_EQ(s.failures, 1u);
  EXPECT_EQ(s.allocations, blocks.size() + others);
  EXPECT_EQ(s.peak_bytes_in_use, s.bytes_in_use);
  // largest_free is what the capacity lets through now, less than the
  // refused block; the span had room for it (the next block lands where
  // the refused one would have, below).
  EXPECT_LT(s.largest_free + probe_block_header(), small);
  EXPECT_EQ(mln_alloc_check(child), 0);
  // What the capacity still allows comes from where the refused block was.
  size_t left = s.capacity_limit - s.bytes_in_use;
  ASSERT_GE(left, probe_block_min());
  void *last = mln_alloc_m(child, left - probe_block_header());
  EXPECT_EQ(static_cast<char *>(last), static_cast<char *>(blocks.back()) + small);
  EXPECT_EQ(Stats(child).bytes_in_use, s.capacity_limit);
  EXPECT_EQ(mln_alloc_check(child), 0);
  if (Firmware()) mln_alloc_destroy(child);
  mln_alloc_destroy(root);
}

TEST(Capacity, TinyCapacityRefusesEverythingCleanly) {
  mln_alloc_t *pool = mln_alloc_init_capacity(nullptr, 1);
  ASSERT_NE(pool, nullptr);
  EXPECT_EQ(mln_alloc_available_capacity(pool), 1u);
  EXPECT_EQ(mln_alloc_m(pool, 0), nullptr);
  EXPECT_EQ(mln_alloc_c(pool, 1), nullptr);
  EXPECT_EQ(mln_alloc_re(pool, nullptr, 1), nullptr);
  EXPECT_EQ(Stats(pool).failures, 3u);
  EXPECT_EQ(mln_alloc_check(pool), 0);
  mln_alloc_destroy(pool);
}

TEST(Capacity, NullAndDeadPoolsHaveNone) {
  EXPECT_EQ(mln_alloc_available_capacity(nullptr), 0u);
  alignas(16) static unsigned char region[16 * 1024];
  mln_alloc_t *pool = mln_alloc_region_init(region, sizeof region);
  ASSERT_NE(pool, nullptr);
  EXPECT_GT(mln_alloc_available_capacity(pool), 0u);
  mln_alloc_destroy(pool);  // the region is ours again, the pool dead
  EXPECT_EQ(mln_alloc_available_capacity(pool), 0u);
}

TEST(Capacity, CappedParentBoundsAnUncappedChild) {
  mln_alloc_t *root = mln_alloc_init_capacity(nullptr, 256 * KiB);
  mln_alloc_t *child = mln_alloc_init(root);
  ASSERT_NE(child, nullptr);
  EXPECT_LE(InUse(root), 256 * KiB);
  size_t bound = mln_alloc_available_capacity(child);
  EXPECT_LT(bound, M_ALLOC_INFINITE_SIZE);
  EXPECT_LE(bound, mln_alloc_available_capacity(root) + Stats(child).bytes_held);
  size_t start = InUse(child);
  std::vector<void *> blocks;
  for (size_t i = 0;; i++) {
    void *p = mln_alloc_m(child, i % 7 == 6 ? 70 * KiB : 1000 + i % 300);  // some large ones
    if (p == nullptr) break;
    blocks.push_back(p);
    ASSERT_LE(InUse(root), 256 * KiB) << i;
  }
  EXPECT_FALSE(blocks.empty());
  EXPECT_LE(InUse(child) - start, bound);  // the bound held
  // Small ones may still fit in the child's last span; none past the root.
  while (void *p = mln_alloc_m(child, 16)) blocks.push_back(p);
  EXPECT_LE(InUse(root), 256 * KiB);
  EXPECT_EQ(mln_alloc_m(root, 64 * KiB), nullptr);
  EXPECT_EQ(mln_alloc_check(root), 0);
  FreeAll(blocks);
  EXPECT_EQ(mln_alloc_check(root), 0);
  void *a = mln_alloc_m(child, 5000), *b = mln_alloc_m(root, 5000);
  EXPECT_NE(a, nullptr);
  EXPECT_NE(b, nullptr);
  mln_alloc_free(a);
  mln_alloc_free(b);
  mln_alloc_destroy(child);
  EXPECT_EQ(InUse(root), 0u);
  EXPECT_EQ(mln_alloc_available_capacity(root), 256 * KiB);
  mln_alloc_destroy(root);
}

TEST(Capacity, GrandchildrenCannotTakeACappedRootPastIt) {
  mln_alloc_t *root = mln_alloc_init_capacity(nullptr, 200 * KiB);
  mln_alloc_t *mid = mln_alloc_init_capacity(root, 150 * KiB);
  mln_alloc_t *leaf = mln_alloc_init(mid);
  ASSERT_NE(leaf, nullptr);
  size_t leaf_bound = mln_alloc_available_capacity(leaf);
  EXPECT_LE(leaf_bound, mln_alloc_available_capacity(mid) + Stats(leaf).bytes_held);
  size_t start = InUse(leaf);
  std::vector<void *> blocks = Fill(leaf, 3000);
  EXPECT_FALSE(blocks.empty());
  EXPECT_LE(InUse(leaf) - start, leaf_bound);
  EXPECT_LE(InUse(mid), 150 * KiB);
  EXPECT_LE(InUse(root), 200 * KiB);
  // The root keeps what the middle pool may not take.
  std::vector<void *> direct = Fill(root, 3000);
  EXPECT_FALSE(direct.empty());
  EXPECT_LE(InUse(root), 200 * KiB);
  EXPECT_EQ(mln_alloc_check(root), 0);
  FreeAll(blocks);
  FreeAll(direct);
  EXPECT_EQ(mln_alloc_check(root), 0);
  mln_alloc_destroy(root);
}

TEST(Capacity, CappedChildInsideAnUnlimitedParent) {
  mln_alloc_t *parent = mln_alloc_init(nullptr);
  size_t parent_before = InUse(parent);
  mln_alloc_t *child = mln_alloc_init_capacity(parent, 32 * KiB);
  ASSERT_NE(child, nullptr);
  EXPECT_LT(InUse(parent) - parent_before, 32 * KiB + 8 * KiB);  // a home sized for its capacity
  EXPECT_EQ(mln_alloc_available_capacity(child), 32 * KiB);
  std::vector<void *> blocks = Fill(child, 700);
  EXPECT_EQ(blocks.size(), 32 * KiB / BlockBytes(700));
  EXPECT_EQ(mln_alloc_available_capacity(child), 32 * KiB - blocks.size() * BlockBytes(700));
  EXPECT_EQ(mln_alloc_m(child, 20 * KiB), nullptr);
  // The parent is not limited by it.
  std::vector<void *> big = Fill(parent, 100 * KiB, 40);
  EXPECT_EQ(big.size(), 40u);
  EXPECT_EQ(mln_alloc_available_capacity(parent), M_ALLOC_INFINITE_SIZE);
  EXPECT_EQ(mln_alloc_check(parent), 0);
  FreeAll(blocks);
  FreeAll(big);
  EXPECT_EQ(mln_alloc_available_capacity(child), 32 * KiB);
  EXPECT_EQ(mln_alloc_check(parent), 0);
  mln_alloc_destroy(parent);
}

TEST(Capacity, ChildOfAnAlmostFullParentSeesItsLimit) {
  mln_alloc_t *root = mln_alloc_init_capacity(nullptr, 128 * KiB);
  mln_alloc_t *child = mln_alloc_init(root);
  std::vector<void *> direct = Fill(root, 1000);
  // The root is full: the child has only what its own spans hold unused.
  struct mln_alloc_stats_s cs = Stats(child);
  size_t bound = mln_alloc_available_capacity(child);
  EXPECT_LE(bound, mln_alloc_available_capacity(root) + cs.bytes_held - cs.bytes_in_use);
  std::vector<void *> blocks = Fill(child, 500);
  EXPECT_LE(blocks.size() * BlockBytes(500), bound);
  EXPECT_EQ(mln_alloc_check(root), 0);
  FreeAll(direct);
  std::vector<void *> more = Fill(child, 500, 100);
  EXPECT_EQ(more.size(), 100u);  // room again
  FreeAll(more);
  FreeAll(blocks);
  EXPECT_EQ(mln_alloc_check(root), 0);
  mln_alloc_destroy(root);
}

TEST(Capacity, RegionPoolsReportTheirFreeSpace) {
  alignas(16) static unsigned char region[64 * 1024];
  mln_alloc_t *pool = mln_alloc_region_init(region, sizeof region);
  size_t avail = mln_alloc_available_capacity(pool);
  EXPECT_GT(avail, 48 * KiB);
  EXPECT_LT(avail, 64 * KiB);
  void *p = mln_alloc_m(pool, 1000);
  EXPECT_EQ(mln_alloc_available_capacity(pool), avail - BlockBytes(1000));
  mln_alloc_free(p);
  EXPECT_EQ(mln_alloc_available_capacity(pool), avail);
  std::vector<void *> blocks = Fill(pool, 1000);
  EXPECT_LE(blocks.size() * BlockBytes(1000), avail);
  FreeAll(blocks);
  // A child of a region pool is bounded by the region.
  mln_alloc_t *child = mln_alloc_init(pool);
  ASSERT_NE(child, nullptr);
  size_t bound = mln_alloc_available_capacity(child);
  EXPECT_LT(bound, avail);
  size_t start = InUse(child);
  blocks = Fill(child, 1000);
  EXPECT_LE(InUse(child) - start, bound);
  FreeAll(blocks);
  EXPECT_EQ(mln_alloc_check(pool), 0);
  mln_alloc_destroy(pool);
}

int lock_calls = 0;
bool lock_fails = false;
int CountingLock(void *) {
  lock_calls++;
  return lock_fails ? -1 : 0;
}
int NoOpUnlock(void *) { return 0; }

TEST(Capacity, SharedPoolFromACapacity) {
  EXPECT_EQ(mln_alloc_shm_init_capacity(0, nullptr, CountingLock, NoOpUnlock), nullptr);
  EXPECT_EQ(mln_alloc_shm_init_capacity(1 << 20, nullptr, nullptr, NoOpUnlock), nullptr);
  EXPECT_EQ(mln_alloc_shm_init_capacity(1 << 20, nullptr, CountingLock, nullptr), nullptr);
  EXPECT_EQ(mln_alloc_shm_init_capacity(MLN_ALLOC_SHM_MIN_SIZE - 1, nullptr, CountingLock, NoOpUnlock),
            nullptr);
  mln_alloc_t *shm = mln_alloc_shm_init_capacity(1 << 20, nullptr, CountingLock, NoOpUnlock);
  ASSERT_NE(shm, nullptr);
  size_t avail = mln_alloc_available_capacity(shm);
  EXPECT_GT(avail, 1000 * KiB);
  EXPECT_LE(avail, 1024 * KiB);
  EXPECT_GE(Stats(shm).bytes_held, 1024 * KiB);
  // Falls as blocks are taken, and comes back.
  void *p = mln_alloc_m(shm, 5000);
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(mln_alloc_available_capacity(shm), avail - BlockBytes(5000));
  // A sub-pool takes the lock to create itself and to read the pool's figure.
  int calls = lock_calls;
  mln_alloc_t *sub = mln_alloc_init(shm);
  ASSERT_NE(sub, nullptr);
  EXPECT_GT(lock_calls, calls);
  size_t shm_left = mln_alloc_available_capacity(shm);
  EXPECT_LT(shm_left, avail - BlockBytes(5000));
  size_t sub_bound = mln_alloc_available_capacity(sub);
  EXPECT_LE(sub_bound, shm_left + Stats(sub).bytes_held);
  EXPECT_GT(sub_bound, shm_left);
  lock_fails = true;
  EXPECT_EQ(mln_alloc_available_capacity(sub), 0u);
  lock_fails = false;
  // A capped sub-pool in shared memory.
  mln_alloc_t *capped = mln_alloc_init_capacity(shm, 64 * KiB);
  ASSERT_NE(capped, nullptr);
  std::vector<void *> blocks = Fill(capped, 1000);
  EXPECT_EQ(blocks.size(), 64 * KiB / BlockBytes(1000));
  EXPECT_LE(InUse(capped), 64 * KiB);
  EXPECT_EQ(mln_alloc_check(shm), 0);
  FreeAll(blocks);
  mln_alloc_destroy(capped);
  mln_alloc_destroy(sub);
  mln_alloc_free(p);
  EXPECT_EQ(mln_alloc_available_capacity(shm), avail);
  // Filling the region directly empties it.
  blocks = Fill(shm, 4000);
  EXPECT_LT(mln_alloc_available_capacity(shm), BlockBytes(4000));
  EXPECT_LE(blocks.size() * BlockBytes(4000), avail);
  FreeAll(blocks);
  EXPECT_EQ(mln_alloc_available_capacity(shm), avail);
  EXPECT_EQ(mln_alloc_check(shm), 0);
  mln_alloc_destroy(shm);
}

// The sequence of Melon's own capacity test, under this header's names.
TEST(Capacity, MelonSequence) {
  mln_alloc_t *pool = mln_alloc_init_capacity(nullptr, 64 * 1024);
  ASSERT_NE(pool, nullptr);
  mln_size_t before = mln_alloc_available_capacity(pool);
  EXPECT_LE(before, 64u * 1024);
  void *p = mln_alloc_m(pool, 32);
  ASSERT_NE(p, nullptr);
  EXPECT_LT(mln_alloc_available_capacity(pool), before);
  std::vector<void *> blocks = Fill(pool, 256, 4096);
  EXPECT_GT(blocks.size(), 0u);
  EXPECT_LT(blocks.size(), 4096u);
  FreeAll(blocks);
  mln_alloc_free(p);
  EXPECT_EQ(mln_alloc_check(pool), 0);
  mln_alloc_destroy(pool);
  mln_alloc_t *unlimited = mln_alloc_init_capacity(nullptr, 0);
  EXPECT_EQ(mln_alloc_available_capacity(unlimited), M_ALLOC_INFINITE_SIZE);
  mln_alloc_destroy(unlimited);
}

}  // namespace
