// SPDX-License-Identifier: MIT
// Region pools: a pool over memory the caller owns, on every platform.
#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <vector>

#include "mln_alloc.h"
#include "tests/pool_probe.h"

namespace {

alignas(64) unsigned char region[256 * 1024];

TEST(Region, TooSmallOrNullIsRefused) {
  EXPECT_EQ(mln_alloc_region_init(nullptr, sizeof region), nullptr);
  EXPECT_EQ(mln_alloc_region_init(region, 0), nullptr);
  EXPECT_EQ(mln_alloc_region_init(region, mln_alloc_region_min_size() - 1), nullptr);
  EXPECT_EQ(mln_alloc_region_init(region + 1, mln_alloc_region_min_size() - 1), nullptr);
  mln_alloc_t *pool = mln_alloc_region_init(region, mln_alloc_region_min_size());
  ASSERT_NE(pool, nullptr);
  EXPECT_NE(mln_alloc_m(pool, 1), nullptr);
  mln_alloc_destroy(pool);
}

// Every size from the smallest up works, those just past a power of two
// (where the bins need one more row) included, aligned or not.
TEST(Region, EverySizeFromTheSmallestUpWorks) {
  const size_t least = mln_alloc_region_min_size();
  std::vector<size_t> sizes;
  for (size_t size = least; size < least + 4096; size++) sizes.push_back(size);
  for (size_t power = 64; power <= sizeof region / 2; power *= 2)
    for (size_t size = power - 64; size < power + 256; size++)
      if (size >= least) sizes.push_back(size);
  for (size_t offset : {0u, 1u, 7u}) {
    for (size_t size : sizes) {
      mln_alloc_t *pool = mln_alloc_region_init(region + offset, size);
      ASSERT_NE(pool, nullptr) << size << " bytes at offset " << offset;
      ASSERT_NE(mln_alloc_m(pool, 1), nullptr) << size << " bytes at offset " << offset;
      ASSERT_EQ(probe_check_tree(pool), nullptr) << size;
      mln_alloc_destroy(pool);
    }
  }
}

TEST(Region, EverythingStaysInsideTheRegionAndAligned) {
  for (size_t offset : {0u, 1u, 3u, 8u, 13u}) {
    mln_alloc_t *pool = mln_alloc_region_init(region + offset, sizeof region - offset);
    ASSERT_NE(pool, nullptr);
    EXPECT_GE(reinterpret_cast<uintptr_t>(pool), reinterpret_cast<uintptr_t>(region + offset));
    for (void *p; (p = mln_alloc_m(pool, 333)) != nullptr;) {
      auto at = reinterpret_cast<uintptr_t>(p);
      ASSERT_GE(at, reinterpret_cast<uintptr_t>(region + offset));
      ASSERT_LE(at + 333, reinterpret_cast<uintptr_t>(region + sizeof region));
      ASSERT_EQ(at % MLN_ALLOC_ALIGNMENT, 0u);
    }
    EXPECT_EQ(probe_check_tree(pool), nullptr);
    mln_alloc_destroy(pool);
  }
}

TEST(Region, NeverGrowsAndGivesCapacityBack) {
  mln_alloc_t *pool = mln_alloc_region_init(region, sizeof region);
  std::vector<void *> blocks;
  for (void *p; (p = mln_alloc_m(pool, 1000)) != nullptr;) blocks.push_back(p);
  EXPECT_EQ(probe_span_count(pool), 1u);
  EXPECT_EQ(mln_alloc_m(pool, 1000), nullptr);
  for (void *p : blocks) mln_alloc_free(p);
  EXPECT_NE(mln_alloc_m(pool, sizeof region - 16 * 1024), nullptr);
  mln_alloc_destroy(pool);
}

TEST(Region, ChildPoolsCascadeFromIt) {
  mln_alloc_t *pool = mln_alloc_region_init(region, sizeof region);
  size_t baseline = probe_used_bytes(pool);
  mln_alloc_t *child = mln_alloc_init(pool);
  mln_alloc_t *grandchild = mln_alloc_init(child);
  ASSERT_NE(grandchild, nullptr);
  auto *p = static_cast<char *>(mln_alloc_m(grandchild, 100));
  std::strcpy(p, "deep");
  EXPECT_EQ(probe_check_tree(pool), nullptr);
  mln_alloc_destroy(child);
  EXPECT_EQ(probe_used_bytes(pool), baseline);
  mln_alloc_destroy(pool);
  // The region is the caller's again: a new pool can use it at once.
  EXPECT_NE(mln_alloc_region_init(region, sizeof region), nullptr);
}

}  // namespace
