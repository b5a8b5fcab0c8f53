#!/bin/bash
# SPDX-License-Identifier: MIT
# Line coverage of the library (alloc/ and platform/) by the host test suites,
# offline (the stand-in coverage tools in third_party/remote_coverage_tools):
#   ./tools/coverage.sh            -> per-file figures and the total
#   ./tools/coverage.sh --readme   -> also writes the total into README.md
# The lcov report stays at bazel-out/_coverage/_coverage_report.dat.
set -euo pipefail
cd "$(dirname "$0")/.."
# Bazel's output goes to stderr, its progress a line every 30 s and its test
# summary naming only the tests that fail: stdout is for the figures.
echo "coverage: running the host suites instrumented (about 5 minutes unless cached)..." >&2
./tools/bazel coverage --show_progress_rate_limit=30 --test_summary=terse \
  --instrumentation_filter='^//(alloc|platform)[/:]' --combined_report=lcov \
  --test_tag_filters=-qemu,-bare -- //tests/... //examples/... \
  -//tests/readme/... -//tests:spdx_test >&2 # those two read text, not the library
echo "coverage: reading the lcov report" >&2
python3 - "${1:-}" <<'PY'
import collections, re, sys
hits = collections.defaultdict(dict)
current = None
for line in open("bazel-out/_coverage/_coverage_report.dat"):
    line = line.strip()
    if line.startswith("SF:"):
        # The public header is compiled from its include-path copy.
        current = re.sub(r"^.*/_virtual_includes/mln_alloc_header/", "alloc/", line[3:])
    elif line.startswith("DA:") and current and re.search(r"(^|/)(alloc|platform)/", current):
        number, count = (int(x) for x in line[3:].split(",")[:2])
        hits[current][number] = max(hits[current].get(number, 0), count)
covered = total = 0
for path in sorted(hits):
    h = sum(1 for c in hits[path].values() if c > 0)
    t = len(hits[path])
    covered, total = covered + h, total + t
    print(f"  {path:42s} {h:5d} / {t:5d}  {100.0 * h / t:5.1f} %")
print(f"  {'alloc/ and platform/, lines':42s} {covered:5d} / {total:5d}  {100.0 * covered / total:5.1f} %")
if sys.argv[1:] == ["--readme"]:
    # Between marks only this script writes (tests/readme checks they hold
    # one well-formed figure).
    readme = open("README.md").read()
    begin = "<!-- coverage:begin (written by ./tools/coverage.sh --readme) -->"
    end = "<!-- coverage:end -->"
    if readme.count(begin) != 1 or readme.count(end) != 1:
        sys.exit("README.md: no single pair of coverage marks to write between")
    head, rest = readme.split(begin)
    _, tail = rest.split(end)
    figure = f"{covered} of {total} lines, **{100.0 * covered / total:.1f} %**"
    open("README.md", "w").write(head + begin + figure + end + tail)
    print("README.md: coverage figure rewritten")
PY
