"""A unit's explanation as data: its values as the policy writer's tree (sections, items,
rules), each with the rule lines and inputs that produced it, the caps and floors that bound,
the cited article, the group values it used, and each grading line applied or skipped.

`explain` prints this tree as text or JSON; the xlsx report and tests read it directly.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any

import attrs

from kaoping.compiler import ir
from kaoping.compiler.emit import rank_path
from kaoping.compiler.model import BlockModel, Model, ValueDef
from kaoping.exact import Q
from kaoping.explain_reasons import reason_in
from kaoping.grammar.expected import keyword_set
from kaoping.io.results import above_max_json, fmt, total_places
from kaoping.scoring import Results, UnitResult
from kaoping.span import text_of

Fmt = Callable[..., Any]


def explain_many(
    results: Results, units: Iterable[UnitResult], number: Fmt = fmt
) -> Iterator[dict[str, Any]]:
    """`explain_data` of each of `units`, the rules text indexed once for all of them."""
    rules = _Rules(results.scheme.model, results.scheme.sources, number)
    for r in units:
        yield explain_data(results, r, number, rules)


def explain_data(
    results: Results, r: UnitResult, number: Fmt = fmt, rules: _Rules | None = None
) -> dict[str, Any]:
    """The explanation as data; `number` writes its numbers: exactly (`fmt`, for JSON: "550/3")
    or as people read them (`fmt_shown`, for text: "≈183.3333"). `rules`: the rules text
    indexed already (by `explain_many`), with the same `number`."""
    if not results.traced:
        raise ValueError("explain needs results scored with trace=True")
    scheme = results.scheme
    model = scheme.model
    u = r.unit
    block = model.blocks[u.block]
    group_size = sum(1 for x in results.units if x.group == u.group)
    reported = rank_path(block)
    if reported is not None and block.values[reported].scope:  # a rank across several groups
        group_size = _scope_size(results, block.values[reported])
    rules = rules or _Rules(model, scheme.sources, number)
    values = []
    for path in _tree_order(block):
        vd = block.values[path].for_group(u.group)
        if vd.only and u.group not in vd.only:
            continue  # a consequence for other groups of the block
        if not vd.for_unit(u.name):
            continue  # an item of another unit's sheet: this unit has no such item
        values.append(_value_data(results, r, block, vd, rules))
    requirements = [
        {
            "rule": check.requirement.span.short,
            "text": ("same " if check.requirement.same else "")
            + text_of(scheme.sources.get(check.requirement.span.path), check.requirement.cond.span),
            "inputs": {
                name: _show(_fixed(model, name, u.facts), rules)
                for name in (*check.inputs, *check.constants)
            },
        }
        for check in block.data_checks
        if (not check.groups or u.group in check.groups)
        and (not check.units or u.name in check.units)
    ]
    return {
        "unit": u.name,
        "group": u.group,
        "total": number(u.values["total"], total_places(model)),
        "rank": r.rank,
        "group_size": group_size,
        "grades": dict(u.grades),
        "flags": list(u.flags),
        # inputs kaoping derived (a grade from a place in the raters' ordering), and how
        "derived": {k: {**d, "place": fmt(d["place"])} for k, d in u.derived.items()},
        "values": values,
        # values above their declared maximum, where the rules set no cap
        "warnings": [above_max_json(a, block) for a in u.above_max],
        # the data requirements checked on this unit's data (all held, or there is no score)
        "requirements": requirements,
        "grading": [
            {
                "grading": s.grading,
                "rule": f"{_grading_file(results, s.grading)}:{s.line}" if s.line else "data",
                "text": rules.text(model.gradings[s.grading].span.path, s.line) or s.rule
                if s.line
                else s.rule,
                "applied": s.applied,
                "reason": rules.reason(s.grading, s.reason),
                "for_group": s.concerns,
            }
            for s in u.grade_steps
        ],
    }


@attrs.define
class _Rules:
    """The rules text as a policy writer reads it: a statement spanning several lines whole,
    and the clause written at a line (to show the values its condition read)."""

    model: Model
    sources: dict[str, str]
    number: Fmt  # how numbers are written (exactly, or as shown)
    ends: dict[tuple[str, int], int] = attrs.Factory(dict)
    clauses: dict[tuple[str, int], Any] = attrs.Factory(dict)
    lines: dict[str, list[str]] = attrs.Factory(dict)
    languages: dict[str, str] = attrs.Factory(dict)  # each file's keyword set

    def __attrs_post_init__(self) -> None:
        for node in _nodes(self.model.module):
            if isinstance(node, _STATEMENTS) and not (
                isinstance(node, ir.Item) and node.formula is None
            ):
                span = node.span
                key = (span.path, span.line)
                self.ends[key] = max(self.ends.get(key, span.line), span.end_line)
                self.clauses.setdefault(key, node)

    def reason(self, grading: str, reason: str) -> str:
        """Why a line of `grading` applied or not, in its rules file's keyword set."""
        path = self.model.gradings[grading].span.path
        if path not in self.languages:
            self.languages[path] = keyword_set(self.sources.get(path, ""))
        return reason_in(reason, self.languages[path])

    def text(self, path: str, line: int) -> str:
        if path not in self.lines:
            self.lines[path] = self.sources.get(path, "").split("\n")
        lines = self.lines[path]
        end = self.ends.get((path, line), line)
        return " ".join(
            lines[n - 1].strip() for n in range(line, end + 1) if 0 < n <= len(lines)
        ).strip()


