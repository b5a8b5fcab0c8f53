// SPDX-License-Identifier: MIT
// Several processes sharing one pool: each worker runs its own sub-pool hard,
// siblings read what others wrote, and the parent reads it after they exit.
#include <gtest/gtest.h>

#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <random>
#include <vector>

#include "mln_alloc.h"
#include "tests/pool_probe.h"

namespace {

constexpr int kWorkers = 4;
constexpr int kOpsPerWorker = 150000;

struct Mailbox {
  volatile int published;
  char *volatile message[kWorkers];
};

std::string MessageOf(int worker) {
  char text[64];
  std::snprintf(text, sizeof text, "worker %d was here", worker);
  return text;
}

// A worker's sub-pool churn with content checks; returns an exit code.
int Churn(mln_alloc_t *sub, int worker) {
  std::mt19937 rng(worker);
  struct Live { unsigned char *p; size_t n; unsigned char fill; };
  std::vector<Live> live;
  for (int op = 0; op < kOpsPerWorker; op++) {
    if (live.size() < 200 && (live.empty() || rng() % 2)) {
      size_t n = rng() % 100 == 0 ? 70000 + rng() % 100000 : 8 + rng() % 2000;
      auto *p = static_cast<unsigned char *>(mln_alloc_m(sub, n));
      if (p == nullptr) return 2;
      unsigned char fill = static_cast<unsigned char>(rng());
      std::memset(p, fill, n);
      live.push_back({p, n, fill});
    } else {
      size_t i = rng() % live.size();
      for (size_t k = 0; k < live[i].n; k++)
        if (live[i].p[k] != live[i].fill) return 3;
      mln_alloc_free(live[i].p);
      live[i] = live.back();
      live.pop_back();
    }
  }
  return 0;
}

int Worker(mln_alloc_t *pool, Mailbox *box, int worker) {
  mln_alloc_t *sub = mln_alloc_init(pool);
  if (sub == nullptr) return 1;
  int code = Churn(sub, worker);
  if (code != 0) return code;
  // Publish a message from this worker's sub-pool, for siblings and the parent.
  std::string text = MessageOf(worker);
  auto *msg = static_cast<char *>(mln_alloc_m(sub, text.size() + 1));
  std::memcpy(msg, text.c_str(), text.size() + 1);
  box->message[worker] = msg;
  __atomic_add_fetch(&box->published, 1, __ATOMIC_SEQ_CST);
  while (__atomic_load_n(&box->published, __ATOMIC_SEQ_CST) < kWorkers) usleep(1000);
  for (int other = 0; other < kWorkers; other++)
    if (MessageOf(other) != box->message[other]) return 4;
  return 0;  // the sub-pool stays, so that the parent can read the message
}

TEST(ShmProcesses, WorkersShareOnePool) {
  void *locker = mln_alloc_shm_mutex_create();
  struct mln_alloc_shm_attr_s attr = {32 << 20, locker, mln_alloc_shm_mutex_lock,
                                      mln_alloc_shm_mutex_unlock};
  mln_alloc_t *pool = mln_alloc_shm_init(&attr);
  ASSERT_NE(pool, nullptr);
  // The mailbox itself is a direct block of the pool (no other process is
  // running yet, so no lock is needed).
  auto *box = static_cast<Mailbox *>(mln_alloc_c(pool, sizeof(Mailbox)));
  ASSERT_NE(box, nullptr);
  size_t baseline = probe_used_bytes(pool);

  pid_t pids[kWorkers];
  for (int w = 0; w < kWorkers; w++) {
    pids[w] = fork();
    ASSERT_GE(pids[w], 0);
    if (pids[w] == 0) _exit(Worker(pool, box, w));
  }
  for (int w = 0; w < kWorkers; w++) {
    int status = 0;
    ASSERT_EQ(waitpid(pids[w], &status, 0), pids[w]);
    ASSERT_TRUE(WIFEXITED(status));
    EXPECT_EQ(WEXITSTATUS(status), 0) << "worker " << w;
  }
  // The parent reads what the workers wrote, after they are gone.
  for (int w = 0; w < kWorkers; w++) EXPECT_EQ(MessageOf(w), box->message[w]);
  EXPECT_EQ(probe_check_tree(pool), nullptr);
  for (int w = 0; w < kWorkers; w++)
    EXPECT_EQ(mln_alloc_shm_reclaim(pool, static_cast<unsigned long>(pids[w])), 1);
  EXPECT_EQ(probe_used_bytes(pool), baseline);
  EXPECT_EQ(probe_check_tree(pool), nullptr);
  mln_alloc_free(box);
  mln_alloc_destroy(pool);
  mln_alloc_shm_mutex_destroy(locker);
}

}  // namespace
