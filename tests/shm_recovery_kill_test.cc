// SPDX-License-Identifier: MIT
// A process killed at any store of any shared-pool operation, and then the
// process that recovers after it killed at any store of that recovery (and,
// spot-checked, the next one killed during the recovery of the recovery):
// the pool must come out whole, the same whatever the second kill cut.
//
// The method (kill_sweep.h): each operation runs in a child stepped one
// instruction at a time, and the region is copied after every store; each
// copy is a state a kill at that store leaves behind. For each such state
// (level 1) the recovery that follows is stepped the same way, and each of
// its states (level 2) is handed to a third process's recovery. After each:
//   - the pool has not failed, and its statistics agree with its blocks;
//   - level 1: the blocks in use are those of a point the operation had
//     committed (before it, after it, or between two of its journaled steps);
//   - level 2 and 3: the region's blocks (where each is, its size, whether
//     in use and by whom) are exactly those a recovery left undisturbed makes;
//   - then everything is freed and every sub-pool reclaimed: nothing may be
//     lost (one free block as large as an empty pool's) and check passes.
// MLN_KILL_SWEEP=full runs every level-1 state's recovery at level 2 and a
// wider level-3 sample; by default a sample of both (about a sixth).
#include <gtest/gtest.h>

#include <setjmp.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "mln_alloc.h"
#include "tests/kill_sweep.h"
#include "tests/pool_probe.h"

