#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Reference pages for mlnpool, generated from the public header.

    gen_reference.py HEADER --markdown OUT.md
        the browsable reference (docs/API.md)
    gen_reference.py HEADER --man PAGE.3 [PAGE.3 ...]
        section-3 man pages: mln_alloc.3 (the overview) and one page per
        function. The pages given are the ones the build declares; the run
        fails, writing nothing, when the header calls for another set, so a
        function added to the header cannot go without its page.
    gen_reference.py HEADER --list
        the page names the header calls for, one a line

The header's comments are the contract, so the pages are made from them
and nothing else: a page cannot say what the header does not. How a comment
belongs to a declaration, in the header's own layout:
  - a comment whose first words are "NAME:" documents the function NAME
    wherever it is declared (mln_alloc_init is documented early and
    declared at the end, under a conditional);
  - otherwise a comment documents every declaration after it up to the
    next comment (the four locker functions share one, as do
    struct mln_alloc_stats_s and mln_alloc_stats);
  - the first comment describes the whole header (the overview page).
Macros whose name ends in "_" are the header's internals; macros that
rename a function (MLN_ALLOC_CAPACITY_API) belong to that function's page.
"""
import argparse
import os
import re
import sys

IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


class Item:
    """A declaration, macro or comment of the header, in header order."""

    def __init__(self, kind, text, name=None, doc=None):
        self.kind = kind  # comment, function, type, struct, macro, other
        self.text = text
        self.name = name
        self.doc = doc  # the comment documenting it (an Item), if any


def comment_body(raw):
    """A comment's lines without /*, */ and the leading " * ", dedented."""
    lines = raw[2:-2].split("\n")
    body = []
    for line in lines:
        line = re.sub(r"^\s*\* ?", "", line) if re.match(r"^\s*\*", line) else line.strip()
        body.append(line.rstrip())
    while body and not body[0].strip():
        body.pop(0)
    while body and not body[-1].strip():
        body.pop()
    indent = min((len(l) - len(l.lstrip()) for l in body if l.strip()), default=0)
    return [l[indent:] for l in body]


def classify(statement):
    """(kind, name) of one top-level statement ending in ';'."""
    flat = " ".join(re.sub(r"/\*.*?\*/", " ", statement, flags=re.S).split())
    if flat.startswith("typedef"):
        pointer = re.search(r"\(\s*\*\s*(\w+)\s*\)", flat)
        name = pointer.group(1) if pointer else IDENT.findall(flat)[-1]
        return "type", name
    struct = re.match(r"struct\s+(\w+)\s*\{", flat)
    if struct:
        return "struct", "struct " + struct.group(1)
    call = re.search(r"(\w+)\s*\(", flat)
    if call:
        return "function", call.group(1)
    return "other", None


def tokenize(text):
    """The header as comments, preprocessor lines and statements."""
    items, buf, depth, i = [], [], 0, 0
    at_line_start = True
    while i < len(text):
        if text.startswith("/*", i):
            end = text.index("*/", i) + 2
            if "".join(buf).strip():
                buf.append(text[i:end])  # a member's comment stays in its code
            else:
                items.append(Item("comment", text[i:end]))
            i = end
            continue
        c = text[i]
        if c == "#" and at_line_start and not "".join(buf).strip():
            end = i
            while True:
                nl = text.find("\n", end)
                nl = len(text) if nl < 0 else nl
                if text[end:nl].rstrip().endswith("\\"):
                    end = nl + 1
                    continue
                break
            items.append(Item("directive", " ".join(text[i:nl].replace("\\\n", " ").split())))
            buf, i = [], nl
            continue
        at_line_start = c == "\n" or (at_line_start and c in " \t")
        buf.append(c)
        depth += {"{": 1, "}": -1}.get(c, 0)
        if c == "{" and "".join(buf).split() == ["extern", '"C"', "{"]:
            buf, depth = [], 0  # C++ linkage wraps the header, not a block
        elif depth < 0:
            buf, depth = [], 0
        elif c == ";" and depth == 0:
            statement = "".join(buf)
            lines = [l.rstrip() for l in statement.strip("\n").split("\n")]
            indent = min(len(l) - len(l.lstrip()) for l in lines if l.strip())
            kind, name = classify(statement)
            items.append(Item(kind, "\n".join(l[indent:] for l in lines), name))
            buf = []
        i += 1
    return items


