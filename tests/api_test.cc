// SPDX-License-Identifier: MIT
// Every function of mln_alloc.h and its documented behaviour, on heap pools.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <vector>

#include "mln_alloc.h"
#include "tests/pool_probe.h"

namespace {

class ApiTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_NE(pool_ = mln_alloc_init(nullptr), nullptr); }
  void TearDown() override {
    EXPECT_EQ(probe_check_tree(pool_), nullptr) << probe_check_tree(pool_);
    mln_alloc_destroy(pool_);
  }
  mln_alloc_t *pool_ = nullptr;
};

bool IsAligned(const void *p) {
  return reinterpret_cast<uintptr_t>(p) % MLN_ALLOC_ALIGNMENT == 0;
}

TEST(ApiConstants, AlignmentCoversMaxAlignT) {
  EXPECT_GE(MLN_ALLOC_ALIGNMENT, alignof(max_align_t));
  EXPECT_EQ(MLN_ALLOC_ALIGNMENT & (MLN_ALLOC_ALIGNMENT - 1), 0u);
  EXPECT_TRUE((std::is_same<mln_size_t, size_t>::value));
}

TEST_F(ApiTest, AllocReturnsAlignedWritableDistinctBlocks) {
  std::vector<unsigned char *> blocks;
  for (size_t n = 1; n <= 2000; n += 37) {
    auto *p = static_cast<unsigned char *>(mln_alloc_m(pool_, n));
    ASSERT_NE(p, nullptr);
    EXPECT_TRUE(IsAligned(p));
    std::memset(p, static_cast<int>(n & 0xff), n);
    blocks.push_back(p);
  }
  size_t n = 1;
  for (unsigned char *p : blocks) {
    for (size_t i = 0; i < n; i++) ASSERT_EQ(p[i], n & 0xff);
    n += 37;
  }
  for (unsigned char *p : blocks) mln_alloc_free(p);
}

TEST_F(ApiTest, SizeZeroGivesAUniqueFreeableBlock) {
  void *a = mln_alloc_m(pool_, 0);
  void *b = mln_alloc_m(pool_, 0);
  ASSERT_NE(a, nullptr);
  ASSERT_NE(b, nullptr);
  EXPECT_NE(a, b);
  EXPECT_TRUE(IsAligned(a));
  void *c = mln_alloc_c(pool_, 0);
  EXPECT_NE(c, nullptr);
  mln_alloc_free(a);
  mln_alloc_free(b);
  mln_alloc_free(c);
}

TEST_F(ApiTest, FreeFindsThePoolFromTheBlock) {
  mln_alloc_t *other = mln_alloc_init(nullptr);
  void *p = mln_alloc_m(pool_, 100);
  void *q = mln_alloc_m(other, 100);
  EXPECT_EQ(probe_owner(p), pool_);
  EXPECT_EQ(probe_owner(q), other);
  size_t used = probe_used_bytes(pool_);
  mln_alloc_free(p);
  EXPECT_LT(probe_used_bytes(pool_), used);
  mln_alloc_free(q);
  EXPECT_EQ(probe_used_bytes(other), 0u);
  mln_alloc_destroy(other);
}

TEST_F(ApiTest, FreeNullIsANoOp) {
  size_t used = probe_used_bytes(pool_);
  mln_alloc_free(nullptr);
  EXPECT_EQ(probe_used_bytes(pool_), used);
}

TEST_F(ApiTest, CallocZeroesFreshMemory) {
  auto *p = static_cast<unsigned char *>(mln_alloc_c(pool_, 5000));
  ASSERT_NE(p, nullptr);
  for (size_t i = 0; i < 5000; i++) ASSERT_EQ(p[i], 0) << i;
  mln_alloc_free(p);
}

TEST_F(ApiTest, CallocZeroesAReusedDirtyBlock) {
  for (size_t n : {1u, 15u, 16u, 17u, 100u, 1000u, 100000u}) {
    auto *dirty = static_cast<unsigned char *>(mln_alloc_m(pool_, n));
    ASSERT_NE(dirty, nullptr);
    std::memset(dirty, 0xff, n);
    mln_alloc_free(dirty);
    auto *p = static_cast<unsigned char *>(mln_alloc_c(pool_, n));
    ASSERT_NE(p, nullptr);
    if (n < 100000) {
      EXPECT_EQ(p, dirty) << "expected the dirty block back for " << n;
    }
    for (size_t i = 0; i < n; i++) ASSERT_EQ(p[i], 0) << n << " byte " << i;
    mln_alloc_free(p);
  }
}

