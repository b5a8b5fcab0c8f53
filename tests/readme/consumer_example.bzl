# SPDX-License-Identifier: MIT
"""examples/bazel_consumer's files, for //tests/readme:readme_snippets_test.

That directory is a workspace of its own, which this one ignores
(.bazelignore), so its files are no labels here. This repository rule links
them under other names: new_local_repository would put a generated WORKSPACE
in place of the example's own.
"""

_FILES = {
    "WORKSPACE": "WORKSPACE.example",
    "BUILD": "BUILD.example",
    ".bazelrc": "bazelrc.example",
}

def _consumer_example_files_impl(repository_ctx):
    example = repository_ctx.path(repository_ctx.attr._anchor).dirname
    for part in ["examples", "bazel_consumer"]:
        example = example.get_child(part)
    for name, link in _FILES.items():
        repository_ctx.symlink(example.get_child(name), link)
    repository_ctx.file("BUILD.bazel", "exports_files(%s)\n" % repr(sorted(_FILES.values())))

consumer_example_files = repository_rule(
    implementation = _consumer_example_files_impl,
    attrs = {"_anchor": attr.label(default = Label("//:WORKSPACE"))},
    local = True,
)