_STATEMENTS = (
    ir.Start,
    ir.Add,
    ir.Floor,
    ir.Cap,
    ir.ZeroIf,
    ir.RoundClause,
    ir.Item,
    ir.Let,
    ir.Output,
    ir.Flag,
    ir.Total,
)


_COHORT = (ir.Best, ir.GroupLowest, ir.GroupMean, ir.GroupCount, ir.Rank, ir.Distribute)


def _nodes(node: Any) -> Iterator[Any]:
    """Every IR node under `node`, iteratively (schemes can be large)."""
    stack = [node]
    while stack:
        n = stack.pop()
        if isinstance(n, tuple | list):
            stack.extend(n)
        elif attrs.has(type(n)):
            yield n
            stack.extend(getattr(n, f.name) for f in attrs.fields(type(n)))


def _refs(expr: Any) -> Iterator[ir.Ref]:
    for n in _nodes(expr):
        if isinstance(n, ir.Ref):
            yield n


def _grading_file(results: Results, name: str) -> str:
    g = results.scheme.model.gradings[name]
    return g.span.short.split(":")[0]


def _tree_order(block: BlockModel) -> list[str]:
    """Sections before their children, in the order the rules file wrote them."""
    out: list[str] = []

    def visit(path: str) -> None:
        out.append(path)
        for c in block.values[path].children if block.values[path].kind == "section" else []:
            visit(c)

    for path, vd in block.values.items():
        if vd.parent is None and vd.kind != "total":
            visit(path)
    out.append("total")
    return out


def _scope_size(results: Results, vd: ValueDef) -> int:
    """How many units the value's `across G1, G2:` pools."""
    return sum(1 for x in results.units if x.group in vd.scope)


def _scope_data(results: Results, vd: ValueDef) -> dict[str, Any] | None:
    """The groups an `across G1, G2:` value pools and how many units they hold; for a rank, that
    it is one (the value is then the place among them)."""
    node = vd.node
    if not vd.scope or not any(isinstance(n, _COHORT) for n in _nodes(node)):
        return None  # not across groups, or reads only the unit's own values
    return {
        "groups": list(vd.scope),
        "units": _scope_size(results, vd),
        "rank": isinstance(node, ir.Let) and isinstance(node.expr, ir.Rank),
    }


