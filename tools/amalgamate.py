#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The firmware distribution: the library as two files, for builds without Bazel.

  python3 tools/amalgamate.py           rewrite dist/firmware/mln_alloc.h and
                                        dist/firmware/mlnpool.c
  python3 tools/amalgamate.py --check   exit 1, saying which, if the files
                                        there differ from what it would write

dist/firmware/mln_alloc.h is alloc/mln_alloc.h with a banner. mlnpool.c is one
C11 translation unit: the core's headers and sources in layer order (the
order and the files are alloc/layers.bzl's: base, engine, pool, kinds, api;
in each layer its headers, then its sources), then the freestanding platform
(platform/freestanding/static_region.c, panic.c, mem.c). Each
`#include "alloc/..."` is replaced by that file the first time it is met and
dropped after; "alloc/mln_alloc.h" becomes `#include "mln_alloc.h"`; system
headers (<stddef.h> and the like, all freestanding) stay includes. The
macros a .c file defines are #undef'd after it (its configuration defaults,
`#ifndef X` / `#define X`, excepted), as they would end with its
translation unit.

What separate translation units allow and one does not is refused, with the
names: a static function or variable, a type, a tag or an enumeration
constant of one file that another file also defines (or declares), a macro
of a .c file that a header defines too, an identifier of a .c file that is
a macro of a header the file does not include (it would be expanded), and
an internal include under an #if (its file is inlined once, for all).

mem.c is built with -fno-builtin -fno-tree-loop-distribute-patterns in the
Bazel build, so that GCC does not turn its byte loops back into calls to
memcpy and memset, that is into calls to themselves. One file cannot carry
per-file options, so its part of mlnpool.c is wrapped in
`#pragma GCC optimize("no-tree-loop-distribute-patterns")` (GCC only, pushed
and popped: the rest of the file is compiled as the user asks). Clang does
not recognise those loops under -ffreestanding, which implies -fno-builtin
there; //dist/firmware:distribution_compile_test checks the compiled
functions for such calls (GCC and Clang, -Os to -O3, hosted or not).

Every function of the library but the public calls (those mln_alloc.h
declares) gets internal linkage in mlnpool.c: each line that begins a
declaration or definition of such a function at file scope gets the prefix
MLN_INTERNAL (`static`, and `unused` for GCC and Clang: a function only the
tests call is no warning). In one translation unit the compiler may then
inline a function into its callers and drop its own copy, which it may not
for a function another unit could call: about 8% of an image's library
share (tools/firmware_figures.sh). A declaration missed would make the
static definition after it an error, so nothing is missed quietly.

A header's static inline functions that a file does not call are no warning
in a header, but Clang warns about those of the main file: each header's part
is wrapped in a Clang pragma that gives it a header's treatment.

The output depends on the sources alone (no date, no path, no order of the
file system): the same sources give the same bytes.
"""
import argparse
import os
import re
import sys

GENERATOR = "tools/amalgamate.py"
PUBLIC_HEADER = "alloc/mln_alloc.h"
PLATFORM = ["platform/freestanding/static_region.c", "platform/freestanding/panic.c",
            "platform/freestanding/mem.c"]
# Compiled with per-file options in the Bazel build (see the docstring).
NO_LOOP_TO_CALL = {"platform/freestanding/mem.c"}
SYSTEM_HEADERS = {"stddef.h", "stdint.h", "stdbool.h", "limits.h", "stdalign.h", "stdarg.h", "float.h",
                  "iso646.h", "stdnoreturn.h"}
# Around each header's part: its unused static inline functions are no
# warning, as in a header of its own (Clang warns in the main file; GCC not).
HEADER_BEGIN = ["#ifdef __clang__", "#pragma clang diagnostic push",
                '#pragma clang diagnostic ignored "-Wunused-function"', "#endif"]
HEADER_END = ["#ifdef __clang__", "#pragma clang diagnostic pop", "#endif"]
OUT_DIR = "dist/firmware"
SPDX = "/* SPDX-License-Identifier: MIT */"


class Refused(Exception):
    pass


# A line that begins a file-scope declaration or definition of a function
# named mln_*: qualifiers and attributes, the return type, then the name.
FUNCTION_LINE = re.compile(r"^((?:__attribute__\(\([^()]*(?:\([^()]*\))?[^()]*\)\)\s*|_Noreturn\s+|const\s+|"
                           r"unsigned\s+|struct\s+|inline\s+)*[A-Za-z_][A-Za-z0-9_]*[\s*]+)(mln_[a-z0-9_]+)\(")
INTERNAL = [
    "/* Internal linkage for every function but the public calls (see",
    " * tools/amalgamate.py): the whole library is this one unit. */",
    "#if defined(__GNUC__) || defined(__clang__)",
    "#define MLN_INTERNAL static __attribute__((unused))",
    "#else",
    "#define MLN_INTERNAL static",
    "#endif",
]


def internal_linkage(line, public):
    """The line with MLN_INTERNAL before a non-public function's declaration."""
    m = FUNCTION_LINE.match(line)
    if not m or m.group(2) in public or re.match(r"(static|typedef|extern)\b", line):
        return line
    return "MLN_INTERNAL " + line