class Header:
    def __init__(self, text):
        # The license line (SPDX) is a comment of its own, not documentation.
        items = [it for it in tokenize(text)
                 if not (it.kind == "comment" and "SPDX-License-Identifier:" in it.text.split("\n")[0])]
        comments = [it for it in items if it.kind == "comment"]
        if not comments:
            sys.exit("gen_reference: the header has no comment")
        self.overview = comments[0]
        self.items, pending, guard = [], None, None
        for it in items:
            if it.kind == "comment":
                pending = None if it is self.overview else it
                self.items.append(it)
            elif it.kind == "directive":
                m = re.match(r"#\s*(ifndef|define)\s+(\w+)(\s+(.*))?$", it.text)
                if not m:
                    continue
                if m.group(1) == "ifndef":
                    guard = guard or m.group(2)
                elif m.group(2) != guard and not m.group(2).endswith("_"):
                    self.items.append(Item("macro", it.text, m.group(2), pending))
            else:
                it.doc = pending
                self.items.append(it)
        self.functions = []
        for it in self.items:
            if it.kind == "function" and it.name not in [f.name for f in self.functions]:
                self.functions.append(it)
        names = {f.name for f in self.functions}
        self.named = {}  # function -> the comment that starts with its name
        for it in self.items:
            if it.kind == "comment":
                m = re.match(r"(\w+):", comment_body(it.text)[0])
                if m and m.group(1) in names and m.group(1) not in self.named:
                    self.named[m.group(1)] = it
        # Macros renaming a function are that function's business.
        self.macros = [it for it in self.items if it.kind == "macro" and not (
            re.match(r"#\s*define\s+\w+\s+\w+$", it.text) and it.text.split()[-1] in names)]
        self.types = [it for it in self.items if it.kind in ("type", "struct")]
        self.version = self._version()
        # Page order: where each function is documented.
        self.functions.sort(key=lambda f: self.items.index(self.docs(f)[0]) if self.docs(f)
                            else self.items.index(f))

    def _version(self):
        parts = {}
        for m in self.macros:
            v = re.match(r"#\s*define\s+MLNPOOL_VERSION_(MAJOR|MINOR|PATCH)\s+\(?(\d+)\)?$", m.text)
            if v:
                parts[v.group(1)] = v.group(2)
        if set(parts) == {"MAJOR", "MINOR", "PATCH"}:
            return "%s.%s.%s" % (parts["MAJOR"], parts["MINOR"], parts["PATCH"])
        return ""

    def docs(self, function):
        """The comments documenting a function: its named one first."""
        found = []
        if function.name in self.named:
            found.append(self.named[function.name])
        for it in self.items:
            if it.kind == "function" and it.name == function.name and it.doc and it.doc not in found:
                found.append(it.doc)
        return found

    def synopsis(self, function):
        """Declarations to show with a function: those sharing its main
        comment, the function itself, and the types their code names."""
        docs = self.docs(function)
        shown = [it for it in self.items if it.kind in ("function", "type", "struct")
                 and docs and it.doc is docs[0]]
        shown += [it for it in self.items if it.kind == "function" and it.name == function.name
                  and it not in shown]
        while True:
            words = set(IDENT.findall(" ".join(re.sub(r"/\*.*?\*/", " ", it.text, flags=re.S)
                                              for it in shown)))
            more = [t for t in self.types if t not in shown and self._worth_showing(t)
                    and (t.name in words or t.name.startswith("struct ")
                         and t.name.split()[1] in words and "struct" in words)]
            if not more:
                break
            shown += more
        return sorted(shown, key=self.items.index)

    @staticmethod
    def _worth_showing(t):
        """A type whose definition tells the reader something: a struct's
        members or a callback's signature, not an opaque or plain alias."""
        return t.kind == "struct" or "(" in t.text

    def group(self, function):
        """The other functions documented by the same main comment."""
        docs = self.docs(function)
        return [f for f in self.functions if f is not function and self.docs(f)[:1] == docs[:1] and docs]

    def short(self, function):
        docs = self.docs(function)
        return first_sentence(docs[0], function.name) if docs else function.name

    def pages(self):
        return ["mln_alloc.3"] + [f.name + ".3" for f in self.functions]


