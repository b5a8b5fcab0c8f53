// SPDX-License-Identifier: MIT
// kill_sweep.h: every state a process can leave a piece of shared memory in
// if it is killed while running a function.
//
// A SIGKILL can land between any two instructions; what it leaves behind in
// memory shared with other processes is what the stores before it wrote.
// So the states a kill can leave are exactly the contents of that memory
// after each store: StepThrough runs the function in a child process and
// keeps a copy of the memory each time an instruction has changed it. A
// test then restores each copy in turn, which is the same as having killed
// the child at that point, and lets the next process find it.
//
// How each store is caught (kill_sweep.cc): on x86-64 the memory is
// write-protected in the child, each store faults, and the fault handler
// lets that one instruction through with the trap flag set, so that the
// trap after it can record what changed and protect the memory again (two
// signals per store, however many instructions run between stores).
// Elsewhere the child is stepped one instruction at a time under ptrace,
// which is exact too, and much slower. Linux only.
#ifndef MLN_TESTS_KILL_SWEEP_H
#define MLN_TESTS_KILL_SWEEP_H

#include <cstddef>
#include <functional>
#include <string>
#include <vector>

namespace kill_sweep {

struct Trace {
  // The memory's contents (the whole pages around it) after each
  // instruction that changed it, in order: the last one is how the
  // function left it.
  std::vector<std::string> states;
  size_t traps = 0;     // stores (or, stepping, instructions) the child was stopped at
  std::string failure;  // empty when the child ran the function and exited 0
};

// Run `fn` in a child process forked from this one, watching
// [base, base + bytes) (memory the two processes share).
Trace StepThrough(void *base, size_t bytes, const std::function<void()> &fn);

// The memory's current state, as StepThrough keeps them.
std::string Snapshot(void *base, size_t bytes);

// Write a state of StepThrough's back into [base, base + bytes), as a kill
// at that point left it.
void Restore(void *base, size_t bytes, const std::string &state);

}  // namespace kill_sweep

#endif  // MLN_TESTS_KILL_SWEEP_H