// As far as the home span goes: 64 KiB in services, 4 KiB in firmware
// (alloc/kind_heap.c), so up to half of it.
TEST_F(ApiTest, ReallocGrowsInPlaceWhenTheNextSpaceIsFree) {
  const size_t limit = probe_profile_is_firmware() ? 2 * 1024 : 32 * 1024;
  auto *p = static_cast<char *>(mln_alloc_m(pool_, 16));
  std::memcpy(p, "0123456789abcde", 16);
  for (size_t n = 32; n <= limit; n *= 2) {
    auto *q = static_cast<char *>(mln_alloc_re(pool_, p, n));
    ASSERT_EQ(q, p) << "moved while growing to " << n;
    EXPECT_GE(probe_usable_size(q), n);
  }
  EXPECT_STREQ(p, "0123456789abcde");
  mln_alloc_free(p);
}

TEST_F(ApiTest, ReallocMovesAndCopiesWhenBlocked) {
  auto *p = static_cast<unsigned char *>(mln_alloc_m(pool_, 100));
  void *blocker = mln_alloc_m(pool_, 100);
  for (int i = 0; i < 100; i++) p[i] = static_cast<unsigned char>(i);
  auto *q = static_cast<unsigned char *>(mln_alloc_re(pool_, p, 5000));
  ASSERT_NE(q, nullptr);
  EXPECT_NE(q, p);
  EXPECT_TRUE(IsAligned(q));
  for (int i = 0; i < 100; i++) ASSERT_EQ(q[i], i);
  mln_alloc_free(q);
  mln_alloc_free(blocker);
}

TEST_F(ApiTest, ReallocShrinksInPlaceAndKeepsContents) {
  auto *p = static_cast<unsigned char *>(mln_alloc_m(pool_, 4096));
  for (int i = 0; i < 4096; i++) p[i] = static_cast<unsigned char>(i * 7);
  void *blocker = mln_alloc_m(pool_, 16);
  size_t used = probe_used_bytes(pool_);
  auto *q = static_cast<unsigned char *>(mln_alloc_re(pool_, p, 100));
  EXPECT_EQ(q, p);
  EXPECT_LT(probe_used_bytes(pool_), used);
  for (int i = 0; i < 100; i++) ASSERT_EQ(q[i], static_cast<unsigned char>(i * 7));
  mln_alloc_free(q);
  mln_alloc_free(blocker);
}

TEST_F(ApiTest, ReallocToZeroFreesAndReturnsNull) {
  void *p = mln_alloc_m(pool_, 300);
  size_t used = probe_used_bytes(pool_);
  EXPECT_EQ(mln_alloc_re(pool_, p, 0), nullptr);
  EXPECT_LT(probe_used_bytes(pool_), used);
  EXPECT_EQ(mln_alloc_re(pool_, nullptr, 0), nullptr);
}

TEST_F(ApiTest, ReallocOfNullAllocates) {
  void *p = mln_alloc_re(pool_, nullptr, 64);
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(probe_owner(p), pool_);
  mln_alloc_free(p);
}

TEST_F(ApiTest, ReallocFailureLeavesTheOldBlockIntact) {
  auto *p = static_cast<unsigned char *>(mln_alloc_m(pool_, 64));
  std::memset(p, 0xab, 64);
  size_t used = probe_used_bytes(pool_);
  EXPECT_EQ(mln_alloc_re(pool_, p, SIZE_MAX), nullptr);
  if (sizeof(size_t) == 8) {
    EXPECT_EQ(mln_alloc_re(pool_, p, SIZE_MAX / 4), nullptr);  // more than the OS grants
  }
  EXPECT_EQ(probe_used_bytes(pool_), used);
  for (int i = 0; i < 64; i++) ASSERT_EQ(p[i], 0xab);
  mln_alloc_free(p);
}

TEST_F(ApiTest, ReallocMovesABlockOfAnotherPoolIntoThisOne) {
  mln_alloc_t *child = mln_alloc_init(pool_);
  auto *p = static_cast<char *>(mln_alloc_m(child, 32));
  std::strcpy(p, "from the child");
  auto *q = static_cast<char *>(mln_alloc_re(pool_, p, 32));
  ASSERT_NE(q, nullptr);
  EXPECT_EQ(probe_owner(q), pool_);
  EXPECT_STREQ(q, "from the child");
  EXPECT_EQ(probe_used_bytes(child), 0u);
  mln_alloc_free(q);
  mln_alloc_destroy(child);
}

