# SPDX-License-Identifier: MIT
"""An example program and the test that runs it and checks what it prints."""

load("@rules_cc//cc:defs.bzl", "cc_binary")
load("//tools:copts.bzl", "MLN_C_COPTS")

def example(name, srcs, expected = None, expected_file = None, copts = MLN_C_COPTS, deps = []):
    """cc_binary `name` on //alloc:mln_alloc, and `name`_test.

    The test runs the program, which must exit 0 and print exactly
    `expected` (a text) or the contents of `expected_file` (a label).
    """
    cc_binary(
        name = name,
        srcs = srcs,
        copts = copts,
        deps = deps + ["//alloc:mln_alloc"],
    )
    native.sh_test(
        name = name + "_test",
        size = "small",
        srcs = ["//examples:expect_output.sh"],
        args = [
            "$(rootpath :%s)" % name,
            expected if expected_file == None else "$(rootpath %s)" % expected_file,
        ],
        data = [":" + name] + ([] if expected_file == None else [expected_file]),
    )
