/* SPDX-License-Identifier: MIT */
// shadow_model.h: drives random operations on a tree of pools and checks
// every result against a model of what must hold (contents, no overlap,
// alignment, zeroing), reused by the stress and thread tests.
#ifndef MLN_TESTS_SHADOW_MODEL_H
#define MLN_TESTS_SHADOW_MODEL_H

#include <cstddef>
#include <cstdint>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "mln_alloc.h"

class ShadowModel {
 public:
  explicit ShadowModel(uint32_t seed);
  ~ShadowModel();

  // Runs `ops` random operations; returns "" or the first violation found.
  // The tree is integrity-checked every `check_every` operations.
  std::string Run(size_t ops, size_t check_every);

  size_t live_blocks() const { return blocks_.size(); }

 private:
  struct Block {
    unsigned char *ptr;
    size_t size;
    unsigned char fill;
    size_t pool;  // index into pools_
  };
  struct Pool {
    mln_alloc_t *handle;  // nullptr once destroyed
    size_t parent;        // SIZE_MAX for the root
  };

  size_t RandomSize();
  size_t RandomLivePool();
  std::string Allocate(bool zeroed);
  std::string Free();
  std::string Reallocate();
  std::string CreateChild();
  std::string DestroyChild();
  std::string Track(unsigned char *ptr, size_t size, size_t pool, unsigned char fill);
  std::string Verify(const Block &b, size_t upto) const;
  void Untrack(size_t index);
  bool IsDescendant(size_t pool, size_t ancestor) const;

  std::mt19937_64 rng_;
  std::vector<Pool> pools_;
  std::vector<Block> blocks_;
  std::map<uintptr_t, uintptr_t> ranges_;  // start -> end of every live block
};

#endif  // MLN_TESTS_SHADOW_MODEL_H