def first_sentence(comment, name=None):
    """The opening sentence of a comment, without the "NAME: " prefix; for
    a function the comment names further in ("..., and NAME: ..."), the
    sentence from there."""
    paragraph = []
    for line in comment_body(comment.text):
        if not line.strip():
            break
        paragraph.append(line.strip())
    text = " ".join(paragraph)
    inner = re.search(r"(?<=\s)`?%s`?:\s+" % re.escape(name), text) if name else None
    text = text[inner.end():] if inner else re.sub(r"^[\w.]+:\s+", "", text)
    m = re.search(r"\.(\s|$)", text)
    text = text[:m.start()] if m else text
    # A NAME line is read in one glance (and by apropos): a long sentence
    # stops at its first clause.
    if len(text) > 60:
        cuts = [m.start() for m in re.finditer(r"[:;]\s| \(", text) if m.start() >= 10]
        text = text[:cuts[0]] if cuts else text
    return text.replace("`", "")


def blocks(lines):
    """A comment's lines as ("text", lines), ("bullets", [item lines...])
    and ("verbatim", lines) blocks."""
    out, i = [], 0
    while i < len(lines):
        line = lines[i]
        indent = len(line) - len(line.lstrip())
        if not line.strip():
            out.append(("break", []))
            i += 1
        elif re.match(r"\s*- ", line):
            items = []
            while i < len(lines) and re.match(r"\s*- ", lines[i]) and \
                    len(lines[i]) - len(lines[i].lstrip()) == indent:
                item = [lines[i].strip()[2:]]
                i += 1
                while i < len(lines) and lines[i].strip() and \
                        len(lines[i]) - len(lines[i].lstrip()) > indent and \
                        not re.match(r"\s*- ", lines[i]):
                    item.append(lines[i].strip())
                    i += 1
                items.append(item)
            out.append(("bullets", items))
        elif indent > 0:
            code = []
            while i < len(lines) and lines[i].strip() and \
                    len(lines[i]) - len(lines[i].lstrip()) > 0 and not re.match(r"\s*- ", lines[i]):
                code.append(lines[i])
                i += 1
            base = min(len(l) - len(l.lstrip()) for l in code)
            out.append(("verbatim", [l[base:] for l in code]))
        else:
            text = []
            while i < len(lines) and lines[i].strip() and not lines[i][0].isspace() and \
                    not re.match(r"- ", lines[i]):
                text.append(lines[i])
                i += 1
            out.append(("text", text))
    return [b for b in out if b[0] != "break"]


# ---- man pages ----

def roff_escape(text):
    return text.replace("\\", "\\e")


def roff_line(line):
    """A line of text as roff input: escaped, never read as a request."""
    return "\\&" + line if line.startswith((".", "'")) else line


