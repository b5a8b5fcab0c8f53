// SPDX-License-Identifier: MIT
// Workers looping through sub-pool operations on a shared pool are SIGKILLed
// at random moments, many of them while holding the pool's lock; new workers
// take their place. Nothing may deadlock, the pool must verify clean, and its
// bytes in use must match what the survivors hold. A second test does the
// same to workers using the pool directly (its own journaled front cache).
#include <gtest/gtest.h>

#include <signal.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <algorithm>
#include <random>
#include <vector>

#include "mln_alloc.h"
#include "tests/pool_probe.h"

namespace {

constexpr int kWorkers = 4;
constexpr int kKills = 3000;  // MLN_KILLS overrides, for long runs
constexpr int kTimeLimitSeconds = 100;

int KillsWanted() {
  const char *env = std::getenv("MLN_KILLS");
  return env != nullptr ? std::atoi(env) : kKills;
}

constexpr size_t kDirectLive = 8;   // blocks a direct worker holds at most
constexpr size_t kDirectMax = 4096;  // their largest request

// Shared between the master and the workers (its own mapping).
struct Shared {
  volatile int stop;
  void *volatile direct[kWorkers][kDirectLive];  // the direct workers' blocks
  volatile size_t at_risk[kWorkers];  // bytes asked for of a block not recorded yet, or no longer
};

Shared *shared_state;

// Creates a sub-pool, works it (small blocks, large ones that need a span of
// their own, growth), checks contents, destroys it; again and again.
int Worker(mln_alloc_t *pool, unsigned seed) {
  std::mt19937 rng(seed);
  while (!shared_state->stop) {
    mln_alloc_t *sub = mln_alloc_init(pool);
    if (sub == nullptr) return 1;
    struct Live { unsigned char *p; size_t n; unsigned char fill; };
    std::vector<Live> live;
    int ops = 20 + rng() % 60;
    for (int op = 0; op < ops; op++) {
      if (live.size() < 64 && rng() % 3 != 0) {
        // One in three needs a span of its own, taken (and given back) under the lock.
        size_t n = rng() % 3 == 0 ? 65536 + rng() % 60000 : 128 + rng() % 4000;
        auto *p = static_cast<unsigned char *>(mln_alloc_m(sub, n));
        if (p == nullptr) return 2;
        unsigned char fill = static_cast<unsigned char>(rng());
        // Both ends only: time spent filling is time not spent in the lock.
        std::memset(p, fill, 64);
        std::memset(p + n - 64, fill, 64);
        live.push_back({p, n, fill});
      } else if (!live.empty()) {
        size_t i = rng() % live.size();
        for (size_t k = 0; k < 64; k++)
          if (live[i].p[k] != live[i].fill || live[i].p[live[i].n - 1 - k] != live[i].fill) return 3;
        mln_alloc_free(live[i].p);
        live[i] = live.back();
        live.pop_back();
      }
    }
    mln_alloc_destroy(sub);
  }
  return 0;
}

// Small blocks straight from the shared pool, under its lock: most of them
// come from, and go back to, the pool's front cache. Each worker records its
// blocks in its row of Shared::direct (a block is recorded after it is
// allocated and forgotten before it is freed), so that the master can free
// a killed worker's blocks; the size of a block between the two is in
// Shared::at_risk: the only one a killed worker may lose.
int DirectWorker(mln_alloc_t *pool, void *mutex, int row, unsigned seed) {
  std::mt19937 rng(seed);
  void *volatile *slots = shared_state->direct[row];
  size_t sizes[kDirectLive];
  unsigned char fills[kDirectLive];
  while (!shared_state->stop) {
    size_t i = rng() % kDirectLive;
    auto *p = static_cast<unsigned char *>(slots[i]);
    if (p != nullptr) {  // checked before the lock: time spent here is not spent in it
      for (size_t k = 0; k < 16; k++)
        if (p[k] != fills[i] || p[sizes[i] - 1 - k] != fills[i]) return 3;
      shared_state->at_risk[row] = sizes[i];
      slots[i] = nullptr;
      if (mln_alloc_shm_mutex_lock(mutex) != 0) return 1;
      mln_alloc_free(p);
      mln_alloc_shm_mutex_unlock(mutex);
      shared_state->at_risk[row] = 0;
      continue;
    }
    size_t n = 16 + rng() % (kDirectMax - 16);
    shared_state->at_risk[row] = n;
    if (mln_alloc_shm_mutex_lock(mutex) != 0) return 1;
    p = static_cast<unsigned char *>(mln_alloc_m(pool, n));
    mln_alloc_shm_mutex_unlock(mutex);
    if (p == nullptr) return 2;
    fills[i] = static_cast<unsigned char>(rng());
    sizes[i] = n;
    std::memset(p, fills[i], 16);
    std::memset(p + n - 16, fills[i], 16);
    slots[i] = p;
    shared_state->at_risk[row] = 0;
  }
  return 0;
}

// The state shared with the workers, zeroed, and a 16 MiB shared pool with
// the ready-made locker (in *mutex); NULL if either cannot be had.
mln_alloc_t *SharedPool(void **mutex) {
  void *state = mmap(nullptr, sizeof(Shared), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  if (state == MAP_FAILED) return nullptr;
  shared_state = static_cast<Shared *>(state);
  std::memset(shared_state, 0, sizeof *shared_state);
  *mutex = mln_alloc_shm_mutex_create();
  struct mln_alloc_shm_attr_s attr = {16 << 20, *mutex, mln_alloc_shm_mutex_lock, mln_alloc_shm_mutex_unlock};
  return mln_alloc_shm_init(&attr);
}

// The hang guard: an alarm that fails the test instead of letting it hang,
// saying where the master was and who held the pool's lock, so that a
// deadlock can be told from a run slowed by a loaded machine.
const char *volatile master_phase = "starting";
mln_alloc_t *volatile guarded_pool = nullptr;

void WriteText(const char *text) {
  ssize_t ignored = write(2, text, std::strlen(text));
  (void)ignored;
}

void OnHangGuard(int) {
  char digits[24];
  char *end = digits + sizeof digits - 1;
  *end = '\0';
  unsigned long holder = guarded_pool != nullptr ? probe_shared_holder(guarded_pool) : 0;
  do *--end = static_cast<char>('0' + holder % 10);
  while ((holder /= 10) != 0);
  WriteText("shm_kill_test: the hang guard fired while ");
  WriteText(master_phase);
  WriteText("; the pool's lock holder: ");
  WriteText(end);
  WriteText(" (0: none)\n");
  signal(SIGALRM, SIG_DFL);
  raise(SIGALRM);
}

void ArmHangGuard(mln_alloc_t *pool, unsigned seconds) {
  guarded_pool = pool;
  signal(SIGALRM, OnHangGuard);
  alarm(seconds);
}

// Kill `pid` and wait for it: whether it died of that SIGKILL.
bool KillAndReap(pid_t pid) {
  kill(pid, SIGKILL);
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL;
}

// Tell the workers to stop and wait for them: each must end cleanly.
void StopSurvivors(const std::vector<pid_t> &workers) {
  master_phase = "waiting for the survivors to stop";
  shared_state->stop = 1;
  for (pid_t pid : workers) {
    int status = 0;
    waitpid(pid, &status, 0);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "survivor " << pid;
  }
}

// After the kills: the full integrity walk (recovery run once more, under
// the lock) finds the pool sound, and it has not given up.
void ExpectSound(mln_alloc_t *pool, void *mutex) {
  ASSERT_EQ(mln_alloc_shm_mutex_lock(mutex), 0);
  EXPECT_EQ(mln_alloc_shm_recover(pool), 0);
  mln_alloc_shm_mutex_unlock(mutex);
  EXPECT_EQ(mln_alloc_shm_failed(pool), 0);
  EXPECT_EQ(probe_check_tree(pool), nullptr);
}

double Seconds() {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

TEST(ShmKill, RandomKillsNeverDeadlockOrCorrupt) {
  void *mutex = nullptr;
  mln_alloc_t *pool = SharedPool(&mutex);
  ASSERT_NE(pool, nullptr);

  std::mt19937 rng(12345);
  std::vector<pid_t> workers;
  unsigned seed = 1;
  auto spawn = [&]() {
    pid_t pid = fork();
    if (pid == 0) _exit(Worker(pool, seed));
    seed++;
    return pid;
  };
  for (int w = 0; w < kWorkers; w++) workers.push_back(spawn());

  // A deadlock fails the test instead of hanging it (the long runs' master
  // re-arms this alarm after every kill).
  ArmHangGuard(pool, kTimeLimitSeconds + 120);
  double start = Seconds();
  int kills = 0, kills_holding_lock = 0, bad_exits = 0;
  const int wanted = KillsWanted();
  const double time_limit = wanted > kKills ? 1e9 : kTimeLimitSeconds;
  while (kills < wanted && Seconds() - start < time_limit) {
    usleep(rng() % 2000);
    size_t victim = rng() % workers.size();
    pid_t pid = workers[victim];
    master_phase = "killing a worker";
    if (!KillAndReap(pid)) bad_exits++;
    if (probe_shared_holder(pool) == static_cast<unsigned long>(pid)) kills_holding_lock++;
    kills++;
    // Its sub-pools return to the pool; taking the lock repairs the pool
    // first if the worker died inside an operation.
    master_phase = "reclaiming a dead worker's sub-pools";
    ASSERT_GE(mln_alloc_shm_reclaim(pool, static_cast<unsigned long>(pid)), 0);
    master_phase = "starting a worker";
    workers[victim] = spawn();
    if (wanted > kKills) alarm(60);
  }
  double elapsed = Seconds() - start;

  StopSurvivors(workers);
  alarm(0);
  unsigned long recovered = probe_shared_recoveries(pool);
  unsigned long repaired = probe_shared_repairs(pool);
  std::printf("kills: %d in %.1f s; %lu died holding the lock (seen %d times by the master),"
              " %lu of them inside an operation, repaired\n",
              kills, elapsed, recovered, kills_holding_lock, repaired);
  EXPECT_GE(kills, std::min(wanted, 1000));
  EXPECT_GT(recovered, 0u);
  EXPECT_GT(repaired, 0u);
  EXPECT_EQ(bad_exits, 0);
  ExpectSound(pool, mutex);
  // The survivors destroyed their sub-pools and the dead ones were reclaimed:
  // nobody holds anything, so nothing may be in use.
  EXPECT_EQ(probe_used_bytes(pool), 0u);
  mln_alloc_destroy(pool);
  mln_alloc_shm_mutex_destroy(mutex);
}

TEST(ShmKill, DirectUseSurvivesRandomKills) {
  void *mutex = nullptr;
  mln_alloc_t *pool = SharedPool(&mutex);
  ASSERT_NE(pool, nullptr);

  std::mt19937 rng(54321);
  std::vector<pid_t> workers;
  unsigned seed = 1;
  auto spawn = [&](int row) {
    pid_t pid = fork();
    if (pid == 0) _exit(DirectWorker(pool, mutex, row, seed));
    seed++;
    return pid;
  };
  for (int w = 0; w < kWorkers; w++) workers.push_back(spawn(w));
  ArmHangGuard(pool, kTimeLimitSeconds + 120);
  double start = Seconds();
  int kills = 0, bad_exits = 0;
  size_t may_lose = 0;  // bytes of the blocks killed workers had at risk, rounded up as a block
  const int wanted = std::min(KillsWanted(), 1000);
  while (kills < wanted && Seconds() - start < kTimeLimitSeconds) {
    usleep(rng() % 2000);
    size_t victim = rng() % workers.size();
    master_phase = "killing a worker";
    if (!KillAndReap(workers[victim])) bad_exits++;
    kills++;
    if (shared_state->at_risk[victim] != 0) may_lose += shared_state->at_risk[victim] * 17 / 16 + 64;
    shared_state->at_risk[victim] = 0;
    // What the dead worker held goes back (the lock repairs the pool first
    // if it died inside an operation).
    master_phase = "freeing a dead worker's blocks";
    ASSERT_EQ(mln_alloc_shm_mutex_lock(mutex), 0);
    for (void *volatile &slot : shared_state->direct[victim]) {
      if (slot != nullptr) mln_alloc_free(slot);
      slot = nullptr;
    }
    mln_alloc_shm_mutex_unlock(mutex);
    master_phase = "starting a worker";
    workers[victim] = spawn(static_cast<int>(victim));
  }
  StopSurvivors(workers);
  alarm(0);
  std::printf("direct use: %d kills, %lu recoveries, %lu repairs\n", kills,
              probe_shared_recoveries(pool), probe_shared_repairs(pool));
  EXPECT_EQ(bad_exits, 0);
  EXPECT_GT(probe_shared_repairs(pool), 0u);  // some died inside an operation
  ExpectSound(pool, mutex);
  // Every recorded block is freed; a killed worker may have lost the block
  // it had at risk, and only that: nothing else may be lost, in the front
  // cache or anywhere.
  for (auto &row : shared_state->direct)
    for (void *volatile &slot : row)
      if (slot != nullptr) mln_alloc_free(slot);
  size_t lost = probe_used_bytes(pool);
  std::printf("direct use: %zu bytes lost with the blocks killed workers had at risk (at most %zu)\n",
              lost, may_lose);
  EXPECT_LE(lost, may_lose);
  mln_alloc_destroy(pool);
  mln_alloc_shm_mutex_destroy(mutex);
}

}  // namespace
