"""Compiler options shared by the library's C targets."""

# Library code is C11 and warning-free under gcc and clang. Non-optimised
# builds (the default for `bazel test`) compile the core's invariant checks in.
MLN_C_COPTS = [
    "-std=c11",
    "-Wall",
    "-Wextra",
    "-Werror",
    "-Wshadow",
    "-Wstrict-prototypes",
    "-Wmissing-prototypes",
] + select({
    "//tools:opt": [],
    "//conditions:default": ["-DMLN_ALLOC_DEBUG"],
})