class Roff:
    def __init__(self, header):
        self.header = header
        names = sorted((f.name for f in header.functions), key=len, reverse=True)
        self.names = re.compile(r"\b(%s)\b" % "|".join(map(re.escape, names))) if names else None

    def inline(self, text):
        """Code spans in italics, the library's functions in bold."""
        out = []
        for i, part in enumerate(re.split(r"`([^`]*)`", text)):
            part = roff_escape(part)
            if i % 2:
                out.append("\\fI%s\\fR" % part)
            else:
                out.append(self.names.sub(r"\\fB\1\\fR", part) if self.names else part)
        return roff_line("".join(out))

    def comment(self, comment):
        out = []
        for kind, content in blocks(comment_body(comment.text)):
            if kind == "text":
                out.append(".PP")
                out += [self.inline(l) for l in content]
            elif kind == "bullets":
                for item in content:
                    out.append(".IP \\(bu 2")
                    out += [self.inline(l) for l in item]
            else:
                out += [".PP", ".RS 4", ".nf"]
                out += [roff_line(roff_escape(l)) for l in content]
                out += [".fi", ".RE"]
        return out

    def code(self, items):
        return [roff_line(roff_escape(l)) for l in code_lines(items)]

    def head(self, title, name, short):
        source = "mlnpool " + self.header.version if self.header.version else "mlnpool"
        return [
            '.\\" Generated from alloc/mln_alloc.h by docs/gen_reference.py:',
            '.\\" edit the header, not this page.',
            '.TH %s 3 "" "%s" "mlnpool Programmer\'s Manual"' % (title.upper(), source),
            ".SH NAME",
            "%s \\- %s" % (name, roff_escape(short)),
        ]

    def see_also(self, names):
        names = list(dict.fromkeys(names))
        return [".SH SEE ALSO"] + [".BR %s (3)%s" % (n, "," if i < len(names) - 1 else "")
                                   for i, n in enumerate(names)]

    def function_page(self, function):
        h = self.header
        out = self.head(function.name, function.name, h.short(function))
        out += [".SH SYNOPSIS", ".nf", ".B #include <mln_alloc.h>", ".PP"]
        out += self.code(h.synopsis(function))
        out += [".fi", ".SH DESCRIPTION"]
        for comment in h.docs(function):
            out += self.comment(comment)
        mentioned = [f.name for f in h.functions if f is not function and any(
            re.search(r"\b%s\b" % f.name, c.text) for c in h.docs(function))]
        out += self.see_also(["mln_alloc"] + [f.name for f in h.group(function)] + mentioned)
        return "\n".join(out) + "\n"

    def overview_page(self):
        h = self.header
        out = self.head("mln_alloc", "mln_alloc", first_sentence(h.overview))
        # The types and macros follow, each with its comment.
        out += [".SH SYNOPSIS", ".nf", ".B #include <mln_alloc.h>", ".fi", ".SH DESCRIPTION"]
        out += self.comment(h.overview)
        out += [".SH TYPES AND MACROS"]
        for doc, items in type_and_macro_groups(h):
            out += [".PP", ".nf"] + self.code(items) + [".fi"]
            owners = [f.name for f in h.functions if doc and doc in h.docs(f)]
            if owners:
                out += [".RS 4", ".PP", "See " + ", ".join("\\fB%s\\fR(3)" % n for n in owners) + ".", ".RE"]
            elif doc:
                out += [".RS 4"] + self.comment(doc) + [".RE"]
        out += [".SH FUNCTIONS"]
        for f in h.functions:
            out += [".TP", ".BR %s (3)" % f.name, roff_line(roff_escape(h.short(f)))]
        out += self.see_also([f.name for f in h.functions])
        return "\n".join(out) + "\n"


def code_lines(items):
    """Declarations a blank line apart; consecutive macros one a line."""
    out = []
    for n, it in enumerate(items):
        if n and not (it.kind == "macro" and items[n - 1].kind == "macro"):
            out.append("")
        out += it.text.split("\n")
    return out


def type_and_macro_groups(header):
    """Types and macros, header order, those sharing a comment together."""
    groups = []
    for it in header.items:
        if it in header.types or it in header.macros:
            if groups and groups[-1][0] is it.doc and it.doc is not None:
                groups[-1][1].append(it)
            else:
                groups.append((it.doc, [it]))
    return groups


# ---- markdown ----

def md_inline(text):
    """Text as markdown: code spans kept, identifiers made code (their
    underscores would read as emphasis), the other markup characters escaped."""
    out = []
    for i, part in enumerate(re.split(r"(`[^`]*`)", text)):
        if i % 2:
            out.append(part)
            continue
        part = part.replace("\\", "\\\\").replace("*", "\\*").replace("<", "&lt;")
        part = re.sub(r"\b\w*_\w*(\.h\b)?", lambda m: "`%s`" % m.group(0), part)
        out.append(part)
    line = "".join(out)
    if re.match(r"(#|>|\+ |\d+[.)] )", line):
        line = "\\" + line
    return line


