"""Where every point came from: a unit's values as the policy writer's tree (sections, items,
rules), each with the rule lines and inputs that produced it, the caps and floors that bound,
the cited article, the group values it used, and each grading line applied or skipped."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from kaoping.compiler.model import BlockModel, ValueDef
from kaoping.io.results import fmt
from kaoping.scoring import Results, UnitResult

_STEP_WORDS = {
    "start": "start",
    "sum": "sum of the parts",
    "highest": "highest part",
    "mean": "mean of the parts",
    "add": "+",
    "deduct": "−",
    "floor": "floor",
    "cap": "cap",
    "zero": "zeroed",
    "round": "rounded",
}


def explain_data(results: Results, r: UnitResult) -> dict[str, Any]:
    if not results.traced:
        raise ValueError("explain needs results scored with trace=True")
    scheme = results.scheme
    model = scheme.model
    u = r.unit
    block = model.blocks[u.block]
    group_size = sum(1 for x in results.units if x.group == u.group)
    values = []
    for path in _tree_order(block):
        vd = block.values[path].for_group(u.group)
        if vd.only and u.group not in vd.only:
            continue  # a consequence for other groups of the block
        values.append(_value_data(results, r, block, vd))
    return {
        "unit": u.name,
        "group": u.group,
        "total": fmt(u.values["total"], model.rounding.places),
        "rank": r.rank,
        "group_size": group_size,
        "grades": dict(u.grades),
        "flags": list(u.flags),
        "values": values,
        "grading": [
            {
                "grading": s.grading,
                "rule": f"{_grading_file(results, s.grading)}:{s.line}" if s.line else "data",
                "text": s.rule,
                "applied": s.applied,
                "reason": s.reason,
            }
            for s in u.grade_steps
        ],
    }


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


def _depth(path: str) -> int:
    return path.count(".")


def _value_data(results: Results, r: UnitResult, block: BlockModel, vd: ValueDef) -> dict[str, Any]:
    scheme = results.scheme
    u = r.unit
    trace = u.traces.get(vd.path)
    node = vd.node
    span = node.span if node is not None else block.scoring.span
    file_lines = scheme.sources.get(span.path, "").split("\n")

    def text_at(line: int) -> str:
        return file_lines[line - 1].strip() if 0 < line <= len(file_lines) else ""

    steps = []
    if trace is not None:
        for st in trace.steps:
            steps.append(
                {
                    "kind": st.kind,
                    "rule": f"{span.short.split(':')[0]}:{st.line}",
                    "text": text_at(st.line),
                    "amount": fmt(st.amount),
                    "before": fmt(st.before),
                }
            )
    given = trace.given if trace is not None else None
    skipped = trace is not None and (trace.skipped or given is not None)
    # a skipped rule read nothing: its inputs are not shown as if they had counted
    inputs = {} if skipped else {name: _show(u.facts.get(name)) for name in sorted(vd.inputs)}
    group_values = {k: _show(v) for k, v in (trace.group_values.items() if trace else [])}
    value = _show(u.values.get(vd.path))
    text = text_at(span.line)
    if vd.kind == "total":
        rnd = scheme.model.rounding
        value = fmt(u.values["total"], rnd.places)
        rounding = f"rounded to {rnd.places} places {rnd.mode}"
        text = (
            f"{text}  ({rounding})"
            if node is not None
            else (f"the sum of {', '.join(vd.children)}, {rounding}")
        )
    return {
        "path": vd.path,
        "kind": vd.kind,
        "stage": vd.stage,
        "value": value,
        "max": fmt(getattr(node, "max", None)),
        "rule": span.short,
        "text": text,
        "article": vd.article,
        "steps": steps,
        "inputs": inputs,
        "group": group_values,
        "given": None if given is None else {"by": given.by, "note": given.note},
        "computed": not skipped,
    }


def _show(value: Any) -> Any:
    if isinstance(value, Decimal):
        return fmt(value)
    if isinstance(value, list):
        return [_show(v) for v in value]
    if isinstance(value, dict):
        return {k: _show(v) for k, v in value.items()}
    return value


def explain_json(results: Results, r: UnitResult) -> str:
    return json.dumps(explain_data(results, r), ensure_ascii=False, indent=2)


def explain_text(results: Results, r: UnitResult) -> str:
    data = explain_data(results, r)
    head = f"{data['unit']} ({data['group']})  total {data['total']}"
    if data["rank"] is not None:
        head += f"  rank {data['rank']} of {data['group_size']}"
    for name, grade in data["grades"].items():
        head += f"  {name} {grade}"
    if data["flags"]:
        head += "  flags: " + ", ".join(data["flags"])
    lines = [head, ""]
    for v in data["values"]:
        indent = "  " * _depth(v["path"]) if v["kind"] in ("section", "item") else ""
        name = v["path"].rsplit(".", 1)[-1]
        value = v["value"]
        shown = (
            "yes"
            if value is True
            else "no"
            if value is False
            else "absent"
            if value is None
            else str(value)
        )
        if v["given"] is not None:
            shown += " given"
        elif not v["computed"]:
            shown = "not computed"
        label = f"{indent}{name} = {shown}"
        if v["max"] is not None:
            label += f" (max {v['max']})"
        label += f"    [{v['rule']}]"
        if v["article"]:
            label += f"  «{v['article']}»"
        lines.append(label)
        pad = indent + "    "
        if v["given"] is not None:
            note = f": {v['given']['note']}" if v["given"]["note"] else ""
            lines.append(f"{pad}given by {v['given']['by']}{note} (rule not applied: {v['text']})")
            continue
        if not v["computed"]:
            lines.append(f"{pad}not computed: only values the data gives read it")
            continue
        if (
            v["kind"] in ("let", "output", "flag", "total")
            or (v["kind"] == "item" and not v["steps"])
        ) and v["text"]:
            lines.append(f"{pad}{v['text']}")
        for st in v["steps"]:
            word = _STEP_WORDS[st["kind"]]
            if st["kind"] in ("floor", "cap", "zero", "round"):
                detail = f"{word} → {st['amount']} (was {st['before']})"
            else:
                detail = f"{word} {st['amount']}"
            lines.append(f"{pad}{detail:<28} {st['rule']}  {st['text']}")
        for k, val in v["group"].items():
            lines.append(f"{pad}group value: {k} = {val}")
        if v["inputs"]:
            shown_inputs = ", ".join(f"{k} = {_short(val)}" for k, val in v["inputs"].items())
            lines.append(f"{pad}inputs: {shown_inputs}")
            for k, val in v["inputs"].items():  # the records behind an aggregate, one a line
                if isinstance(val, list):
                    for i, rec in enumerate(val, 1):
                        fields = ", ".join(f"{f} = {_short(x)}" for f, x in rec.items())
                        lines.append(f"{pad}  {k}[{i}]: {fields}")
    if data["grading"]:
        lines.append("")
        lines.append("grading:")
        for g in data["grading"]:
            mark = "applied" if g["applied"] else "skipped"
            lines.append(f"  {mark:<8} {g['rule']}  {g['text']}  — {g['reason']}")
    return "\n".join(lines)


def _short(value: Any) -> str:
    if value is True:
        return "yes"
    if value is False:
        return "no"
    if value is None:
        return "null"
    if isinstance(value, list):
        return f"[{len(value)} records]"
    return str(value)
