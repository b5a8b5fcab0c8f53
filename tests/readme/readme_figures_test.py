#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The README's figures against what computes them.

Three blocks are written by their scripts, between marks only those scripts
write (firmware_figures.sh, coverage.sh, bench_counts.sh, each with
--readme): a run takes minutes, so here each block is only checked to be
present once and well formed, and the prose that quotes it to agree with it.
Every other figure the build decides is checked against the build itself:
sizes and settings by figures_probe (compiled with the library), the
soname and version by the header (and by the installable libraries when
given), the fuzz smoke run's count by running it, and the other suites'
workloads by their sources.

    readme_figures_test.py README PROBE NAME=PATH...

NAME=PATH gives the README's companion pages whose figures are checked
too (testing, performance), the public header (header), the fuzz smoke test to run
(fuzz_smoke), the test sources (header_modes, stress, shm_kill, shm_procs,
threads, request_arena, shm_workers) and, optionally, the installable shared
library and its static archive's list of internal names (dist_library,
internal_symbols): without them the soname is checked against the header's
major version alone.

A failure names the figure; when the README's wording changed rather than
the figure, the pattern here is what to update.
"""
import re
import subprocess
import sys

readme_path, probe = sys.argv[1:3]
sources = dict(arg.split("=", 1) for arg in sys.argv[3:])
readme = open(readme_path, encoding="utf-8").read()
# The pages the README sends the long versions to (docs/TESTING.md,
# docs/PERFORMANCE.md: testing=PATH, performance=PATH) quote figures too.
pages = [open(sources[name], encoding="utf-8").read() for name in ("testing", "performance") if name in sources]
flat = " ".join("\n".join([readme] + pages).split())  # wording may wrap anywhere
failures = []


def fail(message):
    failures.append(message)


def said(pattern, what, text=None):
    """The groups of the README's one phrase matching pattern, or None."""
    found = re.findall(pattern, flat if text is None else text)
    if not found:
        fail("README no longer says %s (pattern %r)" % (what, pattern))
        return (None,) * 10  # every figure unknown: expect() skips them
    if len(set(found)) > 1:
        fail("README says %s in different ways: %s" % (what, found))
    return found[0] if isinstance(found[0], tuple) else (found[0],)


def expect(what, quoted, actual):
    if quoted is not None and str(quoted) != str(actual):
        fail("README says %s is %s; it is %s" % (what, quoted, actual))


def kib(n):
    return "%.1f" % (n / 1024)


def number(text):
    return None if text is None else int(text.replace(",", ""))


def source(name):
    return open(sources[name], encoding="utf-8").read()


def block(name, writer):
    """The text between a script's marks, checked to appear once, in order."""
    begin = "<!-- %s:begin (written by %s) -->" % (name, writer)
    end = "<!-- %s:end -->" % name
    if readme.count(begin) != 1 or readme.count(end) != 1 or readme.index(begin) > readme.index(end):
        fail("README: the %s block must be between one %r and one %r (%s writes it)"
             % (name, begin, end, writer))
        return ""
    return readme[readme.index(begin) + len(begin):readme.index(end)]


def table(text):
    rows = [[c.strip() for c in line.strip().strip("|").split("|")]
            for line in text.strip().split("\n") if line.startswith("|")]
    return rows[0], rows[2:] if len(rows) > 1 and set("".join(rows[1])) <= set("-: ") else None


# ---- the build's figures, from the probe ----
figures = {}
for line in subprocess.run([probe], check=True, capture_output=True, text=True).stdout.splitlines():
    key, value = line.split(" ", 1)
    figures[key] = value if key == "version" else int(value)
f = figures

