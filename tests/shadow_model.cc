// SPDX-License-Identifier: MIT
#include "tests/shadow_model.h"

#include <cstring>

#include "tests/pool_probe.h"

ShadowModel::ShadowModel(uint32_t seed) : rng_(seed) {
  pools_.push_back({mln_alloc_init(nullptr), SIZE_MAX});
}

ShadowModel::~ShadowModel() { mln_alloc_destroy(pools_[0].handle); }

size_t ShadowModel::RandomSize() {
  uint64_t r = rng_() % 1000;
  if (r < 700) return rng_() % 257;
  if (r < 950) return 257 + rng_() % 4000;
  if (r < 995) return 4096 + rng_() % 60000;
  return 64 * 1024 + rng_() % (400 * 1024);
}

size_t ShadowModel::RandomLivePool() {
  for (;;) {
    size_t i = rng_() % pools_.size();
    if (pools_[i].handle != nullptr) return i;
  }
}

bool ShadowModel::IsDescendant(size_t pool, size_t ancestor) const {
  for (size_t p = pool; p != SIZE_MAX; p = pools_[p].parent)
    if (p == ancestor) return true;
  return false;
}

std::string ShadowModel::Track(unsigned char *ptr, size_t size, size_t pool, unsigned char fill) {
  if (reinterpret_cast<uintptr_t>(ptr) % MLN_ALLOC_ALIGNMENT != 0) return "misaligned block";
  if (probe_owner(ptr) != pools_[pool].handle) return "block owned by the wrong pool";
  if (probe_usable_size(ptr) < size) return "block smaller than requested";
  uintptr_t start = reinterpret_cast<uintptr_t>(ptr);
  uintptr_t end = start + (size == 0 ? 1 : size);
  auto next = ranges_.lower_bound(start);
  if (next != ranges_.end() && next->first < end) return "block overlaps the next live block";
  if (next != ranges_.begin() && std::prev(next)->second > start) return "block overlaps the previous live block";
  ranges_[start] = end;
  std::memset(ptr, fill, size);
  blocks_.push_back({ptr, size, fill, pool});
  return "";
}

std::string ShadowModel::Verify(const Block &b, size_t upto) const {
  for (size_t i = 0; i < upto; i++)
    if (b.ptr[i] != b.fill) return "block contents changed behind its owner's back";
  return "";
}

void ShadowModel::Untrack(size_t index) {
  ranges_.erase(reinterpret_cast<uintptr_t>(blocks_[index].ptr));
  blocks_[index] = blocks_.back();
  blocks_.pop_back();
}

std::string ShadowModel::Allocate(bool zeroed) {
  size_t pool = RandomLivePool();
  size_t size = RandomSize();
  auto *p = static_cast<unsigned char *>(zeroed ? mln_alloc_c(pools_[pool].handle, size)
                                                : mln_alloc_m(pools_[pool].handle, size));
  if (p == nullptr) return "allocation failed";
  if (zeroed)
    for (size_t i = 0; i < size; i++)
      if (p[i] != 0) return "mln_alloc_c returned a non-zero byte";
  return Track(p, size, pool, static_cast<unsigned char>(rng_()));
}

std::string ShadowModel::Free() {
  if (blocks_.empty()) return "";
  size_t i = rng_() % blocks_.size();
  std::string problem = Verify(blocks_[i], blocks_[i].size);
  mln_alloc_free(blocks_[i].ptr);
  Untrack(i);
  return problem;
}

std::string ShadowModel::Reallocate() {
  if (blocks_.empty()) return "";
  size_t i = rng_() % blocks_.size();
  Block old = blocks_[i];
  // Mostly within the block's pool; sometimes moved to another live pool.
  size_t pool = rng_() % 8 == 0 ? RandomLivePool() : old.pool;
  size_t size = RandomSize() + 1;
  auto *p = static_cast<unsigned char *>(mln_alloc_re(pools_[pool].handle, old.ptr, size));
  if (p == nullptr) return "reallocation failed";
  Untrack(i);
  Block moved = {p, size < old.size ? size : old.size, old.fill, pool};
  std::string problem = Verify(moved, moved.size);
  if (!problem.empty()) return "realloc lost contents: " + problem;
  return Track(p, size, pool, old.fill);
}

std::string ShadowModel::CreateChild() {
  size_t parent = RandomLivePool();
  mln_alloc_t *child = mln_alloc_init(pools_[parent].handle);
  if (child == nullptr) return "child creation failed";
  pools_.push_back({child, parent});
  return "";
}

std::string ShadowModel::DestroyChild() {
  size_t victim = RandomLivePool();
  if (victim == 0) return "";
  // The pool and its whole subtree go; their blocks must not be touched again.
  for (size_t i = blocks_.size(); i-- > 0;)
    if (IsDescendant(blocks_[i].pool, victim)) Untrack(i);
  mln_alloc_destroy(pools_[victim].handle);
  for (size_t p = 0; p < pools_.size(); p++)
    if (IsDescendant(p, victim)) pools_[p].handle = nullptr;
  return "";
}

std::string ShadowModel::Run(size_t ops, size_t check_every) {
  for (size_t op = 1; op <= ops; op++) {
    uint64_t r = rng_() % 1000;
    std::string problem;
    bool crowded = blocks_.size() > 3000;
    if (r < 380 && !crowded) problem = Allocate(false);
    else if (r < 450 && !crowded) problem = Allocate(true);
    else if (r < 800) problem = Free();
    else if (r < 990) problem = Reallocate();
    else if (r < 995) problem = pools_.size() < 4096 ? CreateChild() : "";
    else problem = DestroyChild();
    if (problem.empty() && op % check_every == 0) {
      const char *broken = probe_check_tree(pools_[0].handle);
      if (broken != nullptr) problem = broken;
    }
    if (!problem.empty()) return "operation " + std::to_string(op) + ": " + problem;
  }
  const char *broken = probe_check_tree(pools_[0].handle);
  return broken == nullptr ? "" : broken;
}