def read(root, path):
    try:
        with open(os.path.join(root, path), encoding="utf-8", newline="") as f:
            return f.read()
    except FileNotFoundError:
        raise Refused(f"{path}: no such file (listed in alloc/layers.bzl, or a platform file)")


def layers(root):
    """(headers, sources) of the core, in layer order, from alloc/layers.bzl."""
    ns = {}
    exec(compile(read(root, "alloc/layers.bzl"), "alloc/layers.bzl", "exec"), ns)
    headers, sources = [], []
    for layer in ns["LAYER_ORDER"]:
        layer_sources, layer_headers = ns["LAYERS"][layer]
        headers.append(["alloc/" + h for h in layer_headers])
        sources.append(["alloc/" + s for s in layer_sources])
    return headers, sources


# ---- a little C: enough of a lexer to find what each file defines at file scope

KEYWORDS = set("""auto break case char const continue default do double else enum extern float for goto if
inline int long register restrict return short signed sizeof static struct switch typedef union unsigned void
volatile while _Alignas _Alignof _Atomic _Bool _Complex _Generic _Imaginary _Noreturn _Static_assert
_Thread_local __attribute__ __asm__ asm __extension__ __inline __inline__ __restrict __restrict__ __volatile__
__typeof__ typeof""".split())
GROUPS = {"__attribute__", "_Alignas", "__asm__", "asm", "_Static_assert", "__typeof__", "typeof", "_Alignof"}
TOKEN = re.compile(r"[A-Za-z_]\w*|\d[\w.]*|->|\+\+|--|<<=?|>>=?|[<>!=]=|&&|\|\||\.\.\.|\S")


def strip_comments(text):
    """The text with comments, strings and character constants blanked (newlines kept)."""
    out, i, n = [], 0, len(text)
    while i < n:
        c = text[i]
        if text.startswith("/*", i):
            end = text.find("*/", i + 2)
            end = n if end < 0 else end + 2
            out.append(re.sub(r"[^\n]", " ", text[i:end]))
            i = end
        elif text.startswith("//", i):
            end = text.find("\n", i)
            end = n if end < 0 else end
            out.append(" " * (end - i))
            i = end
        elif c in "\"'":
            j = i + 1
            while j < n and text[j] != c:
                j += 2 if text[j] == "\\" else 1
            out.append(c + " " * (j - i - 1) + c)
            i = j + 1
        else:
            out.append(c)
            i += 1
    return "".join(out)


def split_lines(code):
    """(directives, code): preprocessor lines (continuations joined), and the rest."""
    directives, rest = [], []
    lines = code.split("\n")
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.lstrip().startswith("#"):
            while line.endswith("\\") and i + 1 < len(lines):
                i += 1
                line = line[:-1] + " " + lines[i]
            directives.append(line.strip())
        else:
            rest.append(line)
        i += 1
    return directives, "\n".join(rest)


def drop_groups(tokens):
    """The tokens without __attribute__((...)), _Alignas(...), asm(...) and the like."""
    out, i = [], 0
    while i < len(tokens):
        if tokens[i] in GROUPS and i + 1 < len(tokens) and tokens[i + 1] == "(":
            depth, i = 0, i + 1
            while i < len(tokens):
                depth += {"(": 1, ")": -1}.get(tokens[i], 0)
                i += 1
                if depth == 0:
                    break
        else:
            out.append(tokens[i])
            i += 1
    return out


def is_ident(token):
    return re.match(r"[A-Za-z_]\w*$", token) is not None and token not in KEYWORDS


