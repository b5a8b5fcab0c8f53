// SPDX-License-Identifier: MIT
// fuzz_smoke: a short deterministic run of the pool fuzzer, part of
// `bazel test //...`: pseudo-random inputs of growing length, each a full
// session checked step by step. The long, coverage-guided run is
// tests/fuzz/run_libfuzzer.sh.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int main() {
  uint64_t x = 0x9E3779B97F4A7C15ull;
  size_t steps = 0;
  for (int input = 0; input < 300; input++) {
    std::vector<uint8_t> bytes(3 * (50 + input * 10));
    for (uint8_t &b : bytes) {
      x ^= x << 13, x ^= x >> 7, x ^= x << 17;
      b = static_cast<uint8_t>(x >> 24);
    }
    LLVMFuzzerTestOneInput(bytes.data(), bytes.size());
    steps += bytes.size() / 3;
  }
  std::printf("fuzz_smoke: %zu operations in 300 sessions, no finding\n", steps);
  return 0;
}
