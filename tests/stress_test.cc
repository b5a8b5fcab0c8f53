// Millions of random operations on a tree of pools, checked against a model.
#include <gtest/gtest.h>

#include "tests/shadow_model.h"

namespace {

TEST(Stress, RandomOperationsAgreeWithTheModel) {
  for (uint32_t seed : {1u, 2u, 3u, 4u}) {
    ShadowModel model(seed);
    std::string problem = model.Run(600000, 5000);
    EXPECT_EQ(problem, "") << "seed " << seed;
  }
}

TEST(Stress, IntegrityHoldsAfterEveryStep) {
  ShadowModel model(99);
  EXPECT_EQ(model.Run(20000, 1), "");
}

}  // namespace
