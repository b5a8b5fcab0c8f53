// SPDX-License-Identifier: MIT
// The process-wide span cache (platform/posix/os_spans.c) keeps the spans
// given back most recently hot: a pool that frees and refills its memory
// after a larger workload finds its own spans again, never one the cache
// marked MADV_FREE (re-dirtying those made such a refill 13 times slower,
// bench/peers size_shift), and without a page fault.
#include <gtest/gtest.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cstring>

#include "mln_alloc.h"
#include "platform/posix/span_cache.h"

namespace {

long MinorFaults() {
  struct rusage usage;
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_minflt;
}

// Allocates `bytes` in 64 KiB blocks, writing every page of each.
void Fill(mln_alloc_t *pool, size_t bytes) {
  for (size_t done = 0; done < bytes; done += 65536) {
    void *block = mln_alloc_m(pool, 65536);
    ASSERT_NE(block, nullptr);
    memset(block, 1, 65536);
  }
}

TEST(SpanCache, RecentSpansStayHotAfterALargerWorkload) {
  constexpr size_t kLarge = 256u << 20;  // twice what the cache keeps hot
  constexpr size_t kSmall = 48u << 20;
  mln_alloc_t *large = mln_alloc_init(nullptr);
  Fill(large, kLarge);
  mln_alloc_destroy(large);  // its spans fill the cache, hot budget and more

  mln_alloc_t *first = mln_alloc_init(nullptr);
  Fill(first, kSmall);
  mln_alloc_destroy(first);  // the newest spans: they must stay hot

  long before = MinorFaults();
  size_t cold_before = mln_posix_span_cache_cold_taken();
  mln_alloc_t *again = mln_alloc_init(nullptr);
  Fill(again, kSmall);
  long faults = MinorFaults() - before;
  EXPECT_EQ(mln_posix_span_cache_cold_taken(), cold_before)
      << "the refill was given spans the cache had marked MADV_FREE";
  mln_alloc_destroy(again);
  // Refaulting the spans would cost one fault per page (12288 here).
  EXPECT_LT(faults, static_cast<long>(kSmall / 4096 / 8))
      << "the refill faulted its memory in again: its spans went cold in the cache";
}

// A burst larger than the hot bytes, dropped and built again at once, gets
// all its spans back as they were; spans that stay unused for a second
// beyond the hot bytes are marked, as before.
TEST(SpanCache, BurstsBeyondTheHotBytesReuseTheirSpansUntilTheyAge) {
  constexpr size_t kBurst = 256u << 20;  // twice what the cache keeps hot
  mln_alloc_t *burst = mln_alloc_init(nullptr);
  Fill(burst, kBurst);
  mln_alloc_destroy(burst);

  size_t cold_before = mln_posix_span_cache_cold_taken();
  long before = MinorFaults();
  burst = mln_alloc_init(nullptr);
  Fill(burst, kBurst);
  long faults = MinorFaults() - before;
  EXPECT_EQ(mln_posix_span_cache_cold_taken(), cold_before)
      << "the second burst was given spans the cache had marked MADV_FREE";
  EXPECT_LT(faults, static_cast<long>(kBurst / 4096 / 8));
  mln_alloc_destroy(burst);

  sleep(2);  // past the delay: the next span to come in cools the old ones
  mln_alloc_t *small = mln_alloc_init(nullptr);
  Fill(small, 65536 * 4);
  mln_alloc_destroy(small);
  burst = mln_alloc_init(nullptr);
  Fill(burst, kBurst);
  EXPECT_GT(mln_posix_span_cache_cold_taken(), cold_before)
      << "spans a second old beyond the hot bytes were not marked";
  mln_alloc_destroy(burst);
}

}  // namespace
