"""What the report shows, gathered from scored results: per group the ranking, the grade
distribution and each unit's total split into the parts it adds up; each unit's explanation
(`explain`'s data); the run's warnings and what identifies the run.

Every number is taken as the results give it: exactly as the JSON results write it ("550/3",
"87.50") and as kaoping shows it ("≈183.3333"); the page and its charts carry both, so that
what a chart draws can be checked against `kaoping score --format json`.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Sequence
from typing import Any

import attrs

from kaoping.compiler import ir
from kaoping.compiler.model import BlockModel, Model
from kaoping.exact import Q
from kaoping.explain_tree import explain_many
from kaoping.io.history_file import scheme_hash
from kaoping.io.results import above_max_text, fmt, fmt_shown, total_places
from kaoping.plugins.hookspecs import SchemeInfo
from kaoping.scoring import Results, UnitResult


@attrs.frozen
class Number:
    """A number as the results write it (`exact`, "550/3") and as kaoping shows it (`shown`,
    "≈183.3333"); the two differ only where the decimals never end."""

    exact: str
    shown: str
    value: Q = attrs.field(eq=False)

    def __str__(self) -> str:
        return self.shown


def number(value: Any, places: int | None = None) -> Any:
    """A rational as a Number (a whole-number rank too); any other value as it is."""
    if isinstance(value, int) and not isinstance(value, bool):
        value = Q(value)
    if isinstance(value, Q):
        return Number(fmt(value, places), fmt_shown(value, places), value)
    return value


@attrs.frozen
class Row:
    """One unit's line of a group's ranking."""

    rank: int | None
    unit: str
    total: Number
    grades: tuple[tuple[str, str], ...]
    flags: tuple[str, ...]
    outputs: tuple[tuple[str, Any], ...]  # consequences: (name, Number or other value)
    parts: tuple[Number | None, ...]  # the unit's value of each of the group's parts


@attrs.frozen
class Distribution:
    """How many units of a group got each grade of one grading (declared order; units given
    none of its grades last)."""

    grading: str
    counts: tuple[tuple[str | None, int], ...]


@attrs.frozen
class GroupReport:
    name: str
    rows: tuple[Row, ...]
    # the parts the total adds up (the paths of values), and whether it is their plain sum
    parts: tuple[str, ...]
    parts_add_up: bool
    total_rule: str  # the total's rule as written, or "" when it is the sum of the sections
    distributions: tuple[Distribution, ...]
    # explain's data of each unit (numbers as Number), made as the page is written: read once
    explanations: Iterator[dict[str, Any]]


@attrs.frozen
class Report:
    title: str
    scheme_id: str
    issuer: str | None  # an installed scheme's jurisdiction and year, as its plugin gives them
    scheme_hash: str
    data_name: str
    made: str  # when the report was made, ISO 8601
    rounding: int | None  # the places every total has, or None (exact)
    groups: tuple[GroupReport, ...]
    warnings: tuple[tuple[str, str | None, str], ...]  # (code, unit, message)


def gather(
    results: Results,
    data_name: str,
    made: str,
    load_warnings: Sequence[str] = (),
    info: SchemeInfo | None = None,
) -> Report:
    """The report of `results` (scored with trace=True, for the explanations). Each unit's
    explanation is made when the page comes to it, so that a large run is written a unit at a
    time: a Report is rendered once, its groups in order."""
    scheme = results.scheme
    model = scheme.model
    places = total_places(model)
    ordered = results.ordered()
    explained = explain_many(results, ordered, number)  # in the order of `ordered`, lazily
    groups = []
    for group in dict.fromkeys(r.group for r in ordered):
        members = [r for r in ordered if r.group == group]
        explanations = itertools.islice(explained, len(members))
        groups.append(_group(results, group, members, places, explanations))
    warnings: list[tuple[str, str | None, str]] = [("data", None, m) for m in load_warnings]
    warnings += [(w.code, w.unit, w.message) for w in results.warnings]
    for r in ordered:
        for a in r.unit.above_max:
            warnings.append(("above max", r.name, above_max_text(a)))
    return Report(
        title=scheme.module.title or scheme.scheme_id,
        scheme_id=scheme.scheme_id,
        issuer=f"{info.jurisdiction} {info.year}" if info is not None else None,
        scheme_hash=scheme_hash(scheme),
        data_name=data_name,
        made=made,
        rounding=places,
        groups=tuple(groups),
        warnings=tuple(warnings),
    )


def _group(
    results: Results,
    group: str,
    members: list[UnitResult],
    places: int | None,
    explanations: Iterator[dict[str, Any]],
) -> GroupReport:
    model = results.scheme.model
    block = model.blocks[members[0].unit.block]
    parts, add_up = contribution_parts(model, block, group)
    total_def = block.values["total"].for_group(group)
    total_rule = "" if total_def.node is None else str(total_def.node)
    rows = []
    for r in members:
        u = r.unit
        outputs = [
            (path, number(u.values[path]))
            for path in block.order
            if block.values[path].kind == "output" and path in u.values
        ]
        rows.append(
            Row(
                rank=r.rank,
                unit=r.name,
                total=number(u.values["total"], places),
                grades=tuple(u.grades.items()),
                flags=tuple(u.flags),
                outputs=tuple(outputs),
                parts=tuple(_part(u.values.get(p)) for p in parts),
            )
        )
    return GroupReport(
        name=group,
        rows=tuple(rows),
        parts=parts,
        parts_add_up=add_up,
        total_rule=total_rule,
        distributions=tuple(grade_distributions(model, members)),
        explanations=explanations,
    )


def _part(value: Any) -> Number | None:
    shown = number(value)
    return shown if isinstance(shown, Number) else None


def contribution_parts(model: Model, block: BlockModel, group: str) -> tuple[tuple[str, ...], bool]:
    """The values a group's total adds up, and whether the total is exactly their sum (before
    the scheme's rounding): the sections and items under the total when the rules write no
    formula; the values a formula `A + B + …` names; otherwise the top-level sections and
    items (the total is then computed from them some other way)."""
    total = block.values["total"].for_group(group)
    if total.node is None:
        return tuple(total.children), True
    if isinstance(total.node, ir.Total):
        named = list(_summed_values(model, block, total.node.expr))
        if named and all(p is not None for p in named):
            return tuple(p for p in named if p is not None), True
    tops = [
        path
        for path, vd in block.values.items()
        if vd.parent is None
        and vd.kind in ("section", "item")
        and (not vd.only or group in vd.only)
    ]
    return tuple(tops), False


def _summed_values(model: Model, block: BlockModel, expr: Any) -> Iterator[str | None]:
    """The values a sum `A + B + …` names, in order; None for a term that is not a value."""
    if isinstance(expr, ir.BinOp) and expr.op == "+":
        yield from _summed_values(model, block, expr.left)
        yield from _summed_values(model, block, expr.right)
        return
    if isinstance(expr, ir.Ref):
        res = model.refs.get((id(expr), block.index))
        if res is not None and res.kind == "value" and res.target in block.values:
            yield res.target
            return
    yield None


def grade_distributions(model: Model, members: Sequence[UnitResult]) -> Iterator[Distribution]:
    """For each grading that gave a unit of the group a grade: the count of each grade."""
    gradings = list(dict.fromkeys(g for r in members for g in r.unit.grades))
    for name in gradings:
        decl = model.gradings.get(name)
        enum = model.enums.get(decl.enum) if decl is not None else None
        order: list[str | None] = list(enum.values) if enum is not None else []
        got = [r.unit.grades.get(name) for r in members]
        order += [g for g in dict.fromkeys(got) if g is not None and g not in order]
        if None in got:
            order.append(None)
        yield Distribution(name, tuple((g, got.count(g)) for g in order))