def _value_data(
    results: Results, r: UnitResult, block: BlockModel, vd: ValueDef, rules: _Rules
) -> dict[str, Any]:
    scheme = results.scheme
    u = r.unit
    trace = u.traces.get(vd.path)
    node = vd.node
    span = node.span if node is not None else block.scoring.span
    file = span.short.split(":")[0]

    steps = []
    if trace is not None:
        # an item none of whose clauses changed it (每超过10个百分点加1分, none exceeded): the
        # clauses that ran and added 0 say where its 0 came from
        shown = trace.steps
        if vd.kind == "item" and not shown:
            shown = [st for st in trace.passed if st.kind in ("add", "deduct")]
        for st in shown:
            step: dict[str, Any] = {
                "kind": st.kind,
                "rule": f"{file}:{st.line}",
                "text": rules.text(span.path, st.line),
                "amount": rules.number(st.amount),
                "before": rules.number(st.before),
            }
            if st.note is not None:  # what a step names besides its amount (a sheet)
                step["note"] = _show(st.note, rules)
            if st.kind == "skip":
                step["condition"] = _condition_values(rules, block, u, span.path, st.line)
            notes = u.record_notes.get(st.line)
            if notes:
                step["records"] = [
                    {"record": i, "status": status, "value": rules.number(value)}
                    for i, status, value in notes
                ]
            steps.append(step)
    own_lines = range(span.line, rules.ends.get((span.path, span.line), span.line) + 1)
    # an aggregate in the value's own formula (a let, a one-line item) has no step to carry what
    # each record counted for, so the value carries it: which records a mean dropped
    stepped = {st.line for st in (trace.steps if trace is not None else [])}
    records = [
        {"record": i, "status": status, "value": rules.number(value)}
        for line in own_lines
        if line not in stepped
        for i, status, value in u.record_notes.get(line, [])
    ]
    weights = [
        {"part": name, "value": _show(part, rules), "weight": rules.number(weight)}
        for line in sorted({*own_lines, *(st.line for st in (trace.steps if trace else []))})
        for name, part, weight in u.weight_notes.get(line, [])
    ]
    given = trace.given if trace is not None else None
    skipped = trace is not None and (trace.skipped or given is not None)
    # a skipped rule read nothing: its inputs are not shown as if they had counted; nor is an
    # input the unit's group is never given (`for` other groups), as if it were missing
    model = scheme.model
    its_inputs = model.inputs_for(u.group)
    inputs = (
        {}
        if skipped
        else {
            name: _show(_fixed(model, name, u.facts), rules)
            for name in sorted(vd.inputs)
            if name in its_inputs or name not in model.inputs
        }
    )
    group_values = {k: _show(v, rules) for k, v in (trace.group_values.items() if trace else [])}
    # the block's values the rule read (a let its clause divides), as they are for the unit;
    # a section's own children are shown under it
    reads = (
        {}
        if skipped or vd.kind in ("section", "total")
        else {
            dep: _show(u.values.get(dep), rules)
            for dep in sorted(vd.deps)
            if dep in block.values and dep not in vd.children and dep in u.values
        }
    )
    value = _show(u.values.get(vd.path), rules)
    text = rules.text(span.path, span.line)
    rounding = None
    above = next((a for a in u.above_max if a.path == vd.path), None)
    if vd.kind == "total":
        rnd = scheme.model.rounding
        if rnd is not None:
            value = rules.number(u.values["total"], rnd.places)
            rounding = {"places": rnd.places, "mode": rnd.mode}
    return {
        "path": vd.path,
        "kind": vd.kind,
        "stage": vd.stage,
        "value": value,
        "max": rules.number(getattr(node, "max", None)),
        "rule": span.short,
        "text": text,
        "article": vd.article,
        "steps": steps,
        "inputs": inputs,
        "reads": reads,
        "group": group_values,
        "scope": _scope_data(results, vd),
        "weights": weights,
        "records": records,
        # a section's children its mean or highest leaves out (`take mean excluding …`)
        "excluded": _excluded(node),
        "last_year": {k: _show(x, rules) for k, x in (trace.last_year.items() if trace else [])},
        "given": None if given is None else {"by": given.by, "note": given.note},
        "computed": not skipped,
        # the total: the parts it sums when the rules write no formula, and its rounding
        "parts": list(vd.children) if vd.kind == "total" and node is None else None,
        "rounding": rounding,
        "above_max": above is not None,
    }


def _excluded(node: Any) -> list[str]:
    for clause in getattr(node, "clauses", ()):
        if isinstance(clause, ir.TakeMean):
            return list(clause.excluding)
    return []


def _condition_values(
    rules: _Rules, block: BlockModel, u: Any, path: str, line: int
) -> dict[str, Any]:
    """The inputs and values the condition of the clause at `line` read, as the unit has them."""
    clause = rules.clauses.get((path, line))
    cond = getattr(clause, "cond", None)
    out: dict[str, Any] = {}
    for ref in _refs(cond):
        res = rules.model.refs.get((id(ref), block.index))
        if res is None:
            continue
        if res.kind == "input":
            out[res.target] = _show(u.facts.get(res.target), rules)
        elif res.kind == "value":
            out[res.target] = _show(u.values.get(res.target), rules)
    return out


def _fixed(model: Model, name: str, facts: Mapping[str, Any]) -> Any:
    """What a rule read under `name`: a constant the rules fix, or the unit's fact (a constant
    entered in the data is among them)."""
    const = model.constants.get(name)
    return const.value if const is not None and const.value is not None else facts.get(name)


def _show(value: Any, rules: _Rules) -> Any:
    if isinstance(value, Q):
        return rules.number(value)
    if isinstance(value, list):
        return [_show(v, rules) for v in value]
    if isinstance(value, dict):
        return {k: _show(v, rules) for k, v in value.items()}
    return value
