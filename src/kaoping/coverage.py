"""`kaoping test --coverage`: which rule lines and which branches no golden case exercised.

The branches are read off the rules (every condition clause, cap, floor, zeroing, `if`, row of
a keyed item, band of a threshold table, band of a forced distribution, grading line), and what
the cases exercised is read off the traces of their runs: the traced twin of each stage records
every clause it applied, skipped or passed through, every choice made inside an expression,
and every grading line's step for every unit. Nothing else is instrumented."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

import attrs

from kaoping.compiler import ir, walk
from kaoping.compiler.applicable import not_applicable_of
from kaoping.compiler.load import CompiledScheme
from kaoping.runtime.unit import Step, Trace, Unit
from kaoping.scoring import Results
from kaoping.span import Span, text_of

# statements and clauses that are a rule line of their own
_LINES = (
    ir.Item,
    ir.Section,
    ir.Let,
    ir.Output,
    ir.Flag,
    ir.Total,
    ir.Start,
    ir.Add,
    ir.Floor,
    ir.Cap,
    ir.ZeroIf,
    ir.RoundClause,
    ir.KeyRow,
    ir.BandRow,
    ir.NotApplicable,
    ir.Rescale,
    ir.Bar,
    ir.Quota,
    ir.GradeIf,
    ir.Otherwise,
    ir.Override,
)
_GRADE_RULES = (ir.Bar, ir.Quota, ir.GradeIf, ir.Otherwise, ir.Override)

HELD, NOT_HELD = "held", "did not hold"
BOUND, NOT_BOUND = "bound", "did not bind"
REACHED, NOT_REACHED = "reached", "not reached"
APPLIED, NOT_APPLIED = "applied", "not applied"
CHOSEN = "chosen"
GIVEN = "given to a unit"
GRADED, PASSED_OVER = "applied to a unit", "passed over a unit"


@attrs.frozen
class Outcome:
    """One way a branch can go: reported at `line` of `file` (the row, band or clause), and
    grouped under its branch point `point` (the line and column of the clause, `if`, table or
    distribution it belongs to)."""

    file: str
    line: int
    point: tuple[int, int]
    label: str
    text: str


@attrs.define
class Coverage:
    """One scheme's rule lines and branch outcomes, each with how many times (units scored
    across the golden cases) it was exercised."""

    scheme: str
    sources: dict[str, str]
    lines: dict[tuple[str, int], int] = attrs.Factory(dict)
    outcomes: dict[Outcome, int] = attrs.Factory(dict)
    cases: int = 0

    @property
    def lines_covered(self) -> int:
        return sum(1 for n in self.lines.values() if n)

    @property
    def branches_covered(self) -> int:
        return sum(1 for n in self.outcomes.values() if n)

    def line_text(self, file: str, line: int) -> str:
        lines = self.sources.get(file, "").split("\n")
        return lines[line - 1].strip() if 0 < line <= len(lines) else ""

    def uncovered(self) -> list[Outcome]:
        return sorted((o for o, n in self.outcomes.items() if not n), key=_order)

    def uncovered_lines(self) -> list[tuple[str, int]]:
        return sorted(k for k, n in self.lines.items() if not n)


def _order(o: Outcome) -> tuple[str, int, tuple[int, int], str]:
    return (o.file, o.line, o.point, o.label)


@attrs.define
class _Index:
    """The rules' lines and branch outcomes, and where each kind of trace fact points."""

    cov: Coverage
    # (file, line) → the clauses written there
    clauses: dict[tuple[str, int], list[Any]] = attrs.Factory(dict)
    # (file, line, column) → an `if`, a band or a distribution
    choices: dict[tuple[str, int, int], Any] = attrs.Factory(dict)
    # id(node) → its outcomes by label (a row's, band's or share's own "chosen")
    by_node: dict[int, dict[str, Outcome]] = attrs.Factory(dict)

    def outcome(self, node: Any, point: Span, label: str, at: Span | None = None) -> None:
        where = at or point
        text = text_of(self.cov.sources.get(where.path), where) if at is not None else ""
        o = Outcome(
            where.path,
            where.line,
            (point.line, point.col),
            label,
            text or self.cov.line_text(where.path, where.line),
        )
        self.cov.outcomes.setdefault(o, 0)
        self.cov.lines.setdefault((where.path, where.line), 0)
        self.by_node.setdefault(id(node), {})[label] = o

    def hit(self, node: Any, label: str) -> Outcome | None:
        """The outcome happened once."""
        o = self.by_node.get(id(node), {}).get(label)
        if o is not None:
            self.cov.outcomes[o] += 1
        return o

    def line(self, file: str, line: int) -> None:
        key = (file, line)
        if key in self.cov.lines:
            self.cov.lines[key] += 1


