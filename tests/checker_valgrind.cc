// SPDX-License-Identifier: MIT
// Built against //alloc:mln_alloc_with_valgrind, the pools describe every
// block to memcheck (mempools, no-access headers and free space). Run under
// valgrind by checker_valgrind_test.sh: each misuse below must raise
// memcheck's error count, and correct use of every call must leave it alone.
#include <gtest/gtest.h>
#include <valgrind/memcheck.h>

#include <cstring>

#include "mln_alloc.h"

namespace {

volatile char sink;

int NoLock(void *) { return 0; }

unsigned Errors() { return VALGRIND_COUNT_ERRORS; }

class Memcheck : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(RUNNING_ON_VALGRIND) << "run me under valgrind (checker_valgrind_test.sh)";
    pool_ = mln_alloc_init(nullptr);
    ASSERT_NE(pool_, nullptr);
    before_ = Errors();
  }
  void TearDown() override { mln_alloc_destroy(pool_); }
  // Errors memcheck reported since SetUp.
  unsigned NewErrors() const { return Errors() - before_; }
  mln_alloc_t *pool_ = nullptr;
  unsigned before_ = 0;
};

TEST_F(Memcheck, ReadAfterFreeIsReported) {
  auto *p = static_cast<char *>(mln_alloc_m(pool_, 100));
  std::memset(p, 1, 100);
  mln_alloc_free(p);
  sink = p[10];
  EXPECT_EQ(NewErrors(), 1u);
}

TEST_F(Memcheck, WriteAfterFreeOfACachedSmallBlockIsReported) {
  auto *p = static_cast<char *>(mln_alloc_m(pool_, 24));  // goes to the front cache
  mln_alloc_free(p);
  p[0] = 7;
  EXPECT_EQ(NewErrors(), 1u);
}

TEST_F(Memcheck, ReadOfUninitialisedPooledMemoryIsReported) {
  auto *p = static_cast<char *>(mln_alloc_m(pool_, 64));
  p[0] = 1;
  if (p[1] == 42) sink = 1;  // p[1] was never written
  EXPECT_EQ(NewErrors(), 1u);
  mln_alloc_free(p);
}

TEST_F(Memcheck, RecycledMemoryIsUninitialisedAgain) {
  auto *p = static_cast<char *>(mln_alloc_m(pool_, 64));
  std::memset(p, 5, 64);
  mln_alloc_free(p);
  auto *q = static_cast<char *>(mln_alloc_m(pool_, 64));
  ASSERT_EQ(q, p);  // the same block, handed out again
  if (q[10] == 5) sink = 1;
  EXPECT_EQ(NewErrors(), 1u);
  mln_alloc_free(q);
}

TEST_F(Memcheck, WritePastTheRequestedEndIsReported) {
  auto *p = static_cast<char *>(mln_alloc_m(pool_, 20));  // 12 bytes of slack follow
  std::memset(p, 0, 20);
  p[20] = 1;
  EXPECT_EQ(NewErrors(), 1u);
  mln_alloc_free(p);
}

TEST_F(Memcheck, WriteOverTheNextHeaderIsReported) {
  auto *p = static_cast<char *>(mln_alloc_m(pool_, 32));  // no slack: a header follows
  void *next = mln_alloc_m(pool_, 32);
  p[32] = 1;  // memcheck reports the write, but does not stop it
  EXPECT_EQ(NewErrors(), 1u);
  (void)next;  // its header is damaged: the pool goes without freeing either
}

TEST_F(Memcheck, WriteIntoSpaceNotYetHandedOutIsReported) {
  auto *p = static_cast<char *>(mln_alloc_m(pool_, 64));
  p[64 + 16 + 200] = 1;  // the pool's unused space, past the next header
  EXPECT_EQ(NewErrors(), 1u);
  mln_alloc_free(p);
}

TEST_F(Memcheck, UseAfterDestroyingAChildIsReported) {
  mln_alloc_t *child = mln_alloc_init(pool_);
  auto *p = static_cast<char *>(mln_alloc_m(child, 100));
  std::memset(p, 0, 100);
  mln_alloc_destroy(child);
  sink = p[0];
  EXPECT_EQ(NewErrors(), 1u);
}

