# SPDX-License-Identifier: MIT
"""The build profile as a Bazel setting (alloc/profile.h, tools/copts.bzl).

    --//tools:profile=firmware | services   (--config=firmware, --config=services)

Empty (the default): the target's own profile, firmware on bare metal and
services on every OS."""

def _profile_setting_impl(ctx):
    allowed = ["", "firmware", "services"]
    if ctx.build_setting_value not in allowed:
        fail("--//tools:profile is one of firmware, services (not %s)" % ctx.build_setting_value)
    return []

profile_setting = rule(
    implementation = _profile_setting_impl,
    build_setting = config.string(flag = True),
)
