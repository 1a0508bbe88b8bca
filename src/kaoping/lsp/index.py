"""The names a scheme declares and the words its files use: what go to definition, find
references, completion, hover and the outline read.

Declarations come from the IR of each file that lowers (a file with a syntax error keeps the
declarations of its last version that parsed, so completion still knows its names while it is
being typed). A name's position is found in the declaration's own text: the first whole word
equal to the name after the keyword that opens it. References are by name: every word of the
scheme's files, outside strings and comments, that spells a declared name."""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

import attrs

from kaoping.compiler import ir
from kaoping.grammar.expected import spell
from kaoping.span import Span

_WORD = re.compile(r"[^\W\d]\w*")


@attrs.frozen(eq=False)
class Decl:
    """One declared name: its kind (`input`, `item`, `enum value` …), where the name is
    written, the whole declaration, its IR node, and the declarations inside it (the outline)."""

    name: str
    kind: str
    span: Span
    whole: Span
    node: Any
    children: tuple[Decl, ...] = ()
    container: str | None = None  # the enum of a value, the record of a field, the section path
    detail: str = ""


@attrs.frozen
class Word:
    """A word of a rules file, outside strings and comments (a name or a keyword)."""

    text: str
    path: str
    line: int
    col: int  # from 1, in characters

    @property
    def span(self) -> Span:
        return Span(self.path, self.line, self.col, self.line, self.col + len(self.text))


def code_only(line: str) -> str:
    """The line with its strings and comment blanked (same length), so that words inside an
    article or a description are not taken for names."""
    out: list[str] = []
    closing = ""
    for c in line:
        if closing:
            out.append(" ")
            if c == closing:
                closing = ""
        elif c == '"':
            closing = '"'
            out.append(" ")
        elif c == "“":
            closing = "”"
            out.append(" ")
        elif c == "#":
            out.append(" " * (len(line) - len(out)))
            break
        else:
            out.append(c)
    return "".join(out)


def words_of(path: str, text: str) -> list[Word]:
    found: list[Word] = []
    for n, line in enumerate(text.split("\n"), start=1):
        for m in _WORD.finditer(code_only(line)):
            found.append(Word(m.group(), path, n, m.start() + 1))
    return found


def word_at(words: Sequence[Word], line: int, col: int) -> Word | None:
    """The word under (or just before) the cursor: an editor's cursor at the end of a word
    still means that word."""
    for w in words:
        if w.line == line and w.col <= col <= w.col + len(w.text):
            return w
    return None


class _Finder:
    """Finds each name in its declaration's text, word by word, moving forward."""

    def __init__(self, path: str, words: Sequence[Word]):
        self.path = path
        self.words = words
        self.starts = [(w.line, w.col) for w in words]

    def name_span(self, name: str, within: Span, after: Span | None = None) -> Span:
        start = (within.line, within.col) if after is None else (after.line, after.end_col)
        for i in range(bisect.bisect_left(self.starts, start), len(self.words)):
            w = self.words[i]
            if (w.line, w.col) > (within.end_line, within.end_col):
                break
            if w.text == name:
                return w.span
        return Span(self.path, within.line, within.col, within.line, within.col)


@attrs.define
class FileIndex:
    path: str
    words: list[Word]
    decls: list[Decl]  # top level, in file order
    stale: bool = False  # the file does not parse now: these are its last good declarations


def index_file(path: str, text: str, decls: Sequence[Any]) -> FileIndex:
    words = words_of(path, text)
    finder = _Finder(path, words)
    out = [d for node in decls for d in _declared(node, finder)]
    return FileIndex(path, words, out)