def declarator_name(segment):
    """The name a declarator declares: `*p[4]`, `f(int)`, `(*hook)(void)`, `x = 1`."""
    depth, head = 0, []
    for t in segment:
        if t in "([{":
            depth += 1
        elif t in ")]}":
            depth -= 1
        elif t == "=" and depth == 0:
            break
        head.append(t)
    if "(" in head:
        i = head.index("(")
        if i + 1 < len(head) and head[i + 1] == "*":
            return next((t for t in head[i + 1:] if is_ident(t)), None)
        before = head[:i]
    else:
        before = head[:head.index("[")] if "[" in head else head
    names = [k for k, t in enumerate(before) if is_ident(t)]
    if not names:
        return None
    k = names[-1]
    if k > 0 and before[k - 1] in ("struct", "union", "enum"):
        return None  # a tag, not a declarator
    return before[k]


def file_scope(code):
    """{name: kind} of what the code defines or declares at file scope.

    kinds: "static" (a static function or variable), "type" (a typedef),
    "tag" (struct, union or enum tag with a body), "enum" (an enumeration
    constant), "definition" (an external function or variable defined),
    "declaration" (an external one declared).
    """
    tokens = TOKEN.findall(code)
    found = {}

    def note(name, kind):
        if name is None:
            return
        rank = ["declaration", "definition", "static", "enum", "tag", "type"]
        if name not in found or rank.index(kind) > rank.index(found[name]):
            found[name] = kind

    def emit(chunk):
        chunk = drop_groups(chunk)
        if not chunk or chunk == [";"]:
            return
        # tags with a body, and enumeration constants
        for i, t in enumerate(chunk):
            if t in ("struct", "union", "enum") and i + 2 < len(chunk):
                if is_ident(chunk[i + 1]) and chunk[i + 2] == "{":
                    note(chunk[i + 1], "tag")
                if t == "enum" and "{" in chunk[i + 1:i + 3]:
                    j = chunk.index("{", i)
                    depth, expect = 0, True
                    for u in chunk[j:]:
                        if u in "({[":
                            depth += 1
                        elif u in ")}]":
                            depth -= 1
                            if depth == 0:
                                break
                        elif depth == 1 and u == ",":
                            expect = True
                        elif depth == 1 and expect and is_ident(u):
                            note(u, "enum")
                            expect = False
        # braces folded: a struct body, an initialiser or a function body is "{}"
        head, depth, body = [], 0, False
        for t in chunk:
            if t == "{":
                if depth == 0:
                    body = bool(head) and head[-1] == ")" and "=" not in head
                    head.append("{}")
                depth += 1
            elif t == "}":
                depth -= 1
            elif depth == 0:
                head.append(t)
        if head and head[-1] == ";":
            head = head[:-1]
        # declarators, split at the top level's commas (a function body ends the head)
        if body:
            head = head[:head.index("{}")]
        segments, depth, current = [], 0, []
        for t in head:
            if t in "([":
                depth += 1
            elif t in ")]":
                depth -= 1
            if t == "," and depth == 0:
                segments.append(current)
                current = []
            else:
                current.append(t)
        segments.append(current)
        static = "static" in head
        typedef = "typedef" in head
        for n, segment in enumerate(segments):
            # the first declarator carries the specifiers; a struct body folded to "{}" ends them
            if "{}" in segment:
                segment = segment[segment.index("{}") + 1:] if not body else segment
            name = declarator_name(segment)
            if typedef:
                note(name, "type")
            elif static:
                note(name, "static")
            elif body or "=" in segment or ("extern" not in head and "(" not in segment):
                note(name, "definition")
            else:
                note(name, "declaration")

    chunk, depth = [], 0
    for t in tokens:
        chunk.append(t)
        if t == "{":
            depth += 1
        elif t == "}":
            depth -= 1
            if depth == 0:
                folded = drop_groups(chunk)
                first = folded.index("{") if "{" in folded else -1
                if first > 0 and folded[first - 1] == ")" and "=" not in folded[:first]:
                    emit(chunk)
                    chunk = []
        elif t == ";" and depth == 0:
            if chunk[0] == "_Static_assert":
                chunk = []
                continue
            emit(chunk)
            chunk = []
    return found


DEFINE = re.compile(r"#\s*define\s+([A-Za-z_]\w*)(\(?)(.*)$")


def macros(directives):
    """{name: (body, configurable)}: the macros the directives define; configurable
    when the #define follows `#ifndef name` or `#if !defined(name)` (a default the
    user may set)."""
    found, previous = {}, ""
    for d in directives:
        m = DEFINE.match(d)
        if m:
            name = m.group(1)
            guard = re.match(r"#\s*(?:ifndef\s+(\w+)|if\s+!\s*defined\s*\(?\s*(\w+))", previous)
            configurable = bool(guard) and name in guard.groups()
            body = " ".join((m.group(2) + m.group(3)).split())
            found[name] = (body, found.get(name, (None, False))[1] or configurable)
        previous = d
    return found