# ---- script-written blocks: present, well formed, quoted right ----
firmware = block("firmware-figures", "./tools/firmware_figures.sh --readme")
if firmware:
    head, rows = table(firmware)
    # One row per figure, one column per profile (alloc/profile.h).
    labels = ["library text + data", "an image with one region pool only", "the same, by layer",
              "the same with one child pool", "the library's .data + .bss", "the `examples/firmware` image",
              "a pool's control structure", "the same, blocks below 2 KiB", "a region pool of 64 KiB",
              "the smallest region", "a child pool", "per-allocation overhead"]
    if head != ["Figure", "firmware (no define)", "services (`-DMLN_ALLOC_PROFILE=2`)"] or rows is None or \
            len(rows) != len(labels) or any(len(r) != 3 or not r[0].startswith(label) or
                                            not all(re.search(r"\d", c) for c in r[1:])
                                            for r, label in zip(rows, labels)):
        fail("README: the firmware-figures block is not the script's table (%d rows, a firmware and a "
             "services column)" % len(labels))
        rows = None
if firmware and rows:
    cells = dict(zip(labels, rows))
    shares, children, regions, child_regions = {}, {}, {}, {}
    for column, profile in ((1, "firmware"), (2, "services")):
        def cell(label, pattern, what):
            m = re.fullmatch(pattern, cells[label][column])
            if not m:
                fail("README: the firmware table's %s (%s) is not %r" % (what, profile, pattern))
            return m

        share = cell("an image with one region pool only", r"(\d+) bytes of text \+ data", "region-only share")
        layers = cell("the same, by layer",
                      r"engine (\d+), pool (\d+), kinds (\d+), api (\d+), base (\d+), platform (\d+) "
                      r"\(sum (\d+), (\d+) (more|less) than the library's share: .*\)", "breakdown by layer")
        if share and layers:
            parts = [int(x) for x in layers.groups()[:8]]
            expect("the sum of the layers (%s)" % profile, parts[6], sum(parts[:6]))
            difference = parts[7] if layers.group(9) == "more" else -parts[7]
            expect("the layers against the library's share (%s)" % profile, parts[6] - difference,
                   share.group(1))
            shares[profile] = share.group(1)
        child = cell("the same with one child pool", r"(\d+) bytes of text \+ data", "share with a child")
        if child:
            children[profile] = child.group(1)
        # The library's RAM: its total is its symbols' sizes.
        ram = cell("the library's .data + .bss", r"(\d+) \+ (\d+) bytes: (.*)", "RAM")
        if ram:
            listed = re.findall(r"`\w+` \((\d+), \.(data|bss)", ram.group(3))
            for section, total in (("data", ram.group(1)), ("bss", ram.group(2))):
                expect("the library's .%s (%s) against its symbols" % (section, profile), total,
                       sum(int(n) for n, s in listed if s == section))
        smallest = cell("the smallest region", r"(\d+) bytes", "smallest region")
        if smallest:
            regions[profile] = smallest.group(1)
        in_2k = cell("a child pool", r"(yes|no) / (yes|no) \(a child works from a (\d+) / (\d+) byte region\)",
                     "child in 2 KiB")
        if in_2k:
            child_regions[profile] = in_2k.group(3)
            expect("a child in 2 KiB (%s) against the smallest region for one" % profile, in_2k.group(1),
                   "yes" if int(in_2k.group(3)) <= 2048 else "no")
        overhead = cell("per-allocation overhead",
                        r"(\d+) bytes \(header\), blocks aligned to (\d+), smallest block (\d+) bytes",
                        "per-allocation overhead")
        if overhead and profile == "firmware":
            expect("the 32-bit header (Design sketch)",
                   said(r"\*\*Header: 2 words \(\d+ bytes on LP64, (\d+) on 32-bit ARM\)\.\*\*",
                        "the 32-bit header")[0], overhead.group(1))
            expect("the 32-bit alignment (macro table)",
                   said(r"at least two pointers \(\d+ on LP64, (\d+) on 32-bit ARM\)",
                        "the 32-bit alignment")[0], overhead.group(2))
    # The prose after the table quotes it.
    q = said(r"the library costs an image with one region pool (\d+) bytes and one that adds a child pool "
             r"(\d+) bytes", "the firmware images' shares")
    expect("the region-only image's share (prose)", q[0], shares.get("firmware"))
    expect("the region and child image's share (prose)", q[1], children.get("firmware"))
    q = said(r"the smallest region is (\d+) bytes \(goal: \d+\), and a child pool works in a 2 KiB region, "
             r"with or without a capacity \(from a (\d+)-byte region", "the firmware RAM figures")
    expect("the smallest region (prose)", q[0], regions.get("firmware"))
    expect("the smallest region for a child (prose)", q[1], child_regions.get("firmware"))
    q = said(r"(\d+) bytes in the region-only image \(the front cache.*?and a child pool needs a (\d+)-byte region",
             "the services figures")
    expect("the services region-only share (prose)", q[0], shares.get("services"))
    expect("the services smallest region for a child (prose)", q[1], child_regions.get("services"))
    q = said(r"panic hook pointer \(`panic_hook`, (\d+) bytes of `\.bss`", "the library's RAM")
    expect("the panic hook pointer's bytes (prose)", q[0],
           (re.search(r"`panic_hook` \((\d+),", cells["the library's .data + .bss"][1]) or [None, None])[1])

