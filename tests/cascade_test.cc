// SPDX-License-Identifier: MIT
// Cascaded pools: children draw from parents; destroying a pool takes its
// whole subtree with it.
#include <gtest/gtest.h>

#include <cstring>
#include <vector>

#include "mln_alloc.h"
#include "tests/pool_probe.h"

namespace {

void ExpectClean(const mln_alloc_t *pool) {
  const char *problem = probe_check_tree(pool);
  EXPECT_EQ(problem, nullptr) << problem;
}

TEST(Cascade, ChildMemoryComesFromTheParent) {
  mln_alloc_t *root = mln_alloc_init(nullptr);
  size_t before = probe_used_bytes(root);
  mln_alloc_t *child = mln_alloc_init(root);
  ASSERT_NE(child, nullptr);
  EXPECT_GT(probe_used_bytes(root), before);  // the child's home is a block of root
  void *p = mln_alloc_m(child, 100);
  EXPECT_EQ(probe_owner(p), child);
  ExpectClean(root);
  mln_alloc_free(p);
  mln_alloc_destroy(child);
  EXPECT_EQ(probe_used_bytes(root), before);
  mln_alloc_destroy(root);
}

TEST(Cascade, ThreeLevelsAllocateFreeAndCheck) {
  mln_alloc_t *a = mln_alloc_init(nullptr);
  mln_alloc_t *b = mln_alloc_init(a);
  mln_alloc_t *c = mln_alloc_init(b);
  ASSERT_NE(c, nullptr);
  std::vector<char *> blocks;
  for (int i = 0; i < 3000; i++) {
    mln_alloc_t *pool = i % 3 == 0 ? a : i % 3 == 1 ? b : c;
    auto *p = static_cast<char *>(mln_alloc_m(pool, 16 + (i * 53) % 3000));
    ASSERT_NE(p, nullptr);
    std::memset(p, i & 0x7f, 16);
    blocks.push_back(p);
  }
  // c outgrew its home span several times: its spans are blocks of b, b's of a.
  EXPECT_GT(probe_span_count(c), 1u);
  ExpectClean(a);
  for (size_t i = 0; i < blocks.size(); i++) {
    for (int k = 0; k < 16; k++) ASSERT_EQ(blocks[i][k], static_cast<char>(i & 0x7f));
    if (i % 2) mln_alloc_free(blocks[i]);
  }
  ExpectClean(a);
  mln_alloc_destroy(c);
  ExpectClean(a);
  mln_alloc_destroy(b);
  ExpectClean(a);
  mln_alloc_destroy(a);
}

TEST(Cascade, DestroyingAParentReleasesLiveChildrenNeverDestroyed) {
  mln_alloc_t *root = mln_alloc_init(nullptr);
  size_t baseline = probe_used_bytes(root);
  mln_alloc_t *mid = mln_alloc_init(root);
  for (int i = 0; i < 10; i++) {
    mln_alloc_t *leaf = mln_alloc_init(mid);
    ASSERT_NE(leaf, nullptr);
    mln_alloc_t *leaf2 = mln_alloc_init(leaf);
    for (int k = 0; k < 100; k++) {
      ASSERT_NE(mln_alloc_m(leaf, 500), nullptr);
      ASSERT_NE(mln_alloc_m(leaf2, 700), nullptr);
    }
    ASSERT_NE(mln_alloc_m(leaf2, 200000), nullptr);  // a large block two levels down
  }
  ExpectClean(root);
  EXPECT_GT(probe_used_bytes(root), baseline);
  mln_alloc_destroy(mid);  // leaves and their children were never destroyed
  ExpectClean(root);
  EXPECT_EQ(probe_used_bytes(root), baseline);
  mln_alloc_destroy(root);
}

TEST(Cascade, SiblingsAreIndependent) {
  mln_alloc_t *root = mln_alloc_init(nullptr);
  mln_alloc_t *x = mln_alloc_init(root);
  mln_alloc_t *y = mln_alloc_init(root);
  mln_alloc_t *z = mln_alloc_init(root);
  auto *py = static_cast<char *>(mln_alloc_m(y, 64));
  std::strcpy(py, "sibling y");
  mln_alloc_m(x, 64);
  mln_alloc_m(z, 64);
  mln_alloc_destroy(x);
  mln_alloc_destroy(z);
  ExpectClean(root);
  EXPECT_STREQ(py, "sibling y");
  mln_alloc_free(py);
  mln_alloc_destroy(y);
  mln_alloc_destroy(root);
}

TEST(Cascade, DeepChainOfAHundredLevels) {
  mln_alloc_t *root = mln_alloc_init(nullptr);
  mln_alloc_t *pool = root;
  std::vector<mln_alloc_t *> chain;
  for (int depth = 0; depth < 100; depth++) {
    pool = mln_alloc_init(pool);
    ASSERT_NE(pool, nullptr) << depth;
    chain.push_back(pool);
    ASSERT_NE(mln_alloc_m(pool, 100), nullptr);
  }
  void *deep = mln_alloc_m(pool, 300000);
  ASSERT_NE(deep, nullptr);
  std::memset(deep, 3, 300000);
  ExpectClean(root);
  mln_alloc_destroy(chain[50]);  // drops levels 50..99
  ExpectClean(root);
  mln_alloc_destroy(root);
}

TEST(Cascade, ChildPerRequestChurnDoesNotGrowTheParent) {
  mln_alloc_t *root = mln_alloc_init(nullptr);
  size_t spans_after_warmup = 0;
  for (int request = 0; request < 20000; request++) {
    mln_alloc_t *req = mln_alloc_init(root);
    ASSERT_NE(req, nullptr);
    for (int i = 0; i < 50; i++) ASSERT_NE(mln_alloc_m(req, 16 + (i * 97) % 1000), nullptr);
    mln_alloc_destroy(req);
    if (request == 100) spans_after_warmup = probe_span_count(root);
  }
  EXPECT_EQ(probe_span_count(root), spans_after_warmup);
  EXPECT_EQ(probe_used_bytes(root), 0u);
  ExpectClean(root);
  mln_alloc_destroy(root);
}

// A child pool bumps first: a freed block waits while the wilderness lasts
// (the cheapest allocation there is, for pools that mostly die whole), and
// is reused once it is used up, before the child takes another span. A root
// pool reuses first. Blocks of 5000 bytes: above the front cache's sizes.
// `size`: a request the front cache serves (small) or one the engine does.
void ExpectChildBumpsFirstAndReusesBeforeGrowing(size_t size) {
  mln_alloc_t *root = mln_alloc_init(nullptr);
  void *r1 = mln_alloc_m(root, size);
  void *r2 = mln_alloc_m(root, size);  // keeps r1 from merging into the wilderness
  mln_alloc_free(r1);
  EXPECT_EQ(mln_alloc_m(root, size), r1);  // root: the freed block first

  mln_alloc_t *child = mln_alloc_init(root);
  ASSERT_NE(child, nullptr);
  void *c1 = mln_alloc_m(child, size);
  void *c2 = mln_alloc_m(child, size);
  mln_alloc_free(c1);
  void *c3 = mln_alloc_m(child, size);
  if (!probe_profile_has_wilderness()) {
    // No wilderness to bump off (the firmware profile): a child reuses its
    // freed block at once, as a root does, and never grows for it.
    EXPECT_EQ(c3, c1);
    ExpectClean(root);
    mln_alloc_destroy(child);
    mln_alloc_free(r2);
    mln_alloc_destroy(root);
    return;
  }
  EXPECT_NE(c3, c1);                        // child: a bump instead
  EXPECT_GT((char *)c3, (char *)c2);        // from the wilderness, after c2

  // Fill the child until it would need a new span; the freed block is
  // taken before that happens.
  size_t spans = probe_span_count(child);
  bool reused = false;
  std::vector<void *> blocks;
  while (probe_span_count(child) == spans) {
    void *p = mln_alloc_m(child, size);
    ASSERT_NE(p, nullptr);
    if (p == c1) {
      reused = true;
      break;
    }
    blocks.push_back(p);
  }
  EXPECT_TRUE(reused) << "the child grew before reusing its freed block";
  EXPECT_EQ(probe_span_count(child), spans);
  ExpectClean(root);
  mln_alloc_destroy(child);
  mln_alloc_free(r2);
  mln_alloc_destroy(root);
}

TEST(Cascade, ChildPoolsBumpFirstAndReuseBeforeGrowing) {
  // In firmware (alloc/profile.h) smaller: a root's home span is 4 KiB, a
  // child's 1 KiB, and every size is the engine's (no front cache).
  ExpectChildBumpsFirstAndReusesBeforeGrowing(probe_profile_is_firmware() ? 200 : 5000);
}

TEST(Cascade, ChildPoolsBumpFirstAndReuseBeforeGrowingSmallBlocksToo) {
  ExpectChildBumpsFirstAndReusesBeforeGrowing(100);  // the front cache's
}

TEST(Cascade, ChildOfAChildIsFreedByPlainFree) {
  mln_alloc_t *root = mln_alloc_init(nullptr);
  mln_alloc_t *a = mln_alloc_init(root);
  mln_alloc_t *b = mln_alloc_init(a);
  void *p = mln_alloc_m(b, 10);
  mln_alloc_free(p);
  EXPECT_EQ(probe_used_bytes(b), 0u);
  mln_alloc_destroy(root);
}

}  // namespace