TEST_F(Memcheck, ShrinkingHidesTheTail) {
  auto *p = static_cast<char *>(mln_alloc_m(pool_, 1000));
  std::memset(p, 0, 1000);
  auto *q = static_cast<char *>(mln_alloc_re(pool_, p, 100));
  ASSERT_EQ(q, p);
  q[99] = 1;
  EXPECT_EQ(NewErrors(), 0u);
  q[500] = 1;
  EXPECT_EQ(NewErrors(), 1u);
  mln_alloc_free(q);
}

TEST_F(Memcheck, GrowingKeepsContentsDefinedAndTheNewPartUndefined) {
  auto *p = static_cast<char *>(mln_alloc_m(pool_, 20));
  std::memset(p, 3, 20);
  auto *q = static_cast<char *>(mln_alloc_re(pool_, p, 200));  // in place, at the wilderness
  ASSERT_EQ(q, p);
  for (int i = 0; i < 20; i++)
    if (q[i] != 3) ADD_FAILURE() << "contents lost at " << i;
  EXPECT_EQ(NewErrors(), 0u);
  if (q[150] == 3) sink = 1;
  EXPECT_EQ(NewErrors(), 1u);
  mln_alloc_free(q);
}

TEST_F(Memcheck, MovingKeepsWhatWasWritten) {
  auto *p = static_cast<char *>(mln_alloc_m(pool_, 40));
  void *fence = mln_alloc_m(pool_, 16);  // forces the block to move
  std::memset(p, 9, 40);
  auto *q = static_cast<char *>(mln_alloc_re(pool_, p, 4000));
  ASSERT_NE(q, p);
  for (int i = 0; i < 40; i++)
    if (q[i] != 9) ADD_FAILURE() << "contents lost at " << i;
  EXPECT_EQ(NewErrors(), 0u);
  sink = p[0];  // the old home is free
  EXPECT_EQ(NewErrors(), 1u);
  mln_alloc_free(q);
  mln_alloc_free(fence);
}

// Every call used correctly, across every kind of pool: no report at all.
TEST_F(Memcheck, CorrectUseReportsNothing) {
  mln_alloc_t *child = mln_alloc_init(pool_);
  mln_alloc_t *grandchild = mln_alloc_init(child);
  void *blocks[300];
  for (int i = 0; i < 300; i++) {
    mln_alloc_t *owner = i % 3 == 0 ? pool_ : i % 3 == 1 ? child : grandchild;
    size_t size = 1 + (i * 7919) % (i % 50 == 0 ? 300000 : 700);
    blocks[i] = i % 2 ? mln_alloc_c(owner, size) : mln_alloc_m(owner, size);
    ASSERT_NE(blocks[i], nullptr);
    std::memset(blocks[i], i, size);
    if (i % 5 == 0) {
      blocks[i] = mln_alloc_re(owner, blocks[i], size * 2 + 1);
      ASSERT_NE(blocks[i], nullptr);
      std::memset(blocks[i], i, size * 2 + 1);
    }
  }
  for (int i = 0; i < 300; i += 2) mln_alloc_free(blocks[i]);
  struct mln_alloc_stats_s stats;
  EXPECT_EQ(mln_alloc_stats(pool_, &stats), 0);
  EXPECT_EQ(mln_alloc_check(pool_), 0);
  mln_alloc_destroy(child);  // and the grandchild with it

  alignas(16) static unsigned char region[16 * 1024];
  mln_alloc_t *fixed = mln_alloc_region_init(region, sizeof region);
  ASSERT_NE(fixed, nullptr);
  void *r = mln_alloc_c(fixed, 500);
  ASSERT_NE(r, nullptr);
  mln_alloc_free(r);
  mln_alloc_destroy(fixed);
  std::memset(region, 0, sizeof region);  // the region is its owner's again

  struct mln_alloc_shm_attr_s attr = {64 * 1024, nullptr, NoLock, NoLock};
  mln_alloc_t *shared = mln_alloc_shm_init(&attr);
  ASSERT_NE(shared, nullptr);
  mln_alloc_t *sub = mln_alloc_init(shared);
  ASSERT_NE(sub, nullptr);
  void *s = mln_alloc_re(sub, mln_alloc_m(sub, 100), 3000);
  ASSERT_NE(s, nullptr);
  std::memset(s, 1, 3000);
  mln_alloc_free(s);
  mln_alloc_destroy(sub);
  mln_alloc_destroy(shared);
  EXPECT_EQ(NewErrors(), 0u);
}

}  // namespace