class Source:
    def __init__(self, path, text):
        self.path = path
        self.text = text
        self.includes = re.findall(r'^\s*#\s*include\s+"([^"]+)"', text, re.M)
        directives, code = split_lines(strip_comments(text))
        self.macros = macros(directives)
        self.names = file_scope(code)
        self.identifiers = set(TOKEN.findall(code)) | {
            t for d in directives if not DEFINE.match(d) for t in TOKEN.findall(d)}


def closure(path, sources):
    """The files `path` includes, directly or not (itself with them)."""
    seen, todo = set(), [path]
    while todo:
        p = todo.pop()
        if p in seen or p not in sources:
            continue
        seen.add(p)
        todo.extend(sources[p].includes)
    return seen


def clashes(order, sources):
    """What one translation unit would refuse (or silently change), in words."""
    problems = []
    local = ("static", "type", "tag", "enum")
    c_files = [p for p in order if p.endswith(".c")]
    headers = [p for p in order if p.endswith(".h")]
    # 1. a file's own names defined or declared by another file
    for i, a in enumerate(order):
        for b in order[i + 1:]:
            if b in closure(a, sources) or a in closure(b, sources):
                continue  # one includes the other: a clash there is a clash in every build
            for name in sorted(set(sources[a].names) & set(sources[b].names)):
                ka, kb = sources[a].names[name], sources[b].names[name]
                if ka in local or kb in local:
                    problems.append(f"{name}: {ka} in {a}, {kb} in {b}")
    # 2. a .c file's macros that a header defines too (the #undef after the .c
    #    would take the header's away from the files after it)
    for a in c_files:
        for h in headers:
            for name in sorted(set(sources[a].macros) & set(sources[h].macros)):
                if not sources[a].macros[name][1]:
                    problems.append(f"{name}: a macro of {a} and of {h}")
    # 3. identifiers of a .c file that are macros of a header emitted before it
    #    that it does not include
    for a in c_files:
        seen = closure(a, sources)
        for h in headers:
            if h in seen or order.index(h) > order.index(a):
                continue
            for name in sorted(set(sources[h].macros) & sources[a].identifiers):
                if name in sources[a].macros:
                    continue
                problems.append(f"{name}: a macro of {h}, which {a} does not include, "
                                f"and a name in {a}")
    return problems


# ---- the two files

def banner_lines(from_files, width=78):
    words = f"generated by {GENERATOR} from {', '.join(from_files)}; do not edit".split(" ")
    lines, line = [], " *"
    for w in words:
        if len(line) + 1 + len(w) > width:
            lines.append(line)
            line = " *"
        line += " " + w
    lines.append(line)
    return lines


