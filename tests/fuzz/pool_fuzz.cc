// SPDX-License-Identifier: MIT
// pool_fuzz: turns input bytes into operations on a heap root, a tree of
// child pools, a region pool and a shared-memory pool, and checks every
// result against a model: contents kept, no overlap, alignment, and
// mln_alloc_check clean after every step. Any violation aborts.
//
// LLVMFuzzerTestOneInput is the libFuzzer entry point (see run_libfuzzer.sh
// for long runs); fuzz_smoke.cc drives it with a fixed corpus in
// `bazel test //...`.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <vector>

#include "mln_alloc.h"
#include "tests/pool_probe.h"

namespace {

[[noreturn]] void Fail(const char *what) {
  std::fprintf(stderr, "pool_fuzz: %s\n", what);
  std::abort();
}

struct Block {
  unsigned char *p;
  size_t n;
  unsigned char fill;
};

int NoLock(void *) { return 0; }

alignas(16) unsigned char region_memory[64 * 1024];

class Session {
 public:
  Session() {
    pools_.push_back(mln_alloc_init(nullptr));
    pools_.push_back(mln_alloc_region_init(region_memory, sizeof region_memory));
    struct mln_alloc_shm_attr_s attr = {64 * 1024, nullptr, NoLock, NoLock};
    shm_ = mln_alloc_shm_init(&attr);
    pools_.push_back(shm_);
    for (mln_alloc_t *p : pools_)
      if (p == nullptr) Fail("pool creation failed");
    fixed_ = pools_.size();
  }
  ~Session() {
    for (size_t i = 0; i < fixed_; i++) mln_alloc_destroy(pools_[i]);
  }

  void Step(uint8_t op, uint8_t a, uint8_t b) {
    size_t pool = a % pools_.size();
    size_t size = SizeOf(b, a);
    switch (op % 8) {
      case 0:
      case 1: Alloc(pool, size, op & 8); break;
      case 2:
      case 3: Free(a | (b << 8)); break;
      case 4: Realloc(a | (b << 8), size, pool); break;
      case 5: if (pools_.size() < 24) Child(pool); break;
      case 6: Destroy(pool); break;
      default: Verify(a | (b << 8)); break;
    }
    for (size_t i = 0; i < fixed_; i++) {
      if (mln_alloc_check(pools_[i]) != 0) {
        std::fprintf(stderr, "pool_fuzz: step %zu, op %u, pool %zu: %s\n", steps_, op % 8, i,
                     probe_check_tree(pools_[i]));
        Fail("mln_alloc_check found a broken invariant");
      }
    }
    steps_++;
  }

 private:
  static size_t SizeOf(uint8_t b, uint8_t a) {
    switch (b >> 6) {
      case 0: return b & 63;                          // tiny, zero included
      case 1: return 64 + (b & 63) * 8;               // small
      case 2: return 600 + (b & 63) * 64 + a;         // medium
      default: return 5000 + (b & 63) * 1024;         // large (spans of their own)
    }
  }

  void Track(size_t pool, unsigned char *p, size_t n, unsigned char fill) {
    if (reinterpret_cast<uintptr_t>(p) % MLN_ALLOC_ALIGNMENT != 0) Fail("misaligned block");
    uintptr_t start = reinterpret_cast<uintptr_t>(p), end = start + (n ? n : 1);
    auto next = ranges_.lower_bound(start);
    if (next != ranges_.end() && next->first < end) Fail("overlap with the next block");
    if (next != ranges_.begin() && std::prev(next)->second > start) Fail("overlap with the previous block");
    ranges_[start] = end;
    std::memset(p, fill, n);
    blocks_.push_back({p, n, fill});
    owner_.push_back(pool);
  }

  void Untrack(size_t i) {
    ranges_.erase(reinterpret_cast<uintptr_t>(blocks_[i].p));
    blocks_[i] = blocks_.back();
    blocks_.pop_back();
    owner_[i] = owner_.back();
    owner_.pop_back();
  }

  // Every one of p's n bytes is v: p[0] is, and each byte equals the next.
  // (One memcmp rather than a byte loop, whose traced comparisons would be
  // most of a libFuzzer run's time.)
  static bool AllBytesAre(const unsigned char *p, size_t n, unsigned char v) {
    return n == 0 || (p[0] == v && std::memcmp(p, p + 1, n - 1) == 0);
  }