// (Firmware has no separate spans for large blocks: the pool grows by a span
// fitted to the block, which holds it alone and, no spare being kept there,
// goes back as soon as it is freed: the same counts.)
TEST_F(ApiTest, LargeBlocksGetASpanOfTheirOwnAndGiveItBack) {
  size_t spans = probe_span_count(pool_);
  void *big = mln_alloc_m(pool_, 8u << 20);
  ASSERT_NE(big, nullptr);
  EXPECT_TRUE(IsAligned(big));
  std::memset(big, 1, 8u << 20);
  EXPECT_EQ(probe_span_count(pool_), spans + 1);
  EXPECT_EQ(probe_check_tree(pool_), nullptr);
  mln_alloc_free(big);
  EXPECT_EQ(probe_span_count(pool_), spans);
}

TEST_F(ApiTest, LargeBlockReallocKeepsContents) {
  auto *p = static_cast<unsigned char *>(mln_alloc_m(pool_, 1u << 20));
  for (size_t i = 0; i < (1u << 20); i++) p[i] = static_cast<unsigned char>(i);
  auto *q = static_cast<unsigned char *>(mln_alloc_re(pool_, p, 3u << 20));
  ASSERT_NE(q, nullptr);
  for (size_t i = 0; i < (1u << 20); i++) ASSERT_EQ(q[i], static_cast<unsigned char>(i));
  auto *r = static_cast<unsigned char *>(mln_alloc_re(pool_, q, 1000));
  ASSERT_NE(r, nullptr);
  for (size_t i = 0; i < 1000; i++) ASSERT_EQ(r[i], static_cast<unsigned char>(i));
  mln_alloc_free(r);
}

// The spare is the services profile's (alloc/profile.h): firmware keeps no
// emptied span, every grown span goes back as soon as it is empty.
TEST_F(ApiTest, GrowsBeyondItsFirstSpanAndKeepsASpare) {
  struct mln_alloc_stats_s fresh = {}, after = {};
  ASSERT_EQ(mln_alloc_stats(pool_, &fresh), 0);
  std::vector<void *> blocks;  // 5000 bytes: above the front cache's sizes
  for (int i = 0; i < 1000; i++) blocks.push_back(mln_alloc_m(pool_, 5000));
  EXPECT_GT(probe_span_count(pool_), 2u);
  EXPECT_EQ(probe_check_tree(pool_), nullptr);
  for (void *p : blocks) mln_alloc_free(p);
  EXPECT_EQ(probe_span_count(pool_), 1u);  // only the home span stays in use
  if (probe_profile_is_firmware()) {
    EXPECT_FALSE(probe_has_spare(pool_));
    ASSERT_EQ(mln_alloc_stats(pool_, &after), 0);
    EXPECT_EQ(after.bytes_held, fresh.bytes_held);  // the home span alone, as at the start
  } else {
    EXPECT_TRUE(probe_has_spare(pool_));
  }
  EXPECT_EQ(probe_used_bytes(pool_), 0u);
}

TEST_F(ApiTest, FreedSmallBlocksComeBackFirst) {
  void *a = mln_alloc_m(pool_, 100);
  void *guard = mln_alloc_m(pool_, 100);
  mln_alloc_free(a);
  EXPECT_EQ(mln_alloc_m(pool_, 100), a);  // the same size reuses it at once
  mln_alloc_free(a);
  mln_alloc_free(guard);
}