coverage = block("coverage", "./tools/coverage.sh --readme").strip()
if coverage:
    m = re.fullmatch(r"(\d+) of (\d+) lines, \*\*(\d+\.\d) %\*\*", coverage)
    if not m:
        fail("README: the coverage block is not 'N of M lines, **P %**': %r" % coverage)
    else:
        expect("the coverage percentage", m.group(3),
               "%.1f" % (100.0 * int(m.group(1)) / int(m.group(2))))

counts = {}
bench = block("bench-counts", "./tools/bench_counts.sh --readme")
if bench:
    head, rows = table(bench)
    cell = re.compile(r"(\d+) / (\d+\.\d\d) / (\d+\.\d{3})")
    if head[0] != "instructions / D1 misses / LL misses per op" or not rows or \
            any(len(r) != len(head) or not all(cell.fullmatch(c) or c == "–" for c in r[1:])
                for r in rows):
        fail("README: the bench-counts block is not the script's table")
    else:
        for r in rows:
            for allocator, c in zip(head[1:], r[1:]):
                if c != "–":
                    counts[r[0].split(" ")[0], r[0], allocator] = cell.fullmatch(c).groups()


def count(row_start, allocator, field, decimals=None):
    """A count table figure, rounded as the prose quotes it."""
    for (_, row, who), values in counts.items():
        if row.startswith(row_start) and who == allocator:
            value = values[{"i": 0, "d": 1, "l": 2}[field]]
            return value if decimals is None else "%.*f" % (decimals, float(value))
    fail("README: no %s / %s in the count table" % (row_start, allocator))
    return None


