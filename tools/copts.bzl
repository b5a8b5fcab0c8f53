# SPDX-License-Identifier: MIT
"""Compiler options shared by the library's C targets."""

# Library code is C11 and warning-free under gcc and clang. Non-optimised
# builds (the default for `bazel test`) compile the core's invariant checks in.
# Optimised builds leave out the frame pointer that Bazel's default toolchain
# asks for everywhere: the allocation paths are a few dozen instructions, and
# saving and restoring it was a measurable share of them (bench/peers,
# tools/bench_counts.sh); system allocators are built without it too.
# The build profile (alloc/profile.h), chosen by --//tools:profile=
# firmware|services (tools/profile.bzl), else by the target: firmware for bare-metal builds
# (--config=m3), services for every OS. The define lets either profile run
# anywhere: //tests runs every suite natively in both (tools/profile.bzl).
def _by_profile(firmware, services):
    return select({
        "//tools:profile_firmware": firmware,
        "//tools:profile_services": services,
        "//tools:bare_auto": firmware,
        "//conditions:default": services,
    })

MLN_PROFILE_COPTS = _by_profile(["-DMLN_ALLOC_PROFILE=1"], ["-DMLN_ALLOC_PROFILE=2"])

# The same, for targets that include the core's internal headers (whose
# layout depends on the profile): carried by //alloc:core_headers to every
# target that depends on it, so that none sees another profile's layout.
MLN_PROFILE_DEFINES = _by_profile(["MLN_ALLOC_PROFILE=1"], ["MLN_ALLOC_PROFILE=2"])

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
}) + MLN_PROFILE_COPTS
