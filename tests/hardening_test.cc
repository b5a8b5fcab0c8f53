// SPDX-License-Identifier: MIT
// Misuse is caught and reported through the panic hook, never left to
// corrupt a pool: double frees, foreign pointers, destroying twice.
#include <gtest/gtest.h>

#include <csignal>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "mln_alloc.h"
#include "tests/misuse_messages.h"
#include "tests/pool_probe.h"

namespace {

class Hardening : public ::testing::Test {
 protected:
  // Death tests use the default "fast" style (fork, no re-exec), which also
  // works under qemu-user; the tests are single-threaded.
  void SetUp() override { pool_ = mln_alloc_init(nullptr); }
  void TearDown() override { mln_alloc_destroy(pool_); }
  mln_alloc_t *pool_ = nullptr;
};

TEST_F(Hardening, DoubleFreeOfALargeBlockIsCaught) {
  void *p = mln_alloc_m(pool_, 5000);  // above the front cache: straight to the engine
  void *guard = mln_alloc_m(pool_, 5000);
  mln_alloc_free(p);
  EXPECT_DEATH(mln_alloc_free(p), "double free");
  mln_alloc_free(guard);
}

TEST_F(Hardening, DoubleFreeOfACachedSmallBlockIsCaught) {
  // Freed into the pool's front cache (firmware, which has none: straight
  // back to the engine, its header marked free).
  void *p = mln_alloc_m(pool_, 24);
  mln_alloc_free(p);
  EXPECT_DEATH(mln_alloc_free(p), "double free");
}

TEST_F(Hardening, DoubleFreeOfABlockMergedIntoItsPredecessorIsCaught) {
  void *a = mln_alloc_m(pool_, 5000);  // above the front cache's sizes
  void *b = mln_alloc_m(pool_, 5000);
  void *guard = mln_alloc_m(pool_, 5000);
  mln_alloc_free(a);
  mln_alloc_free(b);  // merges into a: b's header now lies inside a free block
  EXPECT_DEATH(mln_alloc_free(b), "double free");
  mln_alloc_free(guard);
}

TEST_F(Hardening, ReallocOfAFreedBlockIsCaught) {
  void *p = mln_alloc_m(pool_, 5000);
  void *guard = mln_alloc_m(pool_, 16);
  mln_alloc_free(p);
  // Either freed-block reason: the services sentences both say "already
  // freed", the firmware words both begin "double free".
  EXPECT_DEATH(mln_alloc_re(pool_, p, 6000), Says(nullptr, "already freed", "double free"));
  mln_alloc_free(guard);
}

TEST_F(Hardening, ForeignPointersAreCaught) {
  alignas(64) static unsigned char buffer[256] = {};
  EXPECT_DEATH(mln_alloc_free(buffer + 64), "not allocated by any pool");
  void *from_malloc = std::malloc(100);
  // malloc's own header decides the diagnosis: foreign, or, when its bits
  // happen to read as a free block of ours, a double free. Either way the
  // call is refused. Under AddressSanitizer, reading the would-be header is
  // itself out of bounds, and it reports that first.
  EXPECT_DEATH(mln_alloc_free(from_malloc),
               "not allocated by any pool|double free|AddressSanitizer");
  std::free(from_malloc);
  auto *inside = static_cast<unsigned char *>(mln_alloc_c(pool_, 256));
  EXPECT_DEATH(mln_alloc_free(inside + 64), "not allocated by any pool");  // interior pointer
  EXPECT_DEATH(mln_alloc_free(inside + 1), "not allocated by any pool");   // misaligned
  EXPECT_DEATH(mln_alloc_re(pool_, buffer + 64, 10), "not allocated by any pool");
  mln_alloc_free(inside);
}

// What an interior pointer is told by: the header-sized bytes before it. A
// size word with bit 0 set reads as a freed block (the message says it may
// not be one), any owner word that names no pool (zeros, a small number,
// an odd or misaligned one, an address that holds no pool) as foreign.
// (Bytes that read as a live block's header of a live pool are not caught:
// the README's bad-input table and mln_alloc_free's comment say so. In the
// services profile, the pool's address plus one reads as a block in its
// front cache: "double free (the block was already freed)".)
TEST_F(Hardening, InteriorPointersAreCaughtByTheBytesBeforeThem) {
  struct user {
    size_t len;
    void *owner;
    alignas(MLN_ALLOC_ALIGNMENT) unsigned char data[64];
  };
  ASSERT_EQ(offsetof(user, data), probe_block_header());
  auto *u = static_cast<user *>(mln_alloc_c(pool_, sizeof(user)));
  alignas(64) static unsigned char not_a_pool[256] = {};
  const std::string foreign =
      Says("mln_alloc_free", "pointer not allocated by any pool", "pointer not allocated by any pool");
  const std::string freed_header = Says("mln_alloc_free", "double free, or a pointer inside a block",
                                        "double free, or a pointer inside a block");
  struct {
    size_t len;
    void *owner;
    std::string says;
  } cases[] = {
      {0, nullptr, foreign},
      {64, nullptr, foreign},
      {64, reinterpret_cast<void *>(uintptr_t{100}), foreign},
      {64, reinterpret_cast<char *>(pool_) + 8, foreign},  // aligned, names no pool
      {64, reinterpret_cast<char *>(pool_) + 2, foreign},  // misaligned owner
      {64, not_a_pool + 64, foreign},                      // memory holding no pool
      {65, pool_, freed_header},
      {65, nullptr, "double free, or a pointer inside a block"},
  };
  for (const auto &c : cases) {
    u->len = c.len;
    u->owner = c.owner;
    EXPECT_DEATH(mln_alloc_free(u->data), c.says) << c.len << " " << c.owner;
    EXPECT_DEATH(mln_alloc_re(pool_, u->data, 10), "not allocated by any pool|double free")
        << c.len << " " << c.owner;
  }
  EXPECT_EQ(mln_alloc_check(pool_), 0);
  mln_alloc_free(u);
}

TEST_F(Hardening, DestroyingTwiceIsCaught) {
  mln_alloc_t *child = mln_alloc_init(pool_);
  mln_alloc_destroy(child);
  EXPECT_DEATH(mln_alloc_destroy(child), "not a live pool");
}

TEST_F(Hardening, NothingIsCorruptedBeforeThePanic) {
  // The check runs before any write: in the child that dies, the pool is
  // still sound at the moment of the panic.
  void *p = mln_alloc_m(pool_, 2000);
  void *guard = mln_alloc_m(pool_, 2000);
  mln_alloc_free(p);
  static mln_alloc_t *seen;
  seen = pool_;
  mln_alloc_set_panic_hook([](const char *) {
    std::fprintf(stderr, "check at panic: %s\n", mln_alloc_check(seen) == 0 ? "clean" : "corrupt");
  });
  EXPECT_DEATH(mln_alloc_free(p), "check at panic: clean");
  mln_alloc_set_panic_hook(nullptr);
  EXPECT_EQ(mln_alloc_check(pool_), 0);
  mln_alloc_free(guard);
}

// (The 64-byte block is in the front cache in services, "double free (the
// block was already freed)"; in firmware it went straight back to the
// engine, and its header's free bit tells: "double free, or a pointer inside
// a block".)
TEST_F(Hardening, UserHookHearsTheMessageFirst) {
  mln_alloc_set_panic_hook([](const char *message) {
    std::fprintf(stderr, "user hook: %s\n", message);
  });
  void *p = mln_alloc_m(pool_, 64);
  mln_alloc_free(p);
  EXPECT_DEATH(mln_alloc_free(p), "user hook: " + Says("mln_alloc_free", "double free", "double free"));
  mln_alloc_set_panic_hook(nullptr);
}

// The default hook: the message on stderr, then abort(). The child turns
// SIGABRT into exit code 77, so the test sees that abort() was what ended it
// (and the child's exit handlers run). The message: the call and the front
// cache's reason in services; in firmware the short reason alone, right after
// "mlnpool: " (no call name), of a block back in the engine.
TEST_F(Hardening, DefaultHookPrintsTheMessageAndAborts) {
  void *p = mln_alloc_m(pool_, 64);
  mln_alloc_free(p);
  EXPECT_EXIT(
      {
        std::signal(SIGABRT, [](int) { std::exit(77); });
        mln_alloc_free(p);
      },
      ::testing::ExitedWithCode(77),
      "mlnpool: " + Says("mln_alloc_free", "double free \\(the block was already freed\\)",
                         "double free, or a pointer inside a block"));
}

TEST(Check, CleanPoolsPassCorruptOnesFail) {
  EXPECT_EQ(mln_alloc_check(nullptr), -1);
  mln_alloc_t *root = mln_alloc_init(nullptr);
  mln_alloc_t *child = mln_alloc_init(root);
  auto *p = static_cast<unsigned char *>(mln_alloc_m(child, 500));
  void *q = mln_alloc_m(child, 500);
  EXPECT_EQ(mln_alloc_check(root), 0);
  EXPECT_EQ(mln_alloc_check(child), 0);
  size_t saved = probe_block_head(p);
  probe_corrupt_head(p, saved + 4096);  // an overrun from the block before
  EXPECT_EQ(mln_alloc_check(child), -1);
  EXPECT_EQ(mln_alloc_check(root), -1);  // the walk goes down the tree
  probe_corrupt_head(p, saved);
  EXPECT_EQ(mln_alloc_check(root), 0);
  mln_alloc_free(q);
  mln_alloc_destroy(root);
}

}  // namespace
