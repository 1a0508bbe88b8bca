"""Which rules differ between two versions of a scheme, compared on their IR (so a change of
keyword set, spacing or comments is no change at all), each difference located in both files.

Each scheme is flattened into entries keyed by what they are: declarations by name, items and
sections by their path in a scoring block, lets, totals, outputs and flags by name (cohort lines
inside `across` too), gradings by name, consequences by their groups. An entry has a head (the
attributes of its first line: a maximum, an article, a formula, a weight table's enum) and lines
(an item's clauses, a grading's lines, a table's rows, a block's requirements), the lines compared
as sequences so that a clause inserted is one added line, not every later line changed."""

from __future__ import annotations

import difflib
from collections.abc import Iterator, Mapping, Sequence
from typing import Any, Literal

import attrs

from kaoping.compiler import ir
from kaoping.span import Span

ChangeKind = Literal["added", "removed", "changed"]
Head = tuple[tuple[str, Any], ...]  # an entry's (aspect, value) pairs of its first line


@attrs.frozen
class RuleText:
    """A rule as written, and where: `path:line`."""

    text: str
    at: str


@attrs.frozen
class RuleChange:
    kind: ChangeKind
    what: str  # the entry (`item 组织领导.信息报送 (县直单位)`) and, when changed, what of it
    article: str | None
    old: RuleText | None
    new: RuleText | None


@attrs.frozen
class _Line:
    node: Any  # an IR node, compared without its span
    span: Span
    article: str | None


@attrs.frozen
class _Entry:
    label: str
    head: Head
    span: Span
    article: str | None
    lines: tuple[_Line, ...] = ()
    line_word: str = "line"  # what a line is called: a clause, a row, a field …


def rule_changes(
    old: ir.Module,
    new: ir.Module,
    old_sources: Mapping[str, str],
    new_sources: Mapping[str, str],
) -> list[RuleChange]:
    """Every difference between the two modules, in the new scheme's order (removed entries
    where they stood in the old one)."""
    before = {e.label: e for e in _entries(old)}
    after = {e.label: e for e in _entries(new)}
    old_text = _Texts(old_sources)
    new_text = _Texts(new_sources)
    out: list[RuleChange] = []
    for label in _merged_order(list(before), list(after)):
        a, b = before.get(label), after.get(label)
        if a is None and b is not None:
            out.append(RuleChange("added", label, b.article, None, new_text.head(b.span)))
        elif b is None and a is not None:
            out.append(RuleChange("removed", label, a.article, old_text.head(a.span), None))
        elif a is not None and b is not None:
            changed = [k for (k, va), (_, vb) in zip(a.head, b.head, strict=True) if va != vb]
            if changed:
                out.append(
                    RuleChange(
                        "changed",
                        f"{label}: {', '.join(changed)}",
                        b.article or a.article,
                        old_text.head(a.span),
                        new_text.head(b.span),
                    )
                )
            out.extend(_line_changes(label, a, b, old_text, new_text))
    return out


def _merged_order(old: list[str], new: list[str]) -> list[str]:
    """The new labels in order, each removed label after the label it followed in the old."""
    order = list(new)
    known = set(new)
    for i, label in enumerate(old):
        if label in known:
            continue
        before = next((old[j] for j in range(i - 1, -1, -1) if old[j] in known), None)
        order.insert(order.index(before) + 1 if before is not None else 0, label)
        known.add(label)
    return order