if counts:
    q = said(r"\*\*mimalloc heaps\*\* on small mixed sizes \((\d+) instructions per pair against (\d+):",
             "mimalloc's and mlnpool's count on small mixed sizes")
    if q:
        expect("mimalloc's instructions per pair (mixed 8-512 B)", q[0], count("mixed 8", "mimalloc", "i"))
        expect("mlnpool's instructions per pair (mixed 8-512 B)", q[1], count("mixed 8", "mlnpool", "i"))
    q = said(r"\*\*APR pools\*\* on request \(([\d,]+) instructions per request against ([\d,]+):",
             "APR's and mlnpool's count on request")
    if q:
        expect("APR's instructions per request", number(q[0]), count("request", "APR", "i"))
        expect("mlnpool's instructions per request", number(q[1]), count("request", "mlnpool", "i"))
    q = said(r"a free\+alloc pair costs (\d+) instructions, (\d+\.\d) D1 and (\d+\.\d\d) last-level misses",
             "mlnpool's counts on the 100k-live mix")
    if q:
        expect("mlnpool's instructions (100k live)", q[0], count("mixed 16 B", "mlnpool", "i"))
        expect("mlnpool's D1 misses (100k live)", q[1], count("mixed 16 B", "mlnpool", "d", 1))
        expect("mlnpool's LL misses (100k live)", q[2], count("mixed 16 B", "mlnpool", "l", 2))
    q = said(r"; mimalloc (\d+), (\d+\.\d), (\d+\.\d{3})\)", "mimalloc's counts on the 100k-live mix")
    if q:
        expect("mimalloc's instructions (100k live)", q[0], count("mixed 16 B", "mimalloc", "i"))
        expect("mimalloc's D1 misses (100k live)", q[1], count("mixed 16 B", "mimalloc", "d", 1))
        expect("mimalloc's LL misses (100k live)", q[2], count("mixed 16 B", "mimalloc", "l", 3))
    q = said(r"glibc's (\d+\.\d) D1 misses per chain", "glibc's D1 misses per realloc chain")
    if q:
        expect("glibc's D1 misses per realloc chain", q[0], count("realloc", "glibc", "d", 1))
    # The history of the fast paths (docs/PERFORMANCE.md) gives each round's
    # figures in this form; the latest round's must be today's table.
    rounds = re.findall(r"\(request [\d,]+ -> ([\d,]+), burst \d+ -> (\d+):", flat)
    if not rounds:
        fail("README no longer says the fast paths' latest round's cost")
    q = rounds[-1] if rounds else None
    if q:
        expect("mlnpool's instructions per request", number(q[0]), count("request", "mlnpool", "i"))
        expect("mlnpool's instructions per burst block", q[1], count("burst", "mlnpool", "i"))

# ---- sizes and settings: the probe ----
if f["pointer_bytes"] == 8:
    expect("the LP64 header (intro)", said(r"(\d+) bytes of header per block on LP64", "the header")[0],
           f["block_header"])
    expect("the LP64 header (Design sketch)",
           said(r"\*\*Header: 2 words \((\d+) bytes on LP64", "the LP64 header")[0], f["block_header"])
    expect("the smallest LP64 block", said(r"Smallest block: (\d+) bytes on LP64", "the smallest block")[0],
           f["block_min"])
    q = said(r"header per allocation \(LP64\) \| (\d+) B \(smallest block (\d+) B\)", "the memory table's header")
    if q:
        expect("the memory table's header", q[0], f["block_header"])
        expect("the memory table's smallest block", q[1], f["block_min"])
    expect("the LP64 alignment", said(r"at least two pointers \((\d+) on LP64", "the alignment")[0],
           f["alignment"])
    expect("the smallest region (LP64)", said(r"≈ (\d+\.\d) KiB LP64", "the smallest region")[0],
           kib(f["region_min"]))
    for phrase in (r"control structure is about (\d+\.\d) KiB on LP64",
                   r"control structure, about (\d+\.\d) KiB on LP64",
                   r"a pool's control structure \(about (\d+\.\d) KiB, mostly bin heads"):
        q = re.findall(phrase, flat)
        for quoted in q:
            expect("a pool's control structure", quoted, kib(f["pool_control"]))
    # The header's comments (the contract, and the reference pages made
    # from them) quote the same two sizes.
    header = " ".join(open(sources["header"], encoding="utf-8").read().split())
    for quoted in re.findall(r"control structure, about (\d+\.\d) KiB on LP64", header):
        expect("a pool's control structure (mln_alloc.h)", quoted, kib(f["pool_control"]))
    # The probe is built in the services profile: the header's last figure.
    expect("the smallest region (mln_alloc.h)",
           said(r"mln_alloc_region_init accepts: \d+ bytes on 32-bit ARM (?:\* )?and \d+ on LP64 in the firmware "
                r"profile; \d+ and (\d+) in services", "the smallest region", header)[0], f["region_min"])
    expect("the first-level bins", said(r"\*\*Bins\*\*: (\d+) first-level classes", "the bins")[0],
           f["fl_count"])
q = said(r"first-level classes \(powers of two\) × (\d+) second-level subdivisions, below (\d+) bytes "
         r"one bin per (\d+) bytes", "the second-level bins")