namespace {

using kill_sweep::Restore;
using kill_sweep::StepThrough;
using kill_sweep::Trace;

constexpr size_t kRegionBytes = 256 << 10;
constexpr size_t kMaxBlocks = 4096;

int NoLock(void *) { return 0; }  // one process at a time: the test is the lock

// What the operation under test works on, made by its set-up in this process
// (the stepped children are forks of it and see the same).
struct World {
  mln_alloc_t *pool = nullptr;
  mln_alloc_t *sub = nullptr;
  std::vector<void *> p;  // blocks the set-up made, by index
};

struct Scenario {
  const char *name;
  void (*setup)(World &);
  void (*op)(World &);
};

void *M(mln_alloc_t *pool, size_t n) {
  void *p = mln_alloc_m(pool, n);
  if (p == nullptr) std::abort();  // the set-ups fit the region
  return p;
}

void Nothing(World &) {}

// Fill the pool with 4000-byte blocks (a cached class) and cache two that
// lie side by side: the engine then has no block of 6000 bytes until the
// cache is emptied into it, which merges the two.
void FillThenCacheTwo(World &w) {
  for (void *q; (q = mln_alloc_m(w.pool, 4000)) != nullptr;) w.p.push_back(q);
  mln_alloc_free(w.p[10]);
  mln_alloc_free(w.p[11]);
}

// A sub-pool, its home filled nearly to the end.
void SubPoolNearlyFull(World &w) {
  w.sub = mln_alloc_init(w.pool);
  if (w.sub == nullptr) std::abort();
  for (int i = 0; i < 9; i++) w.p.push_back(M(w.sub, 3000));
}

const Scenario kScenarios[] = {
    {"alloc from the front cache", [](World &w) { mln_alloc_free(M(w.pool, 64)); },
     [](World &w) { mln_alloc_m(w.pool, 64); }},
    {"alloc from the bins",
     [](World &w) {
       w.p = {M(w.pool, 6000), M(w.pool, 64)};
       mln_alloc_free(w.p[0]);
     },
     [](World &w) { mln_alloc_m(w.pool, 5000); }},
    {"alloc from the free space", Nothing, [](World &w) { mln_alloc_m(w.pool, 100); }},
    {"calloc", [](World &w) { mln_alloc_free(M(w.pool, 700)); }, [](World &w) { mln_alloc_c(w.pool, 700); }},
    {"alloc of a large block", Nothing, [](World &w) { mln_alloc_m(w.pool, 40000); }},
    {"alloc that empties the cache first", FillThenCacheTwo, [](World &w) { mln_alloc_m(w.pool, 6000); }},
    {"alloc refused after emptying the cache", FillThenCacheTwo, [](World &w) { mln_alloc_m(w.pool, 20000); }},
    {"free into the front cache", [](World &w) { w.p = {M(w.pool, 64), M(w.pool, 64)}; },
     [](World &w) { mln_alloc_free(w.p[0]); }},
    {"free when its list is full",
     [](World &w) {
       for (int i = 0; i < 22; i++) w.p.push_back(M(w.pool, 64));
       for (int i = 0; i < 20; i++) mln_alloc_free(w.p[i]);
     },
     [](World &w) { mln_alloc_free(w.p[20]); }},
    {"free merging both sides",
     [](World &w) {
       w.p = {M(w.pool, 6000), M(w.pool, 6000), M(w.pool, 6000), M(w.pool, 64)};
       mln_alloc_free(w.p[0]);
       mln_alloc_free(w.p[2]);
     },
     [](World &w) { mln_alloc_free(w.p[1]); }},
    {"free of a block no class takes", [](World &w) { w.p = {M(w.pool, 6000), M(w.pool, 64)}; },
     [](World &w) { mln_alloc_free(w.p[0]); }},
    {"realloc grown in place", [](World &w) { w.p = {M(w.pool, 6000)}; },
     [](World &w) { mln_alloc_re(w.pool, w.p[0], 9000); }},
    {"realloc shrunk in place", [](World &w) { w.p = {M(w.pool, 9000), M(w.pool, 64)}; },
     [](World &w) { mln_alloc_re(w.pool, w.p[0], 5000); }},
    {"realloc that moves", [](World &w) { w.p = {M(w.pool, 100), M(w.pool, 100)}; },
     [](World &w) { mln_alloc_re(w.pool, w.p[0], 5000); }},
    {"realloc to 0", [](World &w) { w.p = {M(w.pool, 100), M(w.pool, 100)}; },
     [](World &w) { mln_alloc_re(w.pool, w.p[0], 0); }},
    {"sub-pool created", Nothing, [](World &w) { mln_alloc_init(w.pool); }},
    {"sub-pool alloc in its home", SubPoolNearlyFull, [](World &w) { mln_alloc_m(w.sub, 100); }},
    {"sub-pool grows", SubPoolNearlyFull, [](World &w) { mln_alloc_m(w.sub, 20000); }},
    {"sub-pool large block", SubPoolNearlyFull, [](World &w) { mln_alloc_m(w.sub, 70000); }},
    {"sub-pool gives a large block back",
     [](World &w) {
       SubPoolNearlyFull(w);
       w.p.push_back(M(w.sub, 70000));
     },
     [](World &w) { mln_alloc_free(w.p.back()); }},
    {"sub-pool destroyed",
     [](World &w) {
       SubPoolNearlyFull(w);
       w.p.push_back(M(w.sub, 8000));
       w.p.push_back(M(w.sub, 70000));
     },
     [](World &w) { mln_alloc_destroy(w.sub); }},
    {"sub-pools reclaimed",
     [](World &w) {
       SubPoolNearlyFull(w);
       w.p.push_back(M(w.sub, 8000));
       M(w.pool, 64);
       if (mln_alloc_init(w.pool) == nullptr) std::abort();
     },
     [](World &w) {
       unsigned long owner;
       probe_shared_child_owners(w.pool, &owner, 1);
       mln_alloc_shm_reclaim(w.pool, owner);
     }},
};

// ---- the checks, run in this process on a restored state ----

// A panic inside the library comes back here as a problem, not an abort.
char panic_message[256];
sigjmp_buf panic_return;

void OnPanic(const char *message) {
  std::snprintf(panic_message, sizeof panic_message, "panic: %s", message);
  siglongjmp(panic_return, 1);
}

// Runs f (no C++ object of its own may need destroying: a panic jumps out
// of it): its problem, or the panic's message.
template <typename F>
const char *Guarded(F &&f) {
  if (sigsetjmp(panic_return, 1) != 0) return panic_message;
  return f();
}

using Tiling = std::vector<std::tuple<size_t, size_t, int, const void *>>;

probe_block blocks[kMaxBlocks];

// The region's blocks, or an empty tiling when they do not tile it.
Tiling Blocks(const mln_alloc_t *pool) {
  size_t n = probe_shared_blocks(pool, blocks, kMaxBlocks);
  Tiling t;
  if (n > kMaxBlocks) return t;
  for (size_t i = 0; i < n; i++) t.emplace_back(blocks[i].offset, blocks[i].size, blocks[i].state, blocks[i].tag);
  return t;
}

// The blocks in use (cached and free ones left out).
Tiling InUse(const Tiling &t) {
  Tiling used;
  for (const auto &b : t)
    if (std::get<2>(b) == PROBE_BLOCK_USED) used.push_back(b);
  return used;
}

// The next lock holder's first call: recovery if the journal is dirty. The
// pool must not have failed and its figures must agree with its blocks.
const char *Settle(mln_alloc_t *pool, Tiling *after) {
  static struct mln_alloc_stats_s st;
  const char *problem = Guarded([&]() -> const char * {
    int rc = mln_alloc_stats(pool, &st);
    if (mln_alloc_shm_failed(pool)) return "the pool failed";
    return rc != 0 ? "stats returned -1 and the pool did not fail" : nullptr;
  });
  if (problem != nullptr) return problem;
  *after = Blocks(pool);
  if (after->empty()) return "the blocks do not tile the region";
  size_t in_use = 0;
  for (const auto &b : InUse(*after)) in_use += std::get<1>(b);
  return in_use == st.bytes_in_use ? nullptr : "bytes_in_use is not the blocks in use";
}

// Free every block the pool holds and reclaim every sub-pool: the pool must
// be whole and empty again, as large a block free as when it was new.
const char *FreeAll(mln_alloc_t *pool, const Tiling &t, size_t largest_empty) {
  static unsigned long owners[64];
  size_t n_owners = probe_shared_child_owners(pool, owners, 64);
  void *base;
  size_t bytes;
  probe_shared_region(pool, &base, &bytes);
  for (const auto &b : t) {
    if (std::get<2>(b) != PROBE_BLOCK_USED || std::get<3>(b) != pool) continue;
    void *payload = probe_payload_of_header(static_cast<char *>(base) + std::get<0>(b));
    const char *problem = Guarded([&]() -> const char * {
      mln_alloc_free(payload);
      return nullptr;
    });
    if (problem != nullptr) return problem;
  }
  static struct mln_alloc_stats_s st;
  return Guarded([&]() -> const char * {
    for (size_t i = 0; i < n_owners; i++)
      if (mln_alloc_shm_reclaim(pool, owners[i]) < 0) return "reclaim failed";
    if (mln_alloc_check(pool) != 0) return "check fails once all is freed";
    if (mln_alloc_shm_recover(pool) != 0) return "recovery fails once all is freed";  // empties the cache
    if (mln_alloc_stats(pool, &st) != 0) return "stats fail once all is freed";
    if (st.bytes_in_use != 0) return "bytes still in use once all is freed";
    return st.largest_free == largest_empty ? nullptr : "memory lost: the pool is not whole once all is freed";
  });
}

bool FullSweep() {
  const char *env = std::getenv("MLN_KILL_SWEEP");
  return env != nullptr && std::strcmp(env, "full") == 0;
}

struct Counts {
  size_t ops = 0, level1 = 0, dirty1 = 0, level2 = 0, level3 = 0, steps = 0;
};

class Sweep {
 public:
  Sweep(const Scenario &s, bool full, Counts &counts) : s_(s), full_(full), counts_(counts) {}

