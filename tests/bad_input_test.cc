// SPDX-License-Identifier: MIT
// Bad input gets a clear answer and corrupts nothing.
#include <gtest/gtest.h>

#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstring>
#include <vector>

#include "mln_alloc.h"
#include "tests/pool_probe.h"

namespace {

class BadInput : public ::testing::Test {
 protected:
  void SetUp() override {
    pool_ = mln_alloc_init(nullptr);
    child_ = mln_alloc_init(pool_);
    keep_ = static_cast<unsigned char *>(mln_alloc_m(child_, 256));
    std::memset(keep_, 0x3c, 256);
  }
  // Whatever a test did, the pools are intact and earlier blocks unchanged.
  void TearDown() override {
    EXPECT_EQ(probe_check_tree(pool_), nullptr) << probe_check_tree(pool_);
    for (int i = 0; i < 256; i++) ASSERT_EQ(keep_[i], 0x3c);
    void *p = mln_alloc_m(child_, 1000);
    EXPECT_NE(p, nullptr);
    mln_alloc_free(p);
    mln_alloc_destroy(pool_);
  }
  mln_alloc_t *pool_ = nullptr;
  mln_alloc_t *child_ = nullptr;
  unsigned char *keep_ = nullptr;
};

// Sizes whose block (header added, rounded) cannot be represented; refused
// before any memory is asked for, on every word size.
// Caps this process's address space at what it uses now plus `extra` bytes,
// so that the OS refuses any larger mapping; relative, because a sanitizer
// runtime has reserved terabytes already and still needs a little room.
bool CapAddressSpace(size_t extra) {
  FILE *statm = std::fopen("/proc/self/statm", "r");
  unsigned long pages = 0;
  if (statm == nullptr || std::fscanf(statm, "%lu", &pages) != 1) return false;
  std::fclose(statm);
  struct rlimit lim;
  getrlimit(RLIMIT_AS, &lim);
  lim.rlim_cur = pages * static_cast<rlim_t>(sysconf(_SC_PAGESIZE)) + extra;
  return setrlimit(RLIMIT_AS, &lim) == 0;
}

const size_t kOverflowing[] = {SIZE_MAX, SIZE_MAX - 1, SIZE_MAX - 15, SIZE_MAX - 16,
                               SIZE_MAX / 2 + 1};

TEST_F(BadInput, OverflowingSizesReturnNull) {
  for (size_t n : kOverflowing) {
    for (mln_alloc_t *pool : {pool_, child_}) {
      size_t used = probe_used_bytes(pool);
      EXPECT_EQ(mln_alloc_m(pool, n), nullptr) << n;
      EXPECT_EQ(mln_alloc_c(pool, n), nullptr) << n;
      EXPECT_EQ(mln_alloc_re(pool, keep_, n), nullptr) << n;
      EXPECT_EQ(probe_used_bytes(pool), used) << n;
    }
  }
}

TEST_F(BadInput, SizesTheOsRefusesReturnNull) {
  if (sizeof(size_t) == 8) {
    // Far beyond any machine's memory, and above the largest block (2^39 - 32
    // bytes): refused before the OS is asked (limits_test makes the OS grant).
    for (size_t n : {SIZE_MAX / 4, SIZE_MAX / 1024, (SIZE_MAX >> 14) + 1 /* 2^50 */}) {
      EXPECT_EQ(mln_alloc_m(pool_, n), nullptr) << n;
      EXPECT_EQ(mln_alloc_m(child_, n), nullptr) << n;
      EXPECT_EQ(mln_alloc_re(child_, keep_, n), nullptr) << n;
    }
    return;
  }
  // 32-bit: any one size may be granted; exhaust the address space instead.
  std::vector<void *> big;
  void *p;
  while (big.size() < 64 && (p = mln_alloc_m(pool_, 256u << 20)) != nullptr) big.push_back(p);
  EXPECT_LT(big.size(), 64u);  // the OS said no before 16 GiB
  EXPECT_EQ(mln_alloc_re(child_, keep_, 256u << 20), nullptr);
  for (void *q : big) mln_alloc_free(q);
}

TEST_F(BadInput, NullPoolArgumentsReturnNull) {
  EXPECT_EQ(mln_alloc_m(nullptr, 10), nullptr);
  EXPECT_EQ(mln_alloc_c(nullptr, 10), nullptr);
  EXPECT_EQ(mln_alloc_re(nullptr, nullptr, 10), nullptr);
  EXPECT_EQ(mln_alloc_re(nullptr, keep_, 10), nullptr);  // keep_ stays valid
  mln_alloc_destroy(nullptr);
  mln_alloc_free(nullptr);
}

TEST_F(BadInput, SizeZeroIsAValidMinimumBlock) {
  void *p = mln_alloc_m(child_, 0);
  ASSERT_NE(p, nullptr);
  EXPECT_GE(probe_usable_size(p), 1u);
  mln_alloc_free(p);
}

// The OS refuses new memory (address-space limit): allocations that need a
// new span fail with NULL, and the pool keeps serving from what it has.
TEST_F(BadInput, OsAllocationFailureLeavesThePoolUsable) {
  pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    mln_alloc_t *pool = mln_alloc_init(nullptr);
    void *warm = mln_alloc_m(pool, probe_profile_is_firmware() ? 100 : 1000);
    if (!CapAddressSpace(16 << 20)) _exit(10);  // 16 MiB more, then the OS says no
    int code = 0;
    // Root pools need spans: the process-wide cache serves a few, then NULL.
    int roots = 0;
    while (roots < 100000 && mln_alloc_init(nullptr) != nullptr) roots++;
    if (roots == 100000) code |= 1;
    if (mln_alloc_m(pool, 64 << 20) != nullptr) code |= 2;  // larger than the cap
    std::vector<void *> held;
    void *p;
    // Blocks the home span holds several of (4 KiB in all in firmware).
    const size_t size = probe_profile_is_firmware() ? 400 : 4000;
    while ((p = mln_alloc_m(pool, size)) != nullptr) held.push_back(p);  // fill the home span
    if (held.empty()) code |= 4;
    if (probe_check_tree(pool) != nullptr) code |= 8;
    for (void *q : held) mln_alloc_free(q);
    mln_alloc_free(warm);
    if (mln_alloc_m(pool, size) == nullptr) code |= 16;  // usable again
    if (probe_check_tree(pool) != nullptr) code |= 32;
    _exit(code);
  }
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
}

TEST_F(BadInput, ChildCreationFailsCleanlyWhenTheParentCannotGrow) {
  pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    mln_alloc_t *root = mln_alloc_init(nullptr);
    if (!CapAddressSpace(16 << 20)) _exit(10);
    std::vector<mln_alloc_t *> children;
    mln_alloc_t *c;
    while ((c = mln_alloc_init(root)) != nullptr) children.push_back(c);
    int code = 0;
    if (children.empty()) code |= 1;
    if (probe_check_tree(root) != nullptr) code |= 2;
    mln_alloc_destroy(children.back());
    if (mln_alloc_init(root) == nullptr) code |= 4;  // the space came back
    _exit(code);
  }
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
}

}  // namespace
