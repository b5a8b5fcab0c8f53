# SPDX-License-Identifier: MIT
"""The repositories mlnpool's build needs, declared in one call.

In a workspace that uses mlnpool (README.md, "Using it"):

    local_repository(name = "mlnpool", path = "/path/to/mlnpool")
    load("@mlnpool//:deps.bzl", "mlnpool_dependencies")
    mlnpool_dependencies()

Bazel 4 would otherwise download three repositories even for a pure C
build: @rules_cc and @rules_java (loaded by the C and Java toolchains) and
@remote_coverage_tools (an attribute of every test rule). This declares
local ones instead: the stand-ins in this checkout's third_party/ and
Debian's bazel-rules-java. A repository the workspace already declares under
one of these names is left alone. This workspace's own WORKSPACE makes the
same call, so the two cannot drift apart.
"""

# A file at the top of the checkout this .bzl file comes from. Label()
# resolves relative to this file's repository, whatever the calling
# workspace names it, so the checkout is found without being told its path.
_CHECKOUT_ANCHOR = Label("//:WORKSPACE")

def _checkout_subdir_impl(repository_ctx):
    directory = repository_ctx.path(repository_ctx.attr._anchor).dirname
    for part in repository_ctx.attr.subdir.split("/"):
        directory = directory.get_child(part)
    if not directory.exists:
        fail("mlnpool: no directory %s" % directory)

    # A repository's root cannot itself be a link: link its entries.
    for entry in directory.readdir():
        repository_ctx.symlink(entry, entry.basename)

# A directory of the mlnpool checkout as a repository of its own (what
# local_repository does, but with a path relative to the checkout rather
# than to the calling workspace).
_checkout_subdir = repository_rule(
    implementation = _checkout_subdir_impl,
    attrs = {
        "subdir": attr.string(mandatory = True),
        "_anchor": attr.label(default = _CHECKOUT_ANCHOR),
    },
    local = True,
)

def mlnpool_dependencies():
    """Declares @rules_cc, @rules_java and @remote_coverage_tools, each only if absent."""

    # A stand-in forwarding to Bazel 4's native C/C++ rules: Bazel's implicit
    # @rules_cc is a download, and Debian's bazel-rules-cc is too new for 4.2.3.
    if not native.existing_rule("rules_cc"):
        _checkout_subdir(name = "rules_cc", subdir = "third_party/rules_cc")

    # Debian's bazel-rules-java (tools/bazel installs it): Bazel 4 loads
    # @rules_java even for pure C builds.
    if not native.existing_rule("rules_java"):
        native.local_repository(name = "rules_java", path = "/usr/share/bazel/rules/java")

    # Every `bazel test` needs @remote_coverage_tools (a download in Bazel's
    # own WORKSPACE suffix); this stand-in also makes `bazel coverage` work.
    if not native.existing_rule("remote_coverage_tools"):
        _checkout_subdir(name = "remote_coverage_tools", subdir = "third_party/remote_coverage_tools")
