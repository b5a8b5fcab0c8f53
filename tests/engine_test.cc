// SPDX-License-Identifier: MIT
// Engine behaviour over a fixed buffer: layout, splitting, merging, bins,
// in-place resizing, and the integrity walk itself.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <random>
#include <vector>

#include "tests/pool_probe.h"

namespace {

constexpr size_t kAlign = MLN_ALLOC_ALIGNMENT;

class EngineTest : public ::testing::Test {
 protected:
  void SetUp() override { e_ = probe_engine_over(buf_, sizeof buf_); }
  void ExpectClean() { EXPECT_EQ(probe_engine_check(e_), nullptr) << probe_engine_check(e_); }

  alignas(MLN_ALLOC_ALIGNMENT) unsigned char buf_[256 * 1024] = {};
  probe_engine *e_ = nullptr;
};

TEST_F(EngineTest, HeaderIsTwoWordsAndAtMostSixteenBytesOnLp64) {
  EXPECT_EQ(probe_block_header() % kAlign, 0u);
  EXPECT_GE(probe_block_header(), 2 * sizeof(void *));
  if (sizeof(void *) == 8) {
    EXPECT_LE(probe_block_header(), 16u);
  }
  if (sizeof(void *) == 4 && kAlign == 8) {
    EXPECT_EQ(probe_block_header(), 8u);
  }
}

TEST_F(EngineTest, ConsecutiveBlocksAreHeaderPlusRoundedPayloadApart) {
  char *a = static_cast<char *>(probe_engine_alloc(e_, 100));
  char *b = static_cast<char *>(probe_engine_alloc(e_, 100));
  ASSERT_NE(a, nullptr);
  ASSERT_NE(b, nullptr);
  size_t payload = (100 + probe_block_header() + kAlign - 1) / kAlign * kAlign - probe_block_header();
  // Blocks come from one free block split front to back, so they are adjacent.
  EXPECT_EQ(static_cast<size_t>(b - a), payload + probe_block_header());
  EXPECT_EQ(probe_usable_size(a), payload);
  ExpectClean();
}

TEST_F(EngineTest, EveryBlockIsAligned) {
  for (size_t n = 0; n < 600; n++) {
    void *p = probe_engine_alloc(e_, n);
    ASSERT_NE(p, nullptr);
    EXPECT_EQ(reinterpret_cast<uintptr_t>(p) % kAlign, 0u) << n;
    EXPECT_GE(probe_usable_size(p), n);
  }
  ExpectClean();
}

TEST_F(EngineTest, FreeingEverythingInAnyOrderMergesBackToOneBlock) {
  const size_t whole = probe_engine_largest(e_);
  ASSERT_GT(whole, sizeof buf_ - 8192);
  std::mt19937 rng(7);
  std::vector<void *> blocks;
  for (;;) {
    void *p = probe_engine_alloc(e_, 1 + rng() % 700);
    if (p == nullptr) break;
    blocks.push_back(p);
  }
  ASSERT_GT(blocks.size(), 300u);
  ExpectClean();
  std::shuffle(blocks.begin(), blocks.end(), rng);
  for (void *p : blocks) probe_engine_free(e_, p);
  ExpectClean();
  EXPECT_EQ(probe_engine_largest(e_), whole);
}

TEST_F(EngineTest, ManySmallFreedThenOneLargeFits) {
  std::vector<void *> small;
  for (void *p; (p = probe_engine_alloc(e_, 24)) != nullptr;) small.push_back(p);
  EXPECT_EQ(probe_engine_alloc(e_, 4096), nullptr);
  // Free every other block: lots of free space, none of it contiguous.
  for (size_t i = 0; i < small.size(); i += 2) probe_engine_free(e_, small[i]);
  EXPECT_EQ(probe_engine_alloc(e_, 4096), nullptr);
  ExpectClean();
  for (size_t i = 1; i < small.size(); i += 2) probe_engine_free(e_, small[i]);
  EXPECT_NE(probe_engine_alloc(e_, 128 * 1024), nullptr);
  ExpectClean();
}

TEST_F(EngineTest, FreeMergesWithBothNeighbours) {
  void *a = probe_engine_alloc(e_, 64);
  void *b = probe_engine_alloc(e_, 64);
  void *c = probe_engine_alloc(e_, 64);
  void *guard = probe_engine_alloc(e_, 64);
  probe_engine_free(e_, a);
  probe_engine_free(e_, c);
  probe_engine_free(e_, b);  // joins a, b and c into one block
  ExpectClean();
  size_t three = 3 * (probe_usable_size(guard) + probe_block_header()) - probe_block_header();
  void *joined = probe_engine_alloc(e_, three);
  EXPECT_EQ(joined, a);
  probe_engine_free(e_, joined);
  probe_engine_free(e_, guard);
  ExpectClean();
}

TEST_F(EngineTest, ReusesTheBlockJustFreedForTheSameSize) {
  void *a = probe_engine_alloc(e_, 200);
  void *guard = probe_engine_alloc(e_, 16);
  probe_engine_free(e_, a);
  EXPECT_EQ(probe_engine_alloc(e_, 200), a);
  (void)guard;
}

TEST_F(EngineTest, GrowsInPlaceIntoTheFreeBlockAfter) {
  char *a = static_cast<char *>(probe_engine_alloc(e_, 32));
  std::memset(a, 0x5a, 32);
  ASSERT_TRUE(probe_engine_resize(e_, a, 10000));
  EXPECT_GE(probe_usable_size(a), 10000u);
  for (int i = 0; i < 32; i++) ASSERT_EQ(a[i], 0x5a);
  ExpectClean();
}

TEST_F(EngineTest, GrowFailsWithoutRoomAndChangesNothing) {
  void *a = probe_engine_alloc(e_, 32);
  void *b = probe_engine_alloc(e_, 32);
  size_t before = probe_usable_size(a);
  EXPECT_FALSE(probe_engine_resize(e_, a, 1000));
  EXPECT_EQ(probe_usable_size(a), before);
  ExpectClean();
  probe_engine_free(e_, b);
  EXPECT_TRUE(probe_engine_resize(e_, a, 1000));  // b's space is now free
  ExpectClean();
}

TEST_F(EngineTest, ShrinkInPlaceGivesTheTailBack) {
  void *a = probe_engine_alloc(e_, 4000);
  void *b = probe_engine_alloc(e_, 16);
  ASSERT_TRUE(probe_engine_resize(e_, a, 100));
  EXPECT_LT(probe_usable_size(a), 200u);
  ExpectClean();
  // The tail is a free block between a and b, usable at once.
  void *c = probe_engine_alloc(e_, 3000);
  EXPECT_GT(c, a);
  EXPECT_LT(c, b);
  ExpectClean();
}

TEST_F(EngineTest, ShrinkTailMergesWithFollowingFreeBlock) {
  void *a = probe_engine_alloc(e_, 4000);
  void *b = probe_engine_alloc(e_, 4000);
  void *guard = probe_engine_alloc(e_, 16);
  probe_engine_free(e_, b);
  ASSERT_TRUE(probe_engine_resize(e_, a, 64));
  ExpectClean();  // would report two adjacent free blocks if the tail stood alone
  (void)guard;
}

TEST_F(EngineTest, ExhaustionReturnsNullAndStaysConsistent) {
  EXPECT_EQ(probe_engine_alloc(e_, sizeof buf_), nullptr);
  EXPECT_EQ(probe_engine_alloc(e_, SIZE_MAX), nullptr);
  EXPECT_EQ(probe_engine_alloc(e_, SIZE_MAX / 2 + 1), nullptr);
  ExpectClean();
  EXPECT_NE(probe_engine_alloc(e_, 1000), nullptr);
}

TEST_F(EngineTest, CheckDetectsACorruptedHeader) {
  char *a = static_cast<char *>(probe_engine_alloc(e_, 64));
  void *b = probe_engine_alloc(e_, 64);
  ASSERT_NE(b, nullptr);
  ExpectClean();
  size_t saved;
  std::memcpy(&saved, a - probe_block_header(), sizeof saved);
  size_t bogus = saved + kAlign;  // size no longer tiles the span
  std::memcpy(a - probe_block_header(), &bogus, sizeof bogus);
  EXPECT_NE(probe_engine_check(e_), nullptr);
  std::memcpy(a - probe_block_header(), &saved, sizeof saved);
  ExpectClean();
}

}  // namespace