def _line_changes(
    label: str, a: _Entry, b: _Entry, old_text: _Texts, new_text: _Texts
) -> Iterator[RuleChange]:
    olds = [line.node for line in a.lines]
    news = [line.node for line in b.lines]
    matcher = difflib.SequenceMatcher(None, olds, news, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            continue
        pairs = list(zip(range(i1, i2), range(j1, j2), strict=False))
        for i, j in pairs:
            la, lb = a.lines[i], b.lines[j]
            yield RuleChange(
                "changed",
                f"{label}: {a.line_word}",
                lb.article or la.article or b.article,
                old_text.lines(la.span),
                new_text.lines(lb.span),
            )
        for i in range(i1 + len(pairs), i2):
            la = a.lines[i]
            yield RuleChange(
                "removed",
                f"{label}: {a.line_word}",
                la.article or a.article,
                old_text.lines(la.span),
                None,
            )
        for j in range(j1 + len(pairs), j2):
            lb = b.lines[j]
            yield RuleChange(
                "added",
                f"{label}: {a.line_word}",
                lb.article or b.article,
                None,
                new_text.lines(lb.span),
            )


class _Texts:
    """The rules text at a span: the first line (a head), or every line (a clause)."""

    def __init__(self, sources: Mapping[str, str]):
        self._sources = sources
        self._lines: dict[str, list[str]] = {}

    def _file(self, path: str) -> list[str]:
        if path not in self._lines:
            self._lines[path] = self._sources.get(path, "").split("\n")
        return self._lines[path]

    def head(self, span: Span) -> RuleText:
        return self._text(span, span.line)

    def lines(self, span: Span) -> RuleText:
        return self._text(span, span.end_line)

    def _text(self, span: Span, last: int) -> RuleText:
        lines = self._file(span.path)[max(span.line, 1) - 1 : max(last, span.line)]
        text = " ".join(line.strip() for line in lines if line.strip())
        return RuleText(text, f"{span.path}:{span.line}")


# ------------------------------------------------------------------ flattening a module
def _entries(module: ir.Module) -> Iterator[_Entry]:
    if module.rounding is not None:
        r = module.rounding
        yield _Entry("rounding", (("places", r.places), ("mode", r.mode)), r.span, r.article)
    for g in module.groups:
        yield _Entry(f"group {g.name}", (("title", g.title),), g.span, None)
    for e in module.enums:
        yield _Entry(f"enum {e.name}", (("values", e.values),), e.span, None)
    for u in module.units:
        yield _Entry(f"units {u.name}", (("units", u.units),), u.span, None)
    for rec in module.records:
        fields = tuple(_Line(f, f.span, None) for f in rec.fields)
        yield _Entry(f"record {rec.name}", (), rec.span, None, fields, "field")
    head: Head
    for i in module.inputs:
        head = (
            ("type", i.type),
            ("optional", i.optional),
            ("description", i.description),
            ("groups", i.groups),
            ("article", i.article),
        )
        yield _Entry(f"input {i.name}", head, i.span, i.article)
    for c in module.constants:
        head = (
            ("value", c.value),
            ("type", c.type),
            ("description", c.description),
            ("article", c.article),
        )
        yield _Entry(f"constant {c.name}", head, c.span, c.article)
    for t in module.tables:
        rows = tuple(_Line(row, row.span, t.article) for row in t.rows)
        head = (("enum", t.enum), ("article", t.article))
        yield _Entry(f"table {t.name}", head, t.span, t.article, rows, "row")
    if module.requirements:
        yield _requirements("requirements", module.requirements, None)
    for scoring in module.scorings:
        yield from _scoring(scoring)
    for grading in module.gradings:
        rules = tuple(_Line(r, r.span, r.article or grading.article) for r in grading.rules)
        head = (("enum", grading.enum), ("article", grading.article))
        label = f"grading {grading.name}"
        yield _Entry(label, head, grading.span, grading.article, rules, "grading line")
    for cons in module.consequences:
        where = f" (for {', '.join(cons.groups)})" if cons.groups else ""
        body = tuple(_Line(s, s.span, s.article) for s in cons.body)
        yield _Entry(f"consequences{where}", (), cons.span, None, body)


def _requirements(label: str, nodes: Sequence[Any], article: str | None) -> _Entry:
    lines = tuple(_Line(n, n.span, n.article or article) for n in nodes)
    return _Entry(label, (), lines[0].span, article, lines, "requirement")


def _scoring(scoring: ir.Scoring) -> Iterator[_Entry]:
    block = f" ({', '.join(scoring.groups)})"
    yield _Entry(f"scoring{block}", (("article", scoring.article),), scoring.span, scoring.article)
    yield from _statements(scoring.body, (), block, "", scoring.article)


def _statements(
    body: Sequence[Any], path: tuple[str, ...], block: str, within: str, article: str | None
) -> Iterator[_Entry]:
    checks = [s for s in body if isinstance(s, ir.Require | ir.RequireRecords | ir.Requirement)]
    if checks:
        yield _requirements(f"{within}requirements{block}", checks, article)
    for s in body:
        if isinstance(s, ir.Section):
            yield from _section(s, path, block, within, article)
        elif isinstance(s, ir.Item):
            yield _item(s, path, block, within, article)
        elif isinstance(s, ir.Across):
            scope = f"across {', '.join(s.groups)}" if s.groups else "across group"
            yield from _statements(s.body, path, block, f"{within}{scope} › ", s.article or article)
        elif isinstance(s, ir.Let | ir.Output | ir.Flag):
            word = {ir.Let: "let", ir.Output: "output", ir.Flag: "flag"}[type(s)]
            formula = s.cond if isinstance(s, ir.Flag) else s.expr
            head = (("formula", formula), ("article", s.article))
            yield _Entry(f"{within}{word} {s.name}{block}", head, s.span, s.article or article)
        elif isinstance(s, ir.Total):
            head = (("formula", s.expr), ("article", s.article))
            yield _Entry(f"{within}total{block}", head, s.span, s.article or article)


def _section(
    s: ir.Section, path: tuple[str, ...], block: str, within: str, article: str | None
) -> Iterator[_Entry]:
    here = (*path, s.name)
    mine = s.article or article
    clauses = tuple(_Line(c, c.span, c.article or mine) for c in s.clauses)
    head: Head = (("max", s.max), ("article", s.article))
    label = f"{within}section {'.'.join(here)}{block}"
    yield _Entry(label, head, s.span, mine, clauses, "clause")
    yield from _statements(s.children, here, block, within, mine)
    for sheet in s.sheets:
        sheet_path = (*here, f"for {sheet.name}")
        head = (("article", sheet.article),)
        label = f"{within}sheet {'.'.join(sheet_path)}{block}"
        yield _Entry(label, head, sheet.span, sheet.article or mine)
        yield from _statements(sheet.children, sheet_path, block, within, sheet.article or mine)


def _item(
    s: ir.Item, path: tuple[str, ...], block: str, within: str, article: str | None
) -> _Entry:
    mine = s.article or article
    clauses = tuple(_Line(c, c.span, c.article or mine) for c in s.clauses)
    head = (("max", s.max), ("article", s.article), ("formula", s.formula))
    label = f"{within}item {'.'.join((*path, s.name))}{block}"
    return _Entry(label, head, s.span, mine, clauses, "clause")
