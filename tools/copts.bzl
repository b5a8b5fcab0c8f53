# SPDX-License-Identifier: MIT
"""Compiler options shared by the library's C targets."""

# Library code is C11 and warning-free under gcc and clang. Non-optimised
# builds (the default for `bazel test`) compile the core's invariant checks in.
# Optimised builds leave out the frame pointer that Bazel's default toolchain
# asks for everywhere: the allocation paths are a few dozen instructions, and
# saving and restoring it was a measurable share of them (bench/peers,
# tools/bench_counts.sh); system allocators are built without it too.
MLN_C_COPTS = [
    "-std=c11",
    "-Wall",
    "-Wextra",
    "-Werror",
    "-Wshadow",
    "-Wstrict-prototypes",
    "-Wmissing-prototypes",
] + select({
    "//tools:opt": ["-fomit-frame-pointer"],
    "//conditions:default": ["-DMLN_ALLOC_DEBUG"],
}) + select({
    # Firmware: the front cache's classes up to 512 B (its tables then take
    # about 100 bytes instead of about 800).
    "@platforms//os:none": ["-DMLN_ALLOC_QUICK_MAX_LOG2=9"],
    "//conditions:default": [],
})
