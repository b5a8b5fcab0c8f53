# SPDX-License-Identifier: MIT
"""platform_binary: builds `binary` for `platform` (a --platforms transition), so a host-config
test (a sh_test that starts QEMU) can depend on a cross-compiled executable in the same build.
qemu_test: sh_test that runs such a binary under QEMU (user-mode or system-mode)."""

def _platform_transition_impl(settings, attr):
    return {
        "//command_line_option:platforms": str(attr.platform),
        # `bazel coverage` would otherwise instrument the cross/bare builds too
        # (bare links then fail on __gcov_exit).
        "//command_line_option:collect_code_coverage": False,
    }

_platform_transition = transition(
    implementation = _platform_transition_impl,
    inputs = [],
    outputs = [
        "//command_line_option:platforms",
        "//command_line_option:collect_code_coverage",
    ],
)

def _platform_binary_impl(ctx):
    dep = ctx.attr.binary
    if type(dep) == "list":  # attributes with a Starlark transition come back as lists
        dep = dep[0]
    exe = dep[DefaultInfo].files_to_run.executable
    files = depset([exe]) if exe else dep[DefaultInfo].files
    return [DefaultInfo(files = files, runfiles = ctx.runfiles(transitive_files = files))]

platform_binary = rule(
    implementation = _platform_binary_impl,
    attrs = {
        "binary": attr.label(mandatory = True, cfg = _platform_transition),
        "platform": attr.label(mandatory = True),
        "_whitelist_function_transition": attr.label(
            default = "@bazel_tools//tools/whitelists/function_transition_whitelist",
        ),
    },
)

def qemu_test(name, binary, platform, qemu_args, test_args = [], tags = [], size = "small", **kwargs):
    """sh_test running `binary`, built for `platform`, as: qemu_args... <binary> test_args...

    Tagged "qemu" (plus whatever `tags` adds), so that
    `bazel test --test_tag_filters=qemu //...` selects exactly the emulated tests.
    """
    platform_binary(
        name = name + "_bin",
        binary = binary,
        platform = platform,
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