def generate(root):
    headers, layer_sources = layers(root)
    core = [p for hs, ss in zip(headers, layer_sources) for p in hs + ss]
    order = core + PLATFORM
    sources = {p: Source(p, read(root, p)) for p in [PUBLIC_HEADER] + order}
    listed = set(order) | {PUBLIC_HEADER}
    for p in order:
        for inc in sources[p].includes:
            if not inc.startswith("alloc/") or inc not in listed:
                raise Refused(f'{p} includes "{inc}", which is not a file of alloc/layers.bzl: '
                              "an amalgamation has only the core's files")
    problems = clashes([PUBLIC_HEADER] + order, sources)
    if problems:
        raise Refused("these names would clash in one translation unit (rename them in the core):\n  "
                      + "\n  ".join(problems))

    public = sources[PUBLIC_HEADER].text
    header = f"/* generated by {GENERATOR} from {PUBLIC_HEADER}; do not edit */\n" + public
    public_names = set(re.findall(r"\b(mln_[a-z0-9_]+)\s*\(", strip_comments(public)))

    out = [SPDX, "/*"]
    out += banner_lines(["alloc/layers.bzl"] + order)
    out += [
        " *",
        " * mlnpool, the whole library for firmware in one C11 file: the core in",
        " * its firmware profile (alloc/profile.h: the default, no define needed)",
        " * and the freestanding platform (a static default region, a trapping",
        " * panic, memcpy, memmove, memset and memcmp). With mln_alloc.h beside it:",
        " *",
        " *   arm-none-eabi-gcc -mcpu=cortex-m3 -mthumb -std=c11 -ffreestanding -Os \\",
        " *       -c mlnpool.c",
        " *",
        " * mln_alloc_init(NULL) draws from a static region of",
        " * MLN_ALLOC_DEFAULT_REGION_SIZE bytes (a define; see static_region.c",
        " * below); mln_alloc_region_init pools use memory the caller hands them.",
        " * mem.c's part is compiled without GCC's loop-to-call rewriting (the",
        " * pragmas around it), so that memcpy and memset do not call themselves.",
        " * Regenerate with: python3 tools/amalgamate.py",
        " */",
    ]
    out += [""] + INTERNAL
    emitted = set()
    public_included = False

    def emit(path):
        nonlocal public_included
        emitted.add(path)
        lines = sources[path].text.split("\n")
        if lines and lines[0].strip() == SPDX:
            lines = lines[1:]
        if lines and lines[-1] == "":
            lines = lines[:-1]
        out.append("")
        out.append(f"/* ==== {path} ==== */")
        if path.endswith(".h"):
            out.extend(HEADER_BEGIN)
        wrap = path in NO_LOOP_TO_CALL
        if wrap:
            out.extend(["#if defined(__GNUC__) && !defined(__clang__)", "#pragma GCC push_options",
                    '#pragma GCC optimize("no-tree-loop-distribute-patterns")', "#endif"])
        # #if depth: an include under a condition (past a header's guard)
        # would put the file it inlines under that condition for every file after
        depth = 0
        for line in lines:
            d = re.match(r"\s*#\s*(if|ifdef|ifndef|endif)\b", line)
            if d:
                depth += -1 if d.group(1) == "endif" else 1
            m = re.match(r'\s*#\s*include\s+"([^"]+)"', line)
            if m:
                if depth > (1 if path.endswith(".h") else 0):
                    raise Refused(f'{path} includes "{m.group(1)}" under an #if: '
                                  "an amalgamation inlines each header once, unconditionally")
                inc = m.group(1)
                if inc == PUBLIC_HEADER:
                    if not public_included:
                        out.append('#include "mln_alloc.h"')
                        public_included = True
                elif inc not in emitted:
                    emit(inc)
                    out.append(f"/* ==== {path}, continued ==== */")
                continue
            s = re.match(r"\s*#\s*include\s+<([^>]+)>", line)
            if s and s.group(1) not in SYSTEM_HEADERS:
                raise Refused(f"{path} includes <{s.group(1)}>, not a freestanding header")
            out.append(internal_linkage(line, public_names))
        if wrap:
            out.extend(["#if defined(__GNUC__) && !defined(__clang__)", "#pragma GCC pop_options", "#endif"])
        if path.endswith(".h"):
            out.extend(HEADER_END)
        if path.endswith(".c"):
            ends = sorted(n for n, (_, configurable) in sources[path].macros.items() if not configurable)
            if ends:
                out.append(f"/* the end of {path}: its macros with it */")
                out.extend(f"#undef {n}" for n in ends)

    for path in order:
        if path not in emitted:
            emit(path)
    # continuations right before the next file's marker say nothing
    text = "\n".join(out) + "\n"
    text = re.sub(r"/\* ==== [^\n]*, continued ==== \*/\n(\n/\* ==== )", r"\1", text)
    return {"mln_alloc.h": header, "mlnpool.c": text}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--check", action="store_true",
                        help="exit 1 if the files in dist/firmware differ from what would be written")
    parser.add_argument("--root", default=os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                        help="the source tree (default: this script's checkout)")
    args = parser.parse_args()
    try:
        files = generate(args.root)
    except Refused as e:
        print(f"amalgamate: {e}", file=sys.stderr)
        return 2
    out_dir = os.path.join(args.root, OUT_DIR)
    if args.check:
        stale = []
        for name, text in sorted(files.items()):
            try:
                with open(os.path.join(out_dir, name), encoding="utf-8", newline="") as f:
                    same = f.read() == text
            except FileNotFoundError:
                same = False
            if not same:
                stale.append(f"{OUT_DIR}/{name}")
        if stale:
            print(f"amalgamate: {', '.join(stale)} {'differs' if len(stale) == 1 else 'differ'} from "
                  "what the sources give now (stale); "
                  f"run python3 {GENERATOR} and commit the result", file=sys.stderr)
            return 1
        print(f"amalgamate: {', '.join(f'{OUT_DIR}/{n}' for n in sorted(files))} are up to date")
        return 0
    os.makedirs(out_dir, exist_ok=True)
    for name, text in sorted(files.items()):
        with open(os.path.join(out_dir, name), "w", encoding="utf-8", newline="") as f:
            f.write(text)
        print(f"amalgamate: wrote {OUT_DIR}/{name} ({len(text.encode())} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