  void Run() {
    struct mln_alloc_shm_attr_s attr = {kRegionBytes, nullptr, NoLock, NoLock};
    w_.pool = mln_alloc_shm_init(&attr);
    ASSERT_NE(w_.pool, nullptr);
    struct mln_alloc_stats_s st;
    ASSERT_EQ(mln_alloc_stats(w_.pool, &st), 0);
    largest_empty_ = st.largest_free;
    s_.setup(w_);
    probe_shared_region(w_.pool, &base_, &bytes_);
    std::string before = kill_sweep::Snapshot(base_, bytes_);
    Trace op = StepThrough(base_, bytes_, [&] { s_.op(w_); });
    ASSERT_EQ(op.failure, "") << s_.name;
    counts_.ops++;
    counts_.steps += op.traps;
    // The points the operation commits: before it, and wherever its journal
    // is clean (its last state, the end, among them).
    std::vector<bool> dirty(op.states.size());
    for (size_t i = 0; i < op.states.size(); i++) {
      Restore(base_, bytes_, op.states[i]);
      dirty[i] = probe_shared_journal_dirty(w_.pool) != 0;
      if (!dirty[i]) committed_.insert(InUse(Blocks(w_.pool)));
    }
    Restore(base_, bytes_, before);
    committed_.insert(InUse(Blocks(w_.pool)));
    size_t dirty_seen = 0;
    for (size_t i = 0; i < op.states.size() && !HasFatalFailure(); i++) {
      Tiling ref;
      Level1(op.states[i], i, &ref);
      counts_.dirty1 += dirty[i];
      if (dirty[i] && (full_ || dirty_seen % 6 == 0)) Cut(op.states[i], {i}, ref);
      dirty_seen += dirty[i];
    }
    Restore(base_, bytes_, before);  // the pool as the set-up left it, for its destruction
    mln_alloc_destroy(w_.pool);
  }

 private:
  // Where the kills were: after store path[0] + 1 of the operation, then of
  // each recovery in turn.
  std::string Where(const std::vector<size_t> &path) const {
    static const char *const kWho[] = {": killed after store ", ", its recovery killed after store ",
                                       ", that one's recovery after store "};
    std::string at = s_.name;
    for (size_t n = 0; n < path.size(); n++) at += kWho[n] + std::to_string(path[n] + 1);
    return at;
  }

