// SPDX-License-Identifier: MIT
// Millions of random operations on a tree of pools, checked against a model.
#include <gtest/gtest.h>

#include <cstdlib>

#include "tests/shadow_model.h"

namespace {

// Emulated runs (qemu) divide the work by MLN_STRESS_DIVISOR.
size_t Ops(size_t n) {
  const char *divisor = std::getenv("MLN_STRESS_DIVISOR");
  return divisor != nullptr && std::atoi(divisor) > 0 ? n / std::atoi(divisor) : n;
}

TEST(Stress, RandomOperationsAgreeWithTheModel) {
  for (uint32_t seed : {1u, 2u, 3u, 4u}) {
    ShadowModel model(seed);
    std::string problem = model.Run(Ops(600000), 5000);
    EXPECT_EQ(problem, "") << "seed " << seed;
  }
}

TEST(Stress, IntegrityHoldsAfterEveryStep) {
  ShadowModel model(99);
  EXPECT_EQ(model.Run(Ops(20000), 1), "");
}

}  // namespace
