// SPDX-License-Identifier: MIT
// Root pools in separate threads are independent: run several at once.
#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

#include "mln_alloc.h"
#include "tests/pool_probe.h"
#include "tests/shadow_model.h"

namespace {

TEST(Threads, RootPoolsInParallelThreads) {
  constexpr int kThreads = 4;
  std::vector<std::string> problems(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; t++) {
    threads.emplace_back([t, &problems] {
      ShadowModel model(1000 + t);
      problems[t] = model.Run(200000, 20000);
    });
  }
  for (auto &th : threads) th.join();
  for (int t = 0; t < kThreads; t++) EXPECT_EQ(problems[t], "") << "thread " << t;
}

TEST(Threads, PoolChurnSharesTheSpanCacheSafely) {
  constexpr int kThreads = 4;
  std::vector<int> failures(kThreads, 0);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; t++) {
    threads.emplace_back([t, &failures] {
      for (int round = 0; round < 3000; round++) {
        mln_alloc_t *pool = mln_alloc_init(nullptr);
        if (pool == nullptr) { failures[t]++; continue; }
        auto *big = static_cast<unsigned char *>(mln_alloc_m(pool, 300000 + round % 7 * 4096));
        auto *small = static_cast<unsigned char *>(mln_alloc_m(pool, 100));
        if (big == nullptr || small == nullptr) failures[t]++;
        else {
          big[0] = big[299999] = small[0] = static_cast<unsigned char>(t);
          if (big[0] != t || big[299999] != t || small[0] != t) failures[t]++;
        }
        if (probe_check_tree(pool) != nullptr) failures[t]++;
        mln_alloc_destroy(pool);
      }
    });
  }
  for (auto &th : threads) th.join();
  for (int t = 0; t < kThreads; t++) EXPECT_EQ(failures[t], 0) << "thread " << t;
}

}  // namespace