def _index(scheme: CompiledScheme) -> _Index:
    idx = _Index(Coverage(scheme.scheme_id, dict(scheme.sources)))
    for node in walk.postorder(scheme.model.module):
        span: Span | None = getattr(node, "span", None)
        if span is None or span.line <= 0:
            continue
        if isinstance(node, _LINES):
            idx.cov.lines.setdefault((span.path, span.line), 0)
            idx.clauses.setdefault((span.path, span.line), []).append(node)
        if isinstance(node, ir.Add) and node.cond is not None:
            idx.outcome(node, span, HELD)
            idx.outcome(node, span, NOT_HELD)
        elif isinstance(node, ir.Cap):
            idx.outcome(node, span, BOUND)
            idx.outcome(node, span, NOT_BOUND)
        elif isinstance(node, ir.Floor):
            idx.outcome(node, span, REACHED)
            idx.outcome(node, span, NOT_REACHED)
        elif isinstance(node, ir.ZeroIf):
            idx.outcome(node, span, APPLIED)
            idx.outcome(node, span, NOT_APPLIED)
        elif isinstance(node, ir.NotApplicable):
            idx.outcome(node, span, HELD)
            idx.outcome(node, span, NOT_HELD)
        elif isinstance(node, ir.IfExpr):
            idx.choices[(span.path, span.line, span.col)] = node
            idx.outcome(node, span, HELD)
            idx.outcome(node, span, NOT_HELD)
        elif isinstance(node, ir.Keyed):
            for key_row in node.rows:
                idx.outcome(key_row, span, CHOSEN, key_row.span)
        elif isinstance(node, ir.Band):
            idx.choices[(span.path, span.line, span.col)] = node
            for band_row in node.rows:
                idx.outcome(band_row, span, CHOSEN, band_row.span)
        elif isinstance(node, ir.Distribute):
            idx.choices[(span.path, span.line, span.col)] = node
            for share in node.shares:
                idx.outcome(share, span, GIVEN, share.span)
        elif isinstance(node, _GRADE_RULES):
            idx.outcome(node, span, GRADED)
            idx.outcome(node, span, PASSED_OVER)
    return idx


def collect(scheme: CompiledScheme, runs: Iterable[Results]) -> Coverage:
    """The coverage of `scheme` by the traced results of its golden cases."""
    idx = _index(scheme)
    for results in runs:
        idx.cov.cases += 1
        for r in results.units:
            _unit(idx, scheme, r.unit)
    return idx.cov


def _unit(idx: _Index, scheme: CompiledScheme, u: Unit) -> None:
    block = scheme.model.blocks[u.block]
    for path, trace in u.traces.items():
        vd = block.values.get(path)
        node = vd.node if vd is not None else None
        file = node.span.path if node is not None else block.scoring.span.path
        if trace.skipped or trace.given is not None:
            continue  # the rule did not run: the data gave the value
        ran = {trace.line}  # the lines the rule ran, each counted once for the unit
        applicable = True
        for step, changed in _steps(trace):
            ran.add(step.line)
            applicable = applicable and step.kind != "not applicable"
            for clause in idx.clauses.get((file, step.line), []):
                label = _label(clause, step, changed)
                if label is not None:
                    idx.hit(clause, label)
        na = not_applicable_of(node) if isinstance(node, ir.Item) else None
        if na is not None and applicable:  # its condition was read, and did not hold
            idx.hit(na, NOT_HELD)
            ran.add(na.span.line)
        for line, col, value in trace.branches:
            o = _choice(idx, idx.choices.get((file, line, col)), value)
            if o is not None:  # a band's row, a distribution's band: on a line of its own
                ran.add(o.line)
        for line in ran:
            idx.line(file, line)
    for gs in u.grade_steps:
        if not gs.line or not gs.concerns:
            continue
        grading = scheme.model.gradings.get(gs.grading)
        if grading is None:
            continue
        idx.line(grading.span.path, gs.line)
        for rule in idx.clauses.get((grading.span.path, gs.line), []):
            if isinstance(rule, _GRADE_RULES):
                idx.hit(rule, GRADED if gs.applied else PASSED_OVER)


def _steps(trace: Trace) -> Iterator[tuple[Step, bool]]:
    """Every clause the trace saw run: those that changed the value (True), and those that ran
    and changed nothing (False)."""
    for step in trace.steps:
        yield step, True
    for step in trace.passed:
        yield step, False


def _label(clause: Any, step: Step, changed: bool) -> str | None:
    """The outcome of `clause` a step of the trace at its line shows, if any."""
    kind = step.kind
    if isinstance(clause, ir.Add) and clause.cond is not None:
        if kind in ("add", "deduct"):
            return HELD
        if kind == "skip":
            return NOT_HELD
    elif isinstance(clause, ir.Cap) and kind == "cap":
        return BOUND if changed else NOT_BOUND
    elif isinstance(clause, ir.Floor) and kind == "floor":
        return REACHED if changed else NOT_REACHED
    elif isinstance(clause, ir.ZeroIf):
        if kind == "zero":
            return APPLIED
        if kind == "skip":
            return NOT_APPLIED
    elif isinstance(clause, ir.KeyRow) and kind == "row":
        return CHOSEN
    elif isinstance(clause, ir.NotApplicable) and kind == "not applicable":
        return HELD
    return None


def _choice(idx: _Index, node: Any, value: Any) -> Outcome | None:
    """A choice the trace noted inside an expression: an `if`, a band's row, a distribution's
    band (the label the unit got)."""
    if isinstance(node, ir.IfExpr):
        return idx.hit(node, HELD if value else NOT_HELD)
    if isinstance(node, ir.Band) and isinstance(value, int) and 0 <= value < len(node.rows):
        return idx.hit(node.rows[value], CHOSEN)
    if isinstance(node, ir.Distribute):
        share = next((x for x in node.shares if x.value == value), None)
        return None if share is None else idx.hit(share, GIVEN)
    return None
