# SPDX-License-Identifier: MIT
"""platform_binary: builds `binary` for `platform` (a --platforms transition) and, if asked, in
another build profile (alloc/profile.h: --//tools:profile=...), so a host-config test (a sh_test
that starts QEMU, or runs the binary natively) can depend on it in the same build.
qemu_test: sh_test that runs such a binary under QEMU (user-mode or system-mode).
profile_test: sh_test that runs a host binary built in another profile, natively."""

def _platform_transition_impl(settings, attr):
    return {
        "//command_line_option:platforms": str(attr.platform) if attr.platform else settings["//command_line_option:platforms"],
        # `bazel coverage` would otherwise instrument the cross/bare builds too
        # (bare links then fail on __gcov_exit).
        "//command_line_option:collect_code_coverage": False,
        "//tools:profile": attr.profile if attr.profile else settings["//tools:profile"],
    }

_platform_transition = transition(
    implementation = _platform_transition_impl,
    inputs = [
        "//command_line_option:platforms",
        "//tools:profile",
    ],
    outputs = [
        "//command_line_option:platforms",
        "//command_line_option:collect_code_coverage",
        "//tools:profile",
    ],
)

def _platform_binary_impl(ctx):
    dep = ctx.attr.binary
    if type(dep) == "list":  # attributes with a Starlark transition come back as lists
        dep = dep[0]
    exe = dep[DefaultInfo].files_to_run.executable
    files = depset([exe]) if exe else dep[DefaultInfo].files
    # The binary's own runfiles too: a host test links its libraries dynamically.
    runfiles = ctx.runfiles(transitive_files = files).merge(dep[DefaultInfo].default_runfiles)
    return [DefaultInfo(files = files, runfiles = runfiles)]

platform_binary = rule(
    implementation = _platform_binary_impl,
    attrs = {
        "binary": attr.label(mandatory = True, cfg = _platform_transition),
        # The target platform; none: the build's own.
        "platform": attr.label(),
        # The build profile (alloc/profile.h): "firmware" or "services"; "": the build's own.
        "profile": attr.string(default = ""),
        "_whitelist_function_transition": attr.label(
            default = "@bazel_tools//tools/whitelists/function_transition_whitelist",
        ),
    },
)

def qemu_test(name, binary, platform, qemu_args, test_args = [], tags = [], size = "small", profile = "", **kwargs):
    """sh_test running `binary`, built for `platform`, as: qemu_args... <binary> test_args...

    Tagged "qemu" (plus whatever `tags` adds), so that
    `bazel test --test_tag_filters=qemu //...` selects exactly the emulated tests.
    """
    platform_binary(
        name = name + "_bin",
        binary = binary,
        platform = platform,
        profile = profile,
        testonly = True,
        tags = ["qemu"] + tags,
    )
    native.sh_test(
        name = name,
        size = size,
        srcs = ["//toolchain:qemu_run.sh"],
        args = qemu_args + ["$(rootpath :%s_bin)" % name] + test_args,
        data = [":%s_bin" % name],
        tags = ["qemu"] + tags,
        # The wrapper runs on the x86_64 host; skip it under --config=aarch64 etc.
        target_compatible_with = ["@platforms//cpu:x86_64"],
        **kwargs
    )

def profile_test(name, binary, profile, test_args = [], tags = [], size = "small", **kwargs):
    """sh_test running the host binary `binary` built in build profile `profile`
    (alloc/profile.h), natively: the same suite in the other profile, in the same build."""
    platform_binary(
        name = name + "_bin",
        binary = binary,
        profile = profile,
        testonly = True,
        tags = tags,
    )
    native.sh_test(
        name = name,
        size = size,
        srcs = ["//toolchain:run_binary.sh"],
        args = ["$(rootpath :%s_bin)" % name] + test_args,
        data = [":%s_bin" % name],
        tags = tags,
        **kwargs
    )

def _optimised_transition_impl(settings, attr):
    return {"//command_line_option:compilation_mode": "opt"}

_optimised_transition = transition(
    implementation = _optimised_transition_impl,
    inputs = [],
    outputs = ["//command_line_option:compilation_mode"],
)

def _optimised_impl(ctx):
    files = depset(transitive = [src[DefaultInfo].files for src in ctx.attr.srcs])
    return [DefaultInfo(files = files, runfiles = ctx.runfiles(transitive_files = files))]

# optimised: `srcs` built with -c opt whatever the build's compilation mode, at
# their own paths (an installer's inputs: what it installs is always the
# optimised library, without the debug build's invariant checks).
optimised = rule(
    implementation = _optimised_impl,
    attrs = {
        "srcs": attr.label_list(mandatory = True, allow_files = True, cfg = _optimised_transition),
        "_whitelist_function_transition": attr.label(
            default = "@bazel_tools//tools/whitelists/function_transition_whitelist",
        ),
    },
)