// Up to 4 KiB (header included), a request takes a block of its size class:
// 16 per power of two, so at most 1/16 more than asked; a freed block comes
// back for the next request of its class. Firmware has no size classes (no
// front cache, alloc/profile.h): a block is exactly the engine's size for
// the request (or all of the free block it is cut from, when the rest would
// be too small for a block), and a freed block goes straight back to the
// engine (marked free, in its bins), whose search gives it to the next
// request it fits.
TEST_F(ApiTest, SmallRequestsTakeABlockOfTheirSizeClass) {
  const bool firmware = probe_profile_is_firmware();
  EXPECT_TRUE(probe_class_tables_agree());
  const size_t header = probe_block_header();
  const size_t align = MLN_ALLOC_ALIGNMENT;
  // Firmware: the fresh pool's one free block, which every block below is
  // cut from and merges back into.
  struct mln_alloc_stats_s fresh = {};
  ASSERT_EQ(mln_alloc_stats(pool_, &fresh), 0);
  const size_t whole = fresh.largest_free + header;
  for (size_t n = 1; n + header <= 4096; n += 7) {
    void *p = mln_alloc_m(pool_, n);
    ASSERT_NE(p, nullptr);
    size_t block = probe_usable_size(p) + header;
    size_t asked = (n + header + align - 1) / align * align;
    if (firmware) {
      size_t exact = std::max(asked, probe_block_min());  // not rounded up to a class
      EXPECT_EQ(block, whole - exact < probe_block_min() ? whole : exact) << n;
      mln_alloc_free(p);
      continue;
    }
    size_t power = 1;
    while (power * 2 <= asked) power *= 2;
    size_t width = power / 16 > align ? power / 16 : align;
    EXPECT_EQ(block % width, 0u) << n;
    EXPECT_GE(block, asked) << n;
    EXPECT_LT(block - asked, width) << n;  // at most 1/16 more
    mln_alloc_free(p);
  }
  void *a = mln_alloc_m(pool_, 1000);  // class of 1024 bytes
  void *guard = mln_alloc_m(pool_, 1000);
  mln_alloc_free(a);
  if (firmware) {
    EXPECT_NE(probe_block_head(a) & 1u, 0u);  // the free bit: in the engine, not in a cache
    // Where it comes back is the engine's good fit: `a` when no larger bin
    // holds a block (LP64 here), else the first block of the smallest bin
    // whose every block fits (after the loop above took all of the 32-bit
    // home's tail once, that tail sits in such a bin).
    void *b = mln_alloc_m(pool_, 990);
    ASSERT_NE(b, nullptr);
    EXPECT_EQ(probe_check_tree(pool_), nullptr);
    mln_alloc_free(b);  // `a` itself, or another block (`a` stays free)
  } else {
    EXPECT_EQ(mln_alloc_m(pool_, 990), a);  // another size of the same class
    mln_alloc_free(a);
  }
  mln_alloc_free(guard);
  EXPECT_EQ(probe_check_tree(pool_), nullptr);
}

TEST_F(ApiTest, CachedSmallBlocksNeverMakeThePoolGrow) {
  // Fill most of the home span with small blocks; free eight spread evenly
  // first (they stay in the front cache, cutting the space in eight), then
  // the rest. A block of half the span then fits only once the cache is
  // handed back and merged: it must come without taking a new span.
  // Firmware has no front cache: each freed block goes straight back to the
  // engine and merges there at once. Its home span is 4 KiB, not 64 KiB
  // (alloc/kind_heap.c): 24 blocks of 112 bytes fill most of it (3 KiB), and
  // half of it is 1600 bytes.
  const bool firmware = probe_profile_is_firmware();
  const int count = firmware ? 24 : 240;
  const size_t small = firmware ? 112 : 200;
  const size_t half = firmware ? 1600 : 30000;
  std::vector<void *> blocks;
  for (int i = 0; i < count; i++) blocks.push_back(mln_alloc_m(pool_, small));  // ~53 KiB (firmware: 3 KiB)
  ASSERT_EQ(probe_span_count(pool_), 1u);
  for (size_t i = 0; i < blocks.size(); i += blocks.size() / 8) {
    mln_alloc_free(blocks[i]);
    blocks[i] = nullptr;
  }
  for (void *p : blocks) mln_alloc_free(p);
  EXPECT_EQ(probe_used_bytes(pool_), 0u);
  void *big = mln_alloc_m(pool_, half);
  EXPECT_NE(big, nullptr);
  EXPECT_EQ(probe_span_count(pool_), 1u);
  EXPECT_FALSE(probe_has_spare(pool_));
  mln_alloc_free(big);
}

TEST_F(ApiTest, DestroyNullIsANoOp) { mln_alloc_destroy(nullptr); }

TEST_F(ApiTest, DestroyReleasesBlocksNeverFreed) {
  // Many pools holding live blocks, destroyed without freeing: the process
  // would run out of address space if destroy leaked their spans.
  for (int round = 0; round < 200; round++) {
    mln_alloc_t *p = mln_alloc_init(nullptr);
    ASSERT_NE(p, nullptr);
    for (int i = 0; i < 50; i++) ASSERT_NE(mln_alloc_m(p, 20000), nullptr);
    ASSERT_NE(mln_alloc_m(p, 64u << 20), nullptr);
    mln_alloc_destroy(p);
  }
}

}  // namespace