def _declared(node: Any, f: _Finder) -> Iterator[Decl]:
    """The declarations a top-level IR node makes, with their children for the outline."""
    if isinstance(node, ir.GroupDecl):
        yield _decl(node.name, "group", node, f, detail=node.title or "")
    elif isinstance(node, ir.EnumDecl):
        head = f.name_span(node.name, node.span)
        values: list[Decl] = []
        at = head
        for value in node.values:
            at = f.name_span(value, node.span, after=at)
            values.append(Decl(value, "enum value", at, at, node, container=node.name))
        yield Decl(
            node.name, "enum", head, node.span, node, tuple(values), detail=", ".join(node.values)
        )
    elif isinstance(node, ir.UnitsDecl):
        yield _decl(node.name, "units", node, f, detail=", ".join(node.units))
    elif isinstance(node, ir.RecordDecl):
        fields = tuple(
            _decl(x.name, "field", x, f, container=node.name, detail=str(x.type))
            for x in node.fields
        )
        yield _decl(node.name, "record", node, f, fields)
    elif isinstance(node, ir.InputDecl):
        yield _decl(node.name, "input", node, f, detail=str(node.type))
    elif isinstance(node, ir.ConstantDecl):
        detail = str(node.type) if node.type is not None else f"= {node.value}"
        yield _decl(node.name, "constant", node, f, detail=detail)
    elif isinstance(node, ir.TableDecl):
        yield _decl(node.name, "table", node, f, detail=f"by {node.enum}")
    elif isinstance(node, ir.Scoring):
        body = tuple(d for s in node.body for d in _statement(s, f, None))
        label = ", ".join(node.groups)
        start = Span(node.span.path, node.span.line, node.span.col, node.span.line, node.span.col)
        yield Decl(label, "scoring", start, node.span, node, body)
    elif isinstance(node, ir.Grading):
        yield _decl(node.name, "grading", node, f, detail=f"by {node.enum}")
    elif isinstance(node, ir.Consequences):
        body = tuple(d for s in node.body for d in _statement(s, f, None))
        start = Span(node.span.path, node.span.line, node.span.col, node.span.line, node.span.col)
        yield Decl(", ".join(node.groups), "consequences", start, node.span, node, body)


def _statement(node: Any, f: _Finder, parent: str | None) -> Iterator[Decl]:
    if isinstance(node, ir.Section | ir.Item):
        path = node.name if parent is None else f"{parent}.{node.name}"
        kids: list[Decl] = []
        if isinstance(node, ir.Section):
            for child in node.children:
                kids.extend(_statement(child, f, path))
            for sheet in node.sheets:
                sheet_kids = [d for c in sheet.children for d in _statement(c, f, path)]
                kids.append(
                    Decl(
                        sheet.name,
                        "sheet",
                        _span_start(sheet.span),
                        sheet.span,
                        sheet,
                        tuple(sheet_kids),
                    )
                )
        detail = f"max {node.max}" if node.max is not None else ""
        kind = "section" if isinstance(node, ir.Section) else "item"
        yield _decl(node.name, kind, node, f, tuple(kids), container=parent, detail=detail)
    elif isinstance(node, ir.Let | ir.Output | ir.Flag):
        kind = {ir.Let: "let", ir.Output: "output", ir.Flag: "flag"}[type(node)]
        yield _decl(node.name, kind, node, f, container=parent)
    elif isinstance(node, ir.Across):
        body = tuple(d for s in node.body for d in _statement(s, f, parent))
        label = ", ".join(node.groups)  # empty: `across group:`
        yield Decl(label, "across", _span_start(node.span), node.span, node, body)


def _span_start(span: Span) -> Span:
    return Span(span.path, span.line, span.col, span.line, span.col)


def _decl(
    name: str,
    kind: str,
    node: Any,
    f: _Finder,
    children: tuple[Decl, ...] = (),
    container: str | None = None,
    detail: str = "",
) -> Decl:
    return Decl(
        name, kind, f.name_span(name, node.span), node.span, node, children, container, detail
    )


_SPELT_DETAIL = frozenset({"input", "field", "constant", "table", "grading", "section", "item"})


def detail_in(d: Decl, kw_set: str) -> str:
    """A declaration's detail (`max 4`, `list of 事项`, `by 等次`) in a keyword set: the keywords
    of a Chinese file's outline read `满分 4`, `列表 事项`, `按 等次`."""
    if kw_set != "zh" or d.kind not in _SPELT_DETAIL:
        return d.detail
    return " ".join(spell(w, "zh") for w in d.detail.replace("list of ", "list ").split(" "))


# the kinds a reference can name (a scoring block, an `across` or a sheet is no name)
NAMED = frozenset(
    {"group", "enum", "enum value", "units", "record", "field", "input", "constant", "table"}
    | {"section", "item", "let", "output", "flag", "grading"}
)


def flatten(decls: Sequence[Decl]) -> Iterator[Decl]:
    for d in decls:
        if d.kind in NAMED:
            yield d
        yield from flatten(d.children)


class SchemeIndex:
    """The index of every file of a scheme; names are looked up in all of them."""

    def __init__(self, files: Mapping[str, FileIndex]):
        self.files = dict(files)
        self._by_name: dict[str, list[Decl]] | None = None

    def declarations(self) -> dict[str, list[Decl]]:
        """Every declared name and its declarations, in file order."""
        if self._by_name is None:
            self._by_name = {}
            for fi in self.files.values():
                for d in flatten(fi.decls):
                    self._by_name.setdefault(d.name, []).append(d)
        return self._by_name

    def references(self, name: str) -> list[Word]:
        return [w for fi in self.files.values() for w in fi.words if w.text == name]
