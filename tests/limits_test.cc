// SPDX-License-Identifier: MIT
// The largest request: every pool kind refuses a request no block can serve
// (above 2^39 - 32 bytes on LP64; 2^36 - 32 in the firmware profile, whose
// two bins per power of two leave room for fewer powers in a 32-bit
// bitmap), whatever the OS would grant, and serves the largest one whole.
//
// The OS here is made to grant: the platform's span primitive is wrapped at
// link time (-Wl,--wrap, see tests/BUILD) so that a root pool asking for a
// span of 256 GiB or more gets address space with no memory behind it
// (MAP_NORESERVE), as a host with overcommit_memory=1 or half a terabyte of
// memory would give. Nothing then depends on this host refusing.
#include <gtest/gtest.h>

#include <sys/mman.h>

#include <cstdint>
#include <cstring>

#include "mln_alloc.h"
#include "tests/pool_probe.h"

extern "C" {
void *__real_mln_platform_span_acquire(size_t *size);
void __real_mln_platform_span_release(void *mem, size_t size);
}

namespace {

// Spans from this size on are "granted" by the wrapper below (a quarter of
// the largest block, which depends on the profile).
const size_t kHuge = static_cast<size_t>(1) << (probe_profile_is_firmware() ? 35 : 38);
size_t granted = 0;  // huge spans handed out, for the tests to see

}  // namespace

extern "C" void *__wrap_mln_platform_span_acquire(size_t *size) {
  if (*size < kHuge) return __real_mln_platform_span_acquire(size);
  size_t page = 4096;
  size_t bytes = (*size + page - 1) & ~(page - 1);
  void *mem = mmap(nullptr, bytes, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (mem == MAP_FAILED) return nullptr;
  granted++;
  *size = bytes;
  return mem;
}

extern "C" void __wrap_mln_platform_span_release(void *mem, size_t size) {
  if (size < kHuge) {
    __real_mln_platform_span_release(mem, size);
    return;
  }
  munmap(mem, size);
}

namespace {

#if SIZE_MAX > 0xffffffffu
const size_t kLargest = (static_cast<size_t>(1) << (probe_profile_is_firmware() ? 36 : 39)) - 32;  // LP64
#else
const size_t kLargest = (static_cast<size_t>(1) << 31) - 16;  // 32-bit ARM
#endif

// Requests just past the largest, up to sizes the old limit (SIZE_MAX / 2)
// let through.
const size_t kTooLarge[] = {kLargest + 1, kLargest + 16, kLargest + 17, kLargest + 4096,
                            kLargest * 2, SIZE_MAX / 4, SIZE_MAX / 2};

size_t Failures(mln_alloc_t *pool) {
  struct mln_alloc_stats_s s = {};
  EXPECT_EQ(mln_alloc_stats(pool, &s), 0);
  return s.failures;
}

// Every too-large request to `pool` returns NULL, counts one failure, and
// leaves `keep` (a block of the pool, 64 bytes of 0x5a) as it was.
void ExpectRefused(mln_alloc_t *pool) {
  auto *keep = static_cast<unsigned char *>(mln_alloc_m(pool, 64));
  ASSERT_NE(keep, nullptr);
  std::memset(keep, 0x5a, 64);
  size_t granted_before = granted;
  for (size_t n : kTooLarge) {
    size_t failures = Failures(pool);
    void *p = mln_alloc_m(pool, n);
    EXPECT_EQ(p, nullptr) << n;
    if (p != nullptr) {  // what the old code did: a block shorter than asked
      EXPECT_GE(probe_usable_size(p), n) << n;
      mln_alloc_free(p);
      continue;
    }
    EXPECT_EQ(mln_alloc_c(pool, n), nullptr) << n;
    EXPECT_EQ(mln_alloc_re(pool, keep, n), nullptr) << n;
    EXPECT_EQ(Failures(pool), failures + 3) << n;
  }
  EXPECT_EQ(granted, granted_before);  // refused before any span was asked for
  for (int i = 0; i < 64; i++) ASSERT_EQ(keep[i], 0x5a);
  mln_alloc_free(keep);
  EXPECT_EQ(mln_alloc_check(pool), 0);
}

TEST(Limits, RootPoolsRefuseWhatNoBlockServes) {
  mln_alloc_t *root = mln_alloc_init(nullptr);
  ExpectRefused(root);
  mln_alloc_t *capped = mln_alloc_init_capacity(nullptr, SIZE_MAX - 1);  // a limit above any request
  ExpectRefused(capped);
  mln_alloc_destroy(capped);
  mln_alloc_destroy(root);
}

TEST(Limits, ChildPoolsRefuseWhatNoBlockServes) {
  mln_alloc_t *root = mln_alloc_init(nullptr);
  mln_alloc_t *child = mln_alloc_init(root);
  ExpectRefused(child);
  ExpectRefused(root);
  mln_alloc_destroy(root);
}

TEST(Limits, RegionAndSharedPoolsRefuseWhatNoBlockServes) {
  alignas(64) static unsigned char region[64 * 1024];
  mln_alloc_t *pool = mln_alloc_region_init(region, sizeof region);
  ExpectRefused(pool);
  mln_alloc_destroy(pool);
  void *locker = mln_alloc_shm_mutex_create();
  struct mln_alloc_shm_attr_s attr = {1 << 20, locker, mln_alloc_shm_mutex_lock,
                                      mln_alloc_shm_mutex_unlock};
  mln_alloc_t *shm = mln_alloc_shm_init(&attr);
  ASSERT_NE(shm, nullptr);
  ExpectRefused(shm);
  mln_alloc_t *sub = mln_alloc_init(shm);
  ExpectRefused(sub);
  mln_alloc_destroy(sub);
  mln_alloc_destroy(shm);
  mln_alloc_shm_mutex_destroy(locker);
}

#if defined(__SANITIZE_ADDRESS__)
#define MLN_UNDER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define MLN_UNDER_ASAN 1
#endif
#endif

// The largest request is served whole, when the OS grants it: its first and
// last bytes are the caller's. Not built under AddressSanitizer, where the
// library would have it poison and unpoison 512 GiB of shadow; a host that
// cannot reserve 512 GiB of address space fails it. (This suite is built
// for 64-bit hosts only: the wrapper grants spans of 256 GiB and up.)
#ifndef MLN_UNDER_ASAN
static_assert(sizeof(size_t) >= 8, "the largest request needs a 64-bit address space");
TEST(Limits, TheLargestRequestIsServedWhole) {
  mln_alloc_t *root = mln_alloc_init(nullptr);
  auto *p = static_cast<unsigned char *>(mln_alloc_m(root, kLargest));
  ASSERT_NE(p, nullptr);
  EXPECT_GE(probe_usable_size(p), kLargest);
  p[0] = 1;
  p[kLargest - 1] = 2;
  EXPECT_EQ(mln_alloc_check(root), 0);
  mln_alloc_free(p);
  EXPECT_EQ(mln_alloc_check(root), 0);
  mln_alloc_destroy(root);
}
#endif

}  // namespace
