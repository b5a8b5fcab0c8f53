// SPDX-License-Identifier: MIT
// kill_sweep.cc: the states a child's stores leave a shared piece of memory
// in, one per store (see kill_sweep.h for the two ways they are caught).
#include "tests/kill_sweep.h"

#include <signal.h>
#include <sys/mman.h>
#include <sys/ptrace.h>
#include <sys/wait.h>
#include <ucontext.h>
#include <unistd.h>

#include <cstdint>
#include <cstring>

namespace kill_sweep {
namespace {

// The watched memory, widened to whole pages (protection is by the page).
struct Pages {
  char *lo;
  size_t bytes;
};

Pages Widen(void *base, size_t bytes) {
  uintptr_t page = static_cast<uintptr_t>(sysconf(_SC_PAGESIZE));
  uintptr_t lo = reinterpret_cast<uintptr_t>(base) & ~(page - 1);
  uintptr_t hi = (reinterpret_cast<uintptr_t>(base) + bytes + page - 1) & ~(page - 1);
  return {reinterpret_cast<char *>(lo), hi - lo};
}

// How the child ended, from waitpid's status: empty when it ran fn and exited 0.
std::string HowItEnded(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status) == 0 ? "" : "the child exited with " + std::to_string(WEXITSTATUS(status));
  return std::string("the child died of ") + strsignal(WTERMSIG(status));
}

#if defined(__x86_64__)

// The child writes what each store changed into a log in memory shared
// with the parent: per store, the number of runs, then each run's offset,
// length and new bytes.
struct Log {
  size_t used;
  size_t stores;
  size_t capacity;
  unsigned char data[];
};
constexpr size_t kLogBytes = size_t{256} << 20;
constexpr uintptr_t kTrapFlag = 0x100;  // EFLAGS.TF: trap after the next instruction

// The child's view, set before the memory is protected (signal handlers
// see only these).
Pages watched;
char *copy;  // the memory as of the last store recorded
Log *log;
size_t page_bytes;
char *open_pages[8];  // pages let through for the current instruction
int open_count;

bool Put(const void *what, size_t n) {
  if (log->used + n > log->capacity) return false;
  std::memcpy(log->data + log->used, what, n);
  log->used += n;
  return true;
}

void OnFault(int, siginfo_t *info, void *context) {
  char *at = static_cast<char *>(info->si_addr);
  if (at < watched.lo || at >= watched.lo + watched.bytes || open_count == 8) {
    signal(SIGSEGV, SIG_DFL);  // a real fault: it happens again, and kills the child
    return;
  }
  char *page = watched.lo + ((at - watched.lo) & ~(page_bytes - 1));
  mprotect(page, page_bytes, PROT_READ | PROT_WRITE);
  open_pages[open_count++] = page;
  static_cast<ucontext_t *>(context)->uc_mcontext.gregs[REG_EFL] |= kTrapFlag;
}

void OnTrap(int, siginfo_t *, void *context) {
  static_cast<ucontext_t *>(context)->uc_mcontext.gregs[REG_EFL] &= ~kTrapFlag;
  size_t start = log->used;
  uint32_t runs = 0;
  bool fits = Put(&runs, sizeof runs);
  for (int i = 0; i < open_count; i++) {
    char *page = open_pages[i];
    size_t base = static_cast<size_t>(page - watched.lo);
    for (size_t k = 0; k < page_bytes;) {
      if (page[k] == copy[base + k]) {
        k++;
        continue;
      }
      size_t end = k;
      while (end < page_bytes && page[end] != copy[base + end]) end++;
      uint32_t head[2] = {static_cast<uint32_t>(base + k), static_cast<uint32_t>(end - k)};
      fits = fits && Put(head, sizeof head) && Put(page + k, end - k);
      std::memcpy(copy + base + k, page + k, end - k);
      runs++;
      k = end;
    }
    mprotect(page, page_bytes, PROT_READ);
  }
  open_count = 0;
  if (!fits) _exit(91);  // the log is full: the parent reports it
  if (runs == 0) {
    log->used = start;  // the store wrote what was there: no new state
  } else {
    std::memcpy(log->data + start, &runs, sizeof runs);
    log->stores++;
  }
}

Trace Watch(Pages pages, const std::function<void()> &fn) {
  Trace trace;
  void *shared = mmap(nullptr, kLogBytes, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (shared == MAP_FAILED) {
    trace.failure = "no memory for the log";
    return trace;
  }
  Log *child_log = static_cast<Log *>(shared);
  child_log->used = 0;
  child_log->stores = 0;
  child_log->capacity = kLogBytes - sizeof(Log);
  std::string start(pages.lo, pages.bytes);
  pid_t pid = fork();
  if (pid == 0) {
    watched = pages;
    log = child_log;
    page_bytes = static_cast<size_t>(sysconf(_SC_PAGESIZE));
    copy = new char[pages.bytes];
    std::memcpy(copy, pages.lo, pages.bytes);
    struct sigaction fault = {}, trap = {};
    fault.sa_sigaction = OnFault;
    fault.sa_flags = SA_SIGINFO | SA_NODEFER;
    trap.sa_sigaction = OnTrap;
    trap.sa_flags = SA_SIGINFO;
    sigaction(SIGSEGV, &fault, nullptr);
    sigaction(SIGTRAP, &trap, nullptr);
    mprotect(pages.lo, pages.bytes, PROT_READ);
    fn();
    mprotect(pages.lo, pages.bytes, PROT_READ | PROT_WRITE);
    _exit(0);
  }
  int status = 0;
  trace.failure = pid < 0 ? "fork failed" : waitpid(pid, &status, 0) != pid ? "waitpid failed" : HowItEnded(status);
  if (trace.failure.empty()) {
    // Replay the log over the memory as it was: one state per store.
    const unsigned char *at = child_log->data;
    for (size_t s = 0; s < child_log->stores; s++) {
      uint32_t runs;
      std::memcpy(&runs, at, sizeof runs);
      at += sizeof runs;
      for (uint32_t r = 0; r < runs; r++) {
        uint32_t head[2];
        std::memcpy(head, at, sizeof head);
        at += sizeof head;
        start.replace(head[0], head[1], reinterpret_cast<const char *>(at), head[1]);
        at += head[1];
      }
      trace.states.push_back(start);
    }
    trace.traps = child_log->stores;
  }
  munmap(shared, kLogBytes);
  return trace;
}

#else  // stepped one instruction at a time under ptrace

Trace Watch(Pages pages, const std::function<void()> &fn) {
  Trace trace;
  pid_t pid = fork();
  if (pid < 0) {
    trace.failure = "fork failed";
    return trace;
  }
  if (pid == 0) {
    if (ptrace(PTRACE_TRACEME, 0, nullptr, nullptr) != 0) _exit(90);
    raise(SIGSTOP);  // stopped until the parent starts stepping
    fn();
    _exit(0);
  }
  int status = 0;
  if (waitpid(pid, &status, 0) != pid || !WIFSTOPPED(status)) {
    trace.failure = "the child did not stop to be traced";
    return trace;
  }
  ptrace(PTRACE_SETOPTIONS, pid, nullptr, reinterpret_cast<void *>(PTRACE_O_EXITKILL));
  std::string last(pages.lo, pages.bytes);
  int deliver = 0;  // a signal the child got (not the step's own trap), passed on
  for (;;) {
    ptrace(PTRACE_SINGLESTEP, pid, nullptr, reinterpret_cast<void *>(static_cast<long>(deliver)));
    waitpid(pid, &status, 0);
    if (WIFEXITED(status) || WIFSIGNALED(status)) break;
    deliver = WSTOPSIG(status) == SIGTRAP ? 0 : WSTOPSIG(status);
    trace.traps++;
    if (std::memcmp(last.data(), pages.lo, pages.bytes) != 0) {
      last.assign(pages.lo, pages.bytes);
      trace.states.push_back(last);
    }
  }
  trace.failure = HowItEnded(status);
  return trace;
}

#endif

}  // namespace

Trace StepThrough(void *base, size_t bytes, const std::function<void()> &fn) { return Watch(Widen(base, bytes), fn); }

std::string Snapshot(void *base, size_t bytes) {
  Pages pages = Widen(base, bytes);
  return std::string(pages.lo, pages.bytes);
}

void Restore(void *base, size_t bytes, const std::string &state) {
  Pages pages = Widen(base, bytes);
  std::memcpy(pages.lo, state.data(), pages.bytes);
}

}  // namespace kill_sweep