if q and f["pointer_bytes"] == 8:
    expect("second-level bins per class", q[0], f["sl_count"])
    expect("the small-size limit", q[1], f["small_limit"])
    expect("the small bins' step", q[2], f["alignment"])
expect("the smallest shared region", said(r"smallest shared region, (\d+) bytes", "MLN_ALLOC_SHM_MIN_SIZE")[0],
       f["shm_min"])
for quoted in re.findall(r"`MLN_ALLOC_SHM_MIN_SIZE` \((\d+) KiB", flat) + \
        re.findall(r"`MLN_ALLOC_SHM_MIN_SIZE`, (\d+) KiB", flat):
    expect("the smallest shared region in KiB", quoted, f["shm_min"] // 1024)
q = said(r"the front cache's depth per class and its largest class \((\d+), 2\^(\d+) = (\d+) KiB;",
         "the front cache's settings")
if q:
    expect("MLN_ALLOC_QUICK_DEPTH", q[0], f["quick_depth"])
    expect("MLN_ALLOC_QUICK_MAX_LOG2", q[1], f["quick_max_log2"])
    expect("the largest cached class", q[2], (1 << f["quick_max_log2"]) // 1024)
q = said(r"per class\s+\((\d+) deep, and no limit in bytes", "the front cache's depth (design sketch)")
if q:
    expect("the front cache's depth (design sketch)", q[0], f["quick_depth"])
expect("the largest cached size", said(r"a request up to (\d+) KiB \(header included\) is rounded",
                                       "the cached sizes")[0], (1 << f["quick_max_log2"]) // 1024)
q = said(r"at most (\d+) classes × (\d+) blocks of engine frees", "the front cache's flush bound")
if q:
    expect("the front cache's classes", q[0], f["quick_classes"])
    expect("the front cache's depth (flush)", q[1], f["quick_depth"])
q = said(r"its first span \((\d+) KiB for a root, (\d+) KiB for a child\)", "the home spans")
if q:
    expect("a root's first span", q[0], f["root_home"] // 1024)
    expect("a child's first span", q[1], f["child_home"] // 1024)
q = said(r"adds a span \((\d+) KiB doubling to (\d+) MiB for roots, (\d+) KiB to (\d+) KiB for children\); "
         r"blocks over (\d+) KiB \((\d+) KiB in a child\)", "the growth policies")
if q:
    expect("a root's first grown span", q[0], f["root_first_grow"] // 1024)
    expect("a root's largest grown span", q[1], f["root_max_grow"] // (1 << 20))
    expect("a child's first grown span", q[2], f["child_first_grow"] // 1024)
    expect("a child's largest grown span", q[3], f["child_max_grow"] // 1024)
    expect("a root's large-block threshold", q[4], f["root_large_block"] // 1024)
    expect("a child's large-block threshold", q[5], f["child_large_block"] // 1024)

# ---- the installable libraries ----
expect("the installed library's version", said(r"`lib/libmlnpool\.so\.(\d+\.\d+\.\d+)`",
                                                "the installed library's file name")[0], f["version"])
# The soname is libmlnpool.so.<major> (dist derives it from the header).
soname = "libmlnpool.so.%d" % f["version_major"]
if "dist_library" in sources:
    dynamic = subprocess.run(["readelf", "-d", sources["dist_library"]], check=True,
                             capture_output=True, text=True).stdout
    expect("the built library's soname", re.search(r"Library soname: \[(.*)\]", dynamic).group(1), soname)
    symbols = subprocess.run(["nm", "-D", "--defined-only", sources["dist_library"]], check=True,
                             capture_output=True, text=True).stdout
    nodes = set(re.findall(r"@@?(MLNPOOL_[\d.]+)", symbols))
    for node in sorted(set(re.findall(r"MLNPOOL_\d+(?:\.\d+)*", readme))):
        if node not in nodes:
            fail("README names the version node %s; the library has %s" % (node, ", ".join(sorted(nodes))))
if "internal_symbols" in sources:
    internal = [line for line in open(sources["internal_symbols"]) if line.strip()]
    for quoted in re.findall(r"defines all (\d+) internal names", flat):
        expect("the number of internal names", quoted, len(internal))
for quoted in re.findall(r"soname `(libmlnpool\.so\.\d+)`", flat):
    expect("the soname", quoted, soname)

# ---- the test suites' workloads, from their sources ----
script = source("header_modes")
groups = re.findall(r'compilers="([^"]+)"; stds="([^"]+)"', script)
apis = re.search(r'for api in ((?:"[^"]*" ?)+);', script)
if len(groups) != 2 or not apis:
    fail("header_modes_test.sh: its modes are no longer where this test reads them")
else:
    modes = sum(len(c.split()) * len(s.split()) for c, s in groups) * len(re.findall(r'"[^"]*"', apis.group(1)))
    expect("the header's modes", said(r"`//tests:header_modes_test`: (\d+) modes", "the header's modes")[0],
           modes)
# The smoke run is deterministic: its count is the figure, a few seconds away.
q = said(r"`//tests/fuzz:fuzz_smoke_test` \(tag `fuzz`\) runs ([\d,]+) operations in (\d+) fixed sessions",
         "the fuzz smoke run")
smoke = subprocess.run([sources["fuzz_smoke"]], check=True, capture_output=True, text=True, timeout=50).stdout
m = re.search(r"fuzz_smoke: (\d+) operations in (\d+) sessions", smoke)
if not m:
    fail("the fuzz smoke run no longer prints 'fuzz_smoke: N operations in S sessions'")
else:
    expect("the fuzz smoke operations", number(q[0]), int(m.group(1)))
    expect("the fuzz smoke sessions", q[1], m.group(2))
stress = source("stress")
seeds = re.search(r"seed : \{([^}]*)\}", stress)
runs = re.findall(r"Run\(Ops\((\d+)\), (\d+)\)", stress)
q = said(r"\| ([\d.]+)M random operations over a changing tree of pools .*? integrity walk every (\d+) steps, "
         r"and (\d+)k steps checked after each one", "the stress suite's work")
if q and seeds and len(runs) == 2:
    expect("the stress operations (millions)", q[0],
           "%g" % (len(seeds.group(1).split(",")) * int(runs[0][0]) / 1e6))
    expect("the stress walk interval", q[1], runs[0][1])
    expect("the stress steps checked each (thousands)", q[2], int(runs[1][0]) // 1000)
kill = source("shm_kill")
q = said(r"\| (\d+) workers looping through sub-pool .*?, (\d+) SIGKILLs at random moments", "the kill test")
if q:
    expect("the kill test's workers", q[0], re.search(r"kWorkers = (\d+)", kill).group(1))
    expect("the kill test's kills", q[1], re.search(r"kKills = (\d+)", kill).group(1))
expect("the default kills", said(r"The default test run does (\d+) kills", "the default kills")[0],
       re.search(r"kKills = (\d+)", kill).group(1))
procs = source("shm_procs")
q = said(r"\| (\d+) workers × (\d+)k operations in their sub-pools", "the shared-pool process test")
if q:
    expect("the process test's workers", q[0], re.search(r"kWorkers = (\d+)", procs).group(1))
    expect("the process test's operations (thousands)", q[1],
           int(re.search(r"kOpsPerWorker = (\d+)", procs).group(1)) // 1000)
expect("the shared-pool example's workers",
       said(r"a master and (\d+) forked workers building results", "the example's workers")[0],
       re.search(r"WORKERS = (\d+)", source("shm_workers")).group(1))
expect("the threads test's threads", said(r"root pools running the model in (\d+) threads", "the threads")[0],
       re.search(r"kThreads = (\d+)", source("threads")).group(1))
q = said(r"after each of ([\d,]+) requests", "the request arena's requests")
expect("the request arena's requests", q and number(q[0]),
       int(re.search(r"const int total = (\d+);", source("request_arena")).group(1)))

if failures:
    sys.exit("\n".join(failures))
print("README figures agree with the build and the sources; the script-written blocks are intact")
