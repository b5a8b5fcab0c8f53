#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The core's layers point down, and nothing goes round in circles.

Each file of alloc/ belongs to one layer (alloc/layers.bzl, which alloc/BUILD
loads; the public header, alloc/mln_alloc.h, counts as base). This test
fails when:
  1. a file of alloc/ belongs to no layer;
  2. a file includes a header of a higher layer;
  3. an object of a layer uses a symbol that only a higher layer defines
     (read with nm from objects compiled here with gcc);
  4. files call each other in a circle (a cycle of "uses a symbol defined
     in"), inside a layer too;
  5. a program that uses only heap and region pools, linked with
     --gc-sections, still contains shared-pool code (the journal, recovery,
     the integrity walk): that code must reach an image only through
     mln_alloc_shm_init;
  6. a platform (platform/*/) uses anything of the core: platforms provide
     primitives, and only the core calls across the seam.
"""
import glob
import os
import re
import subprocess
import sys
import tempfile

# What the core may use from below it: the platform seam and what GCC and
# Clang require of every freestanding environment (and the linker's GOT
# symbol, for a function's address in a PIE).
ALLOWED_OUTSIDE = re.compile(r"^(mln_platform_\w+|memcpy|memset|_GLOBAL_OFFSET_TABLE_)$")
# Shared-pool code that an image without shared pools must not carry.
SHARED_ONLY = re.compile(r"^(mln_shared_\w+|mln_journal_\w+|mln_engine_rebuild|mln_engine_words_written)$")

failures = []


def fail(message):
    failures.append(message)
    print("FAIL: " + message)


os.chdir(os.path.join(os.environ.get("TEST_SRCDIR", "."), os.environ.get("TEST_WORKSPACE", "")))
# The layers as alloc/BUILD loads them, from alloc/layers.bzl (Starlark that
# is also Python): here a list, bottom first, of (layer, its files).
layers_bzl = {}
exec(compile(open("alloc/layers.bzl").read(), "alloc/layers.bzl", "exec"), layers_bzl)
LAYERS = [(layer, layers_bzl["LAYERS"][layer][1] + layers_bzl["LAYERS"][layer][0])
          for layer in layers_bzl["LAYER_ORDER"]]
LAYERS[0][1].append("mln_alloc.h")  # the public header: every layer may include it
layer_of = {}
for rank, (layer, files) in enumerate(LAYERS):
    for name in files:
        layer_of[name] = (rank, layer)

# 1. every file has a layer
files = sorted(os.path.basename(p) for p in glob.glob("alloc/*.[ch]"))
for name in files:
    if name not in layer_of:
        fail(f"alloc/{name} belongs to no layer (alloc/layers.bzl)")

# 2. includes point down
for name in files:
    if name not in layer_of:
        continue
    rank, layer = layer_of[name]
    for included in re.findall(r'#include "alloc/([^"]+)"', open(f"alloc/{name}").read()):
        up = layer_of.get(included)
        if up is not None and up[0] > rank:
            fail(f"alloc/{name} ({layer}) includes alloc/{included} ({up[1]}), a higher layer")

# 3. and 4. symbols
work = tempfile.mkdtemp()
sources = [n for n in files if n.endswith(".c") and n in layer_of]
defined_by = {}
uses = {}
for name in sources:
    obj = os.path.join(work, name + ".o")
    subprocess.run(["gcc", "-std=c11", "-O2", "-ffreestanding", "-ffunction-sections", "-I.",
                    "-c", f"alloc/{name}", "-o", obj], check=True)
    nm = subprocess.run(["nm", obj], check=True, capture_output=True, text=True).stdout
    uses[name] = set()
    for line in nm.splitlines():
        parts = line.split()
        if len(parts) == 2 and parts[0] == "U":
            uses[name].add(parts[1])
        elif len(parts) == 3 and parts[1] in "TDRBC":
            defined_by[parts[2]] = name
for name in sources:
    rank, layer = layer_of[name]
    for symbol in sorted(uses[name]):
        owner = defined_by.get(symbol)
        if owner is None:
            if not ALLOWED_OUTSIDE.match(symbol):
                fail(f"alloc/{name} uses {symbol}, which the core does not define")
        elif layer_of[owner][0] > rank:
            fail(f"alloc/{name} ({layer}) uses {symbol} of alloc/{owner} ({layer_of[owner][1]}), a higher layer")

graph = {name: {defined_by[s] for s in uses[name] if s in defined_by and defined_by[s] != name}
         for name in sources}
state = {}


def visit(node, path):
    state[node] = "open"
    for nxt in sorted(graph[node]):
        if state.get(nxt) == "open":
            cycle = path[path.index(nxt):] + [nxt]
            fail("a circle: " + " -> ".join(f"alloc/{n}" for n in cycle))
        elif nxt not in state:
            visit(nxt, path + [nxt])
    state[node] = "done"


for name in sources:
    if name not in state:
        visit(name, [name])

# 5. shared-pool code only through mln_alloc_shm_init
program = os.path.join(work, "heap_and_region_only.c")
with open(program, "w") as f:
    f.write("""
#include <stdlib.h>
#include "mln_alloc.h"
void *mln_platform_static_region(size_t *size) { (void)size; return NULL; }
void *mln_platform_span_acquire(size_t *size) { return aligned_alloc(64, (*size + 63) & ~(size_t)63); }
void mln_platform_span_release(void *mem, size_t size) { (void)size; free(mem); }
unsigned long mln_platform_owner_id(void) { return 1; }
void *mln_platform_shared_map(size_t *size) { (void)size; return NULL; }
void mln_platform_shared_unmap(void *mem, size_t size) { (void)mem; (void)size; }
void mln_platform_panic(const char *message) { (void)message; abort(); }
static unsigned char region[65536];
int main(void)
{
    mln_alloc_t *root = mln_alloc_init(NULL), *fixed = mln_alloc_region_init(region, sizeof region);
    mln_alloc_t *child = mln_alloc_init_capacity(fixed, 30000);
    char *p = mln_alloc_re(child, mln_alloc_c(root, 10), 100);
    mln_alloc_free(mln_alloc_m(child, 10));
    mln_alloc_free(p);
    mln_alloc_destroy(child);
    mln_alloc_destroy(fixed);
    mln_alloc_destroy(root);
    return 0;
}
""")
image = os.path.join(work, "heap_and_region_only")
subprocess.run(["gcc", "-std=c11", "-O2", "-ffunction-sections", "-fdata-sections", "-I.", "-Ialloc",
                "-Wl,--gc-sections", program] + [f"alloc/{n}" for n in sources] + ["-o", image],
               check=True)
kept = subprocess.run(["nm", image], check=True, capture_output=True, text=True).stdout.split()
carried = sorted({s for s in kept if SHARED_ONLY.match(s)})
if carried:
    fail("an image without shared pools carries shared-pool code: " + ", ".join(carried))
if subprocess.run([image]).returncode != 0:
    fail("the heap-and-region program did not run cleanly")

# 6. platforms call nothing in the core
platform_objects = 0
for platform, flags in [("posix", ["-D_DEFAULT_SOURCE", "-DMLN_ALLOC_TRACK"]), ("freestanding", ["-ffreestanding", "-fno-builtin"])]:
    for path in sorted(glob.glob(f"platform/{platform}/*.c")):
        obj = os.path.join(work, f"{platform}_{os.path.basename(path)}.o")
        subprocess.run(["gcc", "-std=c11", "-O2", "-I."] + flags + ["-c", path, "-o", obj], check=True)
        nm = subprocess.run(["nm", "-u", obj], check=True, capture_output=True, text=True).stdout
        for symbol in nm.split():
            if symbol.startswith("mln_") or symbol in defined_by:
                fail(f"{path} uses {symbol} of the core: a platform provides primitives only")
        platform_objects += 1

if failures:
    sys.exit(1)
print(f"PASS: {len(sources)} objects in {len(LAYERS)} layers, every use pointing down, no circle; "
      f"an image without shared pools carries none of their code; {platform_objects} platform objects "
      "use nothing of the core")