  // What a recovery left alone makes of `state`; checked, and its tiling in *ref.
  void Level1(const std::string &state, size_t i, Tiling *ref) {
    counts_.level1++;
    Restore(base_, bytes_, state);
    const char *problem = Settle(w_.pool, ref);
    if (problem == nullptr && committed_.count(InUse(*ref)) == 0)
      problem = "the blocks in use are not those of any point the operation committed";
    if (problem == nullptr) problem = FreeAll(w_.pool, *ref, largest_empty_);
    ASSERT_EQ(problem, nullptr) << Where({i}) << ": " << problem;
  }

  // A state a killed recovery left: recovered again, it must end as `ref`.
  void Expect(const std::string &state, const Tiling &ref, const std::string &where) {
    Restore(base_, bytes_, state);
    Tiling after;
    const char *problem = Settle(w_.pool, &after);
    if (problem == nullptr && after != ref) problem = "the blocks differ from an uninterrupted recovery's";
    if (problem == nullptr) problem = FreeAll(w_.pool, after, largest_empty_);
    ASSERT_EQ(problem, nullptr) << where << ": " << problem;
  }

  Trace StepRecovery(const std::string &state) {
    Restore(base_, bytes_, state);
    mln_alloc_t *pool = w_.pool;
    Trace t = StepThrough(base_, bytes_, [pool] {
      struct mln_alloc_stats_s st;
      mln_alloc_stats(pool, &st);  // the next lock holder's first call
    });
    counts_.steps += t.traps;
    return t;
  }

  // The recovery of `state`, which the kills at `path` left, cut at each of
  // its stores in turn and recovered again: each must end as `ref`. One
  // level deeper (a kill during the recovery of the recovery) for a sample.
  void Cut(const std::string &state, std::vector<size_t> path, const Tiling &ref) {
    Trace rec = StepRecovery(state);
    ASSERT_EQ(rec.failure, "") << Where(path);
    size_t dirty_seen = 0;
    path.push_back(0);
    for (size_t j = 0; j < rec.states.size() && !HasFatalFailure(); j++) {
      path.back() = j;
      (path.size() == 2 ? counts_.level2 : counts_.level3)++;
      Expect(rec.states[j], ref, Where(path));
      if (path.size() == 3) continue;
      Restore(base_, bytes_, rec.states[j]);
      if (!probe_shared_journal_dirty(w_.pool)) continue;
      if (dirty_seen++ % (full_ ? 8 : 40) == 0 && path[0] % 2 == 0) Cut(rec.states[j], path, ref);
    }
  }

  static bool HasFatalFailure() { return ::testing::Test::HasFatalFailure(); }

  const Scenario &s_;
  bool full_;
  Counts &counts_;
  World w_;
  void *base_ = nullptr;
  size_t bytes_ = 0;
  size_t largest_empty_ = 0;
  std::set<Tiling> committed_;
};

TEST(ShmRecoveryKill, EveryStoreOfEveryOperationThenOfItsRecovery) {
  mln_alloc_set_panic_hook(OnPanic);
  bool full = FullSweep();
  Counts counts;
  const char *only = std::getenv("MLN_KILL_SCENARIO");  // one scenario, by index, when set
  for (size_t n = 0; n < sizeof kScenarios / sizeof kScenarios[0]; n++) {
    if (only != nullptr && std::strtoul(only, nullptr, 10) != n) continue;
    Counts before = counts;
    Sweep(kScenarios[n], full, counts).Run();
    std::fprintf(stderr, "%-40s %6zu kill points, %7zu second kills, %6zu third kills, %9zu stores\n",
                 kScenarios[n].name, counts.level1 - before.level1, counts.level2 - before.level2,
                 counts.level3 - before.level3, counts.steps - before.steps);
    if (HasFatalFailure()) break;
  }
  mln_alloc_set_panic_hook(nullptr);
  std::printf(
      "shm_recovery_kill_test: %s sweep: %zu operations, %zu kill points (%zu leave the journal dirty), "
      "%zu second kills during their recovery, %zu third kills during the recovery of a recovery; "
      "%zu stores trapped\n",
      full ? "full" : "sampled", counts.ops, counts.level1, counts.dirty1, counts.level2, counts.level3,
      counts.steps);
  if (only == nullptr) {
    EXPECT_EQ(counts.ops, sizeof kScenarios / sizeof kScenarios[0]);
  }
  EXPECT_GT(counts.level2, counts.dirty1);  // every recovery stepped writes
  EXPECT_GT(counts.level3, 0u);
}

}  // namespace
