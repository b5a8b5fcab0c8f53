// SPDX-License-Identifier: MIT
// Melon's newer signatures (MLN_ALLOC_CAPACITY_API, set for this target in
// tests/BUILD): code written against them compiles and behaves, from C
// (capacity_api_test.c) and from C++ (here).
#include <gtest/gtest.h>

#include <type_traits>

#include "mln_alloc.h"

#ifndef MLN_ALLOC_CAPACITY_API
#error "this suite is compiled with -DMLN_ALLOC_CAPACITY_API"
#endif

extern "C" {
int melon_capacity_sequence(void);
int melon_cascade(void);
int melon_shared(void);
int melon_function_pointers(void);
}

namespace {

// The names carry the newer types, not the seed's.
static_assert(std::is_same<decltype(&mln_alloc_init), mln_alloc_t *(*)(mln_alloc_t *, mln_size_t)>::value,
              "mln_alloc_init(parent, capacity)");
static_assert(std::is_same<decltype(&mln_alloc_shm_init),
                           mln_alloc_t *(*)(mln_size_t, void *, mln_alloc_shm_lock_cb_t,
                                            mln_alloc_shm_lock_cb_t)>::value,
              "mln_alloc_shm_init(capacity, locker, lock, unlock)");
static_assert(std::is_same<decltype(&mln_alloc_available_capacity), mln_size_t (*)(mln_alloc_t *)>::value,
              "mln_alloc_available_capacity(pool)");
static_assert(M_ALLOC_INFINITE_SIZE == ~static_cast<mln_size_t>(0), "all bits set");

TEST(CapacityApi, MelonsOwnCapacitySequenceFromC) { EXPECT_EQ(melon_capacity_sequence(), 0); }

TEST(CapacityApi, CascadesFromC) { EXPECT_EQ(melon_cascade(), 0); }

TEST(CapacityApi, SharedPoolFromACapacityFromC) { EXPECT_EQ(melon_shared(), 0); }

TEST(CapacityApi, FunctionPointersFromC) { EXPECT_EQ(melon_function_pointers(), 0); }

int NoOp(void *) { return 0; }

TEST(CapacityApi, PointersAndCallsFromCxx) {
  mln_alloc_t *(*init)(mln_alloc_t *, mln_size_t) = mln_alloc_init;
  auto shm_init = mln_alloc_shm_init;
  mln_alloc_t *root = init(nullptr, 0);
  mln_alloc_t *child = init(root, 16 * 1024);
  ASSERT_NE(child, nullptr);
  EXPECT_EQ(mln_alloc_available_capacity(child), 16u * 1024);
  EXPECT_EQ(mln_alloc_m(child, 20 * 1024), nullptr);
  EXPECT_NE(mln_alloc_m(child, 10 * 1024), nullptr);
  mln_alloc_destroy(root);
  mln_alloc_t *shm = shm_init(256 * 1024, nullptr, NoOp, NoOp);
  ASSERT_NE(shm, nullptr);
  mln_size_t all = mln_alloc_available_capacity(shm);
  void *p = mln_alloc_m(shm, 1000);
  EXPECT_LT(mln_alloc_available_capacity(shm), all);
  mln_alloc_free(p);
  EXPECT_EQ(mln_alloc_available_capacity(shm), all);
  mln_alloc_destroy(shm);
}

}  // namespace
