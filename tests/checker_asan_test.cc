// SPDX-License-Identifier: MIT
// Built against //alloc:mln_alloc_with_asan, the pools announce every block
// to AddressSanitizer, so misuse of pooled memory is reported as for
// malloc'd memory: each misuse below must kill the process with ASan's report.
#include <gtest/gtest.h>

#include <cstring>

#include "mln_alloc.h"

namespace {

class Checker : public ::testing::Test {
 protected:
  void SetUp() override { pool_ = mln_alloc_init(nullptr); }
  void TearDown() override { mln_alloc_destroy(pool_); }
  mln_alloc_t *pool_ = nullptr;
};

volatile char sink;

TEST_F(Checker, UseAfterFreeIsReported) {
  auto *p = static_cast<char *>(mln_alloc_m(pool_, 100));
  p[0] = 1;
  mln_alloc_free(p);
  EXPECT_DEATH(sink = p[10], "AddressSanitizer: use-after-poison");
}

TEST_F(Checker, UseAfterFreeOfACachedSmallBlockIsReported) {
  auto *p = static_cast<char *>(mln_alloc_m(pool_, 24));  // goes to the front cache
  mln_alloc_free(p);
  EXPECT_DEATH(p[0] = 7, "AddressSanitizer: use-after-poison");
}

TEST_F(Checker, WritePastTheRequestedEndIsReported) {
  auto *p = static_cast<char *>(mln_alloc_m(pool_, 20));  // usable 32: 12 bytes of slack
  std::memset(p, 0, 20);
  EXPECT_DEATH(p[20] = 1, "AddressSanitizer: use-after-poison");
  mln_alloc_free(p);
}

TEST_F(Checker, WriteIntoSpaceNotYetHandedOutIsReported) {
  auto *p = static_cast<char *>(mln_alloc_m(pool_, 64));
  EXPECT_DEATH(p[64 + 16 + 200] = 1, "AddressSanitizer: use-after-poison");
  mln_alloc_free(p);
}

TEST_F(Checker, UseAfterDestroyingAChildIsReported) {
  mln_alloc_t *child = mln_alloc_init(pool_);
  auto *p = static_cast<char *>(mln_alloc_m(child, 100));
  mln_alloc_destroy(child);  // its span goes back to the parent, poisoned
  EXPECT_DEATH(sink = p[0], "AddressSanitizer: use-after-poison");
}

TEST_F(Checker, ReallocMakesOnlyTheNewSizeAccessible) {
  auto *p = static_cast<char *>(mln_alloc_m(pool_, 1000));
  void *guard = mln_alloc_m(pool_, 16);
  auto *q = static_cast<char *>(mln_alloc_re(pool_, p, 100));  // shrinks in place
  ASSERT_EQ(q, p);
  q[99] = 1;
  EXPECT_DEATH(q[100] = 1, "AddressSanitizer: use-after-poison");
  mln_alloc_free(q);
  mln_alloc_free(guard);
}

}  // namespace