def md_comment(comment):
    out = []
    for kind, content in blocks(comment_body(comment.text)):
        if kind == "text":
            out += [md_inline(l) for l in content]
        elif kind == "bullets":
            for item in content:
                out.append("- " + md_inline(item[0]))
                out += ["  " + md_inline(l) for l in item[1:]]
        else:
            out += ["```"] + content + ["```"]
        out.append("")
    return out


def markdown(header):
    h = header
    out = [
        "# mlnpool API reference",
        "",
        "<!-- Generated from alloc/mln_alloc.h by docs/gen_reference.py; edit the header, then run",
        "     python3 docs/gen_reference.py alloc/mln_alloc.h --markdown docs/API.md",
        "     (//docs:reference_test fails while this file differs from the generator's output). -->",
        "",
        "Generated from [`alloc/mln_alloc.h`](../alloc/mln_alloc.h), whose comments are the",
        "contract%s. Installed, the same pages are in section 3 of the manual: `man mln_alloc`," % (
            " (version %s)" % h.version if h.version else ""),
        "`man mln_alloc_m`, and so on.",
        "",
        "- [Overview](#overview)",
        "- [Types and macros](#types-and-macros)",
    ]
    out += ["- [`%s`](#%s): %s" % (f.name, f.name, md_inline(h.short(f))) for f in h.functions]
    out += ["", "## Overview", "", "```c", "#include <mln_alloc.h>", "```", ""]
    out += md_comment(h.overview)
    out += ["## Types and macros", ""]
    for doc, items in type_and_macro_groups(h):
        out += ["```c"] + code_lines(items) + ["```", ""]
        owners = [f.name for f in h.functions if doc and doc in h.docs(f)]
        if owners:
            out += ["See " + ", ".join("[`%s`](#%s)" % (n, n) for n in owners) + ".", ""]
        elif doc:
            out += md_comment(doc)
    for f in h.functions:
        out += ["## %s" % f.name, "", "```c"]
        out += code_lines(h.synopsis(f))
        out += ["```", ""]
        for comment in h.docs(f):
            out += md_comment(comment)
        related = list(dict.fromkeys([g.name for g in h.group(f)] + [
            g.name for g in h.functions if g is not f and any(
                re.search(r"\b%s\b" % g.name, c.text) for c in h.docs(f))]))
        if related:
            out += ["See also: " + ", ".join("[`%s`](#%s)" % (n, n) for n in related) + ".", ""]
    while out[-1] == "":
        out.pop()
    return "\n".join(out) + "\n"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("header")
    mode = parser.add_mutually_exclusive_group(required=True)
    mode.add_argument("--markdown", metavar="OUT")
    mode.add_argument("--man", nargs="+", metavar="PAGE")
    mode.add_argument("--list", action="store_true")
    args = parser.parse_args()
    with open(args.header) as f:
        header = Header(f.read())
    if args.list:
        print("\n".join(header.pages()))
    elif args.markdown:
        with open(args.markdown, "w") as f:
            f.write(markdown(header))
    else:
        wanted = {os.path.basename(p): p for p in args.man}
        have = header.pages()
        missing = [p for p in have if p not in wanted]
        extra = [p for p in wanted if p not in have]
        if missing or extra:
            sys.exit("gen_reference: the header's pages and the declared ones differ:\n"
                     + "".join("  add to MAN3_PAGES in docs/BUILD: %s\n" % p for p in missing)
                     + "".join("  remove from MAN3_PAGES in docs/BUILD: %s\n" % p for p in extra))
        roff = Roff(header)
        by_name = {f.name: f for f in header.functions}
        for page, path in wanted.items():
            name = page[:-len(".3")]
            text = roff.overview_page() if name == "mln_alloc" else roff.function_page(by_name[name])
            with open(path, "w") as f:
                f.write(text)


if __name__ == "__main__":
    main()