  void Check(const Block &blk, size_t upto) {
    if (!AllBytesAre(blk.p, upto, blk.fill)) Fail("block contents changed");
  }

  void Alloc(size_t pool, size_t size, bool zeroed) {
    auto *p = static_cast<unsigned char *>(zeroed ? mln_alloc_c(pools_[pool], size)
                                                  : mln_alloc_m(pools_[pool], size));
    if (p == nullptr) return;  // fixed pools fill up: allowed
    if (zeroed && !AllBytesAre(p, size, 0)) Fail("mln_alloc_c gave a non-zero byte");
    Track(pool, p, size, static_cast<unsigned char>(size * 31 + pool));
  }

  void Free(size_t pick) {
    if (blocks_.empty()) return;
    size_t i = pick % blocks_.size();
    Check(blocks_[i], blocks_[i].n);
    mln_alloc_free(blocks_[i].p);
    Untrack(i);
  }

  void Realloc(size_t pick, size_t size, size_t pool) {
    if (blocks_.empty()) return;
    size_t i = pick % blocks_.size();
    Block old = blocks_[i];
    // Within its own pool, except now and then into another.
    size_t target = (pick >> 3) % 4 == 0 ? pool : owner_[i];
    auto *p = static_cast<unsigned char *>(mln_alloc_re(pools_[target], old.p, size));
    if (size == 0) {
      Untrack(i);
      return;
    }
    if (p == nullptr) {
      Check(old, old.n);  // a failed realloc leaves the block as it was
      return;
    }
    Untrack(i);
    Block moved = {p, old.n < size ? old.n : size, old.fill};
    Check(moved, moved.n);
    Track(target, p, size, old.fill);
  }

  void Child(size_t parent) {
    mln_alloc_t *child = mln_alloc_init(pools_[parent]);
    if (child == nullptr) return;
    pools_.push_back(child);
    parents_[child] = pools_[parent];
  }

  bool Descends(mln_alloc_t *pool, mln_alloc_t *ancestor) {
    for (mln_alloc_t *p = pool; p != nullptr;) {
      if (p == ancestor) return true;
      auto it = parents_.find(p);
      p = it == parents_.end() ? nullptr : it->second;
    }
    return false;
  }

  void Destroy(size_t pool) {
    if (pool < fixed_) return;  // the three fixed pools live for the session
    mln_alloc_t *victim = pools_[pool];
    for (size_t i = blocks_.size(); i-- > 0;)
      if (Descends(pools_[owner_[i]], victim)) Untrack(i);
    mln_alloc_destroy(victim);
    std::vector<mln_alloc_t *> kept;
    std::vector<size_t> index(pools_.size());
    for (size_t k = 0; k < pools_.size(); k++) {
      index[k] = kept.size();
      if (!Descends(pools_[k], victim)) kept.push_back(pools_[k]);
    }
    for (size_t &o : owner_) o = index[o];
    for (auto it = parents_.begin(); it != parents_.end();)
      it = Descends(it->first, victim) ? parents_.erase(it) : std::next(it);
    pools_ = kept;
  }

  void Verify(size_t pick) {
    if (!blocks_.empty()) Check(blocks_[pick % blocks_.size()], blocks_[pick % blocks_.size()].n);
  }

  std::vector<mln_alloc_t *> pools_;
  size_t fixed_ = 0;
  size_t steps_ = 0;
  mln_alloc_t *shm_ = nullptr;
  std::map<mln_alloc_t *, mln_alloc_t *> parents_;
  std::vector<Block> blocks_;
  std::vector<size_t> owner_;
  std::map<uintptr_t, uintptr_t> ranges_;
};

}  // namespace

// Operations run so far, reported at exit so that a long run states its size.
static unsigned long long operations_run = 0;

static void ReportOperations() { std::fprintf(stderr, "pool_fuzz: %llu operations\n", operations_run); }

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static const int reported = std::atexit(ReportOperations);
  (void)reported;
  Session session;
  for (size_t i = 0; i + 2 < size; i += 3) session.Step(data[i], data[i + 1], data[i + 2]);
  operations_run += size / 3;
  return 0;
}
