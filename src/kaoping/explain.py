"""Where every point came from: a unit's values as the policy writer's tree (sections, items,
rules), each with the rule lines and inputs that produced it, the caps and floors that bound,
the cited article, the group values it used, and each grading line applied or skipped."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping
from typing import Any

import attrs

from kaoping.compiler import ir
from kaoping.compiler.emit import rank_path
from kaoping.compiler.model import BlockModel, Model, ValueDef
from kaoping.exact import Q
from kaoping.io.results import above_max_json, fmt, fmt_shown, total_places
from kaoping.io.text import for_terminal
from kaoping.scoring import Results, UnitResult
from kaoping.span import text_of

_STEP_WORDS = {
    "en": {
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
        "skip": "skipped",
        "row": "row",
        "sheet": "sheet",
        "rescale": "rescaled",
        "not applicable": "not applicable",
        "impute": "the other units' mean",
    },
    "zh": {
        "start": "起评",
        "sum": "各项之和",
        "highest": "取最高",
        "mean": "取平均",
        "add": "+",
        "deduct": "−",
        "floor": "保底",
        "cap": "封顶",
        "zero": "不得分",
        "round": "舍入",
        "skip": "未适用",
        "row": "行",
        "sheet": "适用",
        "rescale": "折算",
        "not applicable": "不涉及",
        "impute": "其他单位平均分",
    },
}

# the explanation's own words, in the language of the unit's appeal
_WORDS = {
    "en": {
        "total": "total",
        "rank": "rank {rank} of {size}",
        "flags": "flags",
        "max": "max",
        "given": "given",
        "given_by": "given by {by}{note} (rule not applied: {text})",
        "not_computed": "not computed",
        "not_computed_why": "not computed: only values the data gives read it",
        "absent": "absent",
        "yes": "yes",
        "no": "no",
        "was": "was",
        "row_for": "for key",
        "requirements": "requirements checked on the data (all hold):",
        "from_place": "from {order} = {place} of {of}",
        "above_max": "! above its maximum (the rules set no cap)",
        "group_value": "group value",
        "weights": "weights used",
        "excluded": "left out of the mean",
        "last_year": "last year",
        "inputs": "inputs",
        "records": "records",
        "grading": "grading:",
        "applied": "applied",
        "skipped": "skipped",
        "cond_false": "its condition does not hold",
        "counted": "counted",
        "hidden": "{n} grading line(s) for other groups hidden (--verbose shows them)",
        "scope": "across {groups} ({n} units)",
        "scope_rank": "across {groups}: rank {rank} of {n}",
    },
    "zh": {
        "total": "总分",
        "rank": "第 {rank} 名(共 {size} 个)",
        "flags": "标记",
        "max": "满分",
        "given": "给定",
        "given_by": "由 {by} 给定{note}(未按规则计算:{text})",
        "not_computed": "未计算",
        "not_computed_why": "未计算:只有数据给定的值用到它",
        "absent": "缺项",
        "yes": "是",
        "no": "否",
        "was": "原为",
        "row_for": "键值",
        "requirements": "已核对的数据校验(均满足):",
        "from_place": "由 {order} 第 {place} 名(共 {of})得出",
        "above_max": "! 超过满分(规则未设封顶)",
        "group_value": "组内值",
        "weights": "实际权重",
        "excluded": "不计入平均",
        "last_year": "上年",
        "inputs": "输入",
        "records": "条",
        "grading": "评定:",
        "applied": "适用",
        "skipped": "未适用",
        "cond_false": "条件不成立",
        "counted": "计入",
        "hidden": "另有 {n} 行评定规则不适用于本组,已隐去(--verbose 显示)",
        "scope": "跨组 {groups}(共 {n} 个单位)",
        "scope_rank": "跨组 {groups}:第 {rank} 名(共 {n} 个)",
    },
}


Fmt = Callable[..., Any]


def explain_data(results: Results, r: UnitResult, number: Fmt = fmt) -> dict[str, Any]:
    """The explanation as data; `number` writes its numbers: exactly (`fmt`, for JSON: "550/3")
    or as people read them (`fmt_shown`, for text: "≈183.3333")."""
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
    rules = _Rules(model, scheme.sources, number)
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
        if not check.groups or u.group in check.groups
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
                "reason": s.reason,
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

    def __attrs_post_init__(self) -> None:
        for node in _nodes(self.model.module):
            if isinstance(node, _STATEMENTS) and not (
                isinstance(node, ir.Item) and node.formula is None
            ):
                span = node.span
                key = (span.path, span.line)
                self.ends[key] = max(self.ends.get(key, span.line), span.end_line)
                self.clauses.setdefault(key, node)

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


_COHORT = (ir.Best, ir.GroupLowest, ir.GroupMean, ir.Rank, ir.Distribute)


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


def _depth(path: str) -> int:
    return path.count(".")


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
        for st in trace.steps:
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
    weights = [
        {"part": name, "value": _show(part, rules), "weight": rules.number(weight)}
        for line in sorted({*own_lines, *(st.line for st in (trace.steps if trace else []))})
        for name, part, weight in u.weight_notes.get(line, [])
    ]
    given = trace.given if trace is not None else None
    skipped = trace is not None and (trace.skipped or given is not None)
    # a skipped rule read nothing: its inputs are not shown as if they had counted
    inputs = (
        {}
        if skipped
        else {name: _show(_fixed(scheme.model, name, u.facts), rules) for name in sorted(vd.inputs)}
    )
    group_values = {k: _show(v, rules) for k, v in (trace.group_values.items() if trace else [])}
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
        "group": group_values,
        "scope": _scope_data(results, vd),
        "weights": weights,
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


def explain_json(results: Results, r: UnitResult) -> str:
    return json.dumps(explain_data(results, r), ensure_ascii=False, indent=2)


def explain_text(results: Results, r: UnitResult, lang: str = "en", verbose: bool = False) -> str:
    """The explanation as text: `lang` "zh" uses Chinese labels and the Chinese keyword set;
    grading lines for other groups are shown only when `verbose`."""
    data = explain_data(results, r, fmt_shown)
    words = _WORDS[lang]
    step_words = _STEP_WORDS[lang]

    def shown(value: Any) -> str:
        return _short(value, words)

    head = f"{data['unit']} ({data['group']})  {words['total']} {data['total']}"
    if data["rank"] is not None:
        head += "  " + words["rank"].format(rank=data["rank"], size=data["group_size"])
    for name, grade in data["grades"].items():
        head += f"  {name} {grade}"
    if data["flags"]:
        head += f"  {words['flags']}: " + ", ".join(data["flags"])
    lines = [head, ""]
    for v in data["values"]:
        indent = "  " * _depth(v["path"]) if v["kind"] in ("section", "item") else ""
        name = words["total"] if v["kind"] == "total" else v["path"].rsplit(".", 1)[-1]
        if v["kind"] == "total":
            v = {**v, "text": _total_text(v, lang)}
        value = v["value"]
        text_value = words["absent"] if value is None else shown(value)
        if value is None and any(st["kind"] == "not applicable" for st in v["steps"]):
            text_value = step_words["not applicable"]
        if v["given"] is not None:
            text_value += " " + words["given"]
        elif not v["computed"]:
            text_value = words["not_computed"]
        label = f"{indent}{name} = {text_value}"
        if v["max"] is not None:
            label += f" ({words['max']} {v['max']})"
        if v["above_max"]:
            label += "  " + words["above_max"]
        label += f"    [{v['rule']}]"
        if v["article"]:
            label += f"  «{v['article']}»"
        lines.append(label)
        pad = indent + "    "
        if v["given"] is not None:
            note = f": {v['given']['note']}" if v["given"]["note"] else ""
            lines.append(
                pad + words["given_by"].format(by=v["given"]["by"], note=note, text=v["text"])
            )
            continue
        if not v["computed"]:
            lines.append(f"{pad}{words['not_computed_why']}")
            continue
        if (
            v["kind"] in ("let", "output", "flag", "total")
            or (v["kind"] == "item" and not v["steps"])
        ) and v["text"]:
            lines.append(f"{pad}{v['text']}")
        if v["scope"] is not None:
            scope = v["scope"]
            groups = ("、" if lang == "zh" else ", ").join(scope["groups"])
            if scope["rank"] and value is not None:
                line = words["scope_rank"].format(
                    groups=groups, rank=shown(value), n=scope["units"]
                )
            else:
                line = words["scope"].format(groups=groups, n=scope["units"])
            lines.append(pad + line)
        for st in v["steps"]:
            word = step_words[st["kind"]]
            if st["kind"] == "row":
                detail = f"{word} {words['row_for']} {st['before']} → {st['amount']}"
            elif st["kind"] in ("floor", "cap", "zero", "round"):
                detail = f"{word} → {st['amount']} ({words['was']} {st['before']})"
            elif st["kind"] == "skip":
                detail = word
            elif st["kind"] == "sheet":
                detail = f"{word} {st['note']}"
            elif st["kind"] == "rescale":  # 不涉及项目折算: the factor, exactly, and why
                note = st["note"]
                detail = f"{word} × {note['max']}/{note['applicable']} → {st['amount']}"
                if note["not_applicable"]:
                    missing = ", ".join(note["not_applicable"])
                    detail += f": {step_words['not applicable']} {missing}"
            elif st["kind"] == "impute":
                detail = f"{word} {st['amount']} ({', '.join(st['note']['units'])})"
            elif st["kind"] == "not applicable":
                detail = word
            else:
                detail = f"{word} {st['amount']}"
            lines.append(f"{pad}{detail:<28} {st['rule']}  {st['text']}")
            if st["kind"] == "skip":
                read = ", ".join(f"{k} = {shown(x)}" for k, x in st["condition"].items())
                lines.append(f"{pad}    {words['cond_false']}" + (f": {read}" if read else ""))
            for rec in st.get("records", []):
                status = rec["status"]
                if status == "counted":
                    status = words["counted"] + (f" {rec['value']}" if rec["value"] else "")
                lines.append(f"{pad}    [{rec['record']}] {status}")
        if v["excluded"]:
            lines.append(f"{pad}{words['excluded']}: {', '.join(v['excluded'])}")
        if v["last_year"]:
            read = ", ".join(f"{k} = {shown(x)}" for k, x in v["last_year"].items())
            lines.append(f"{pad}{words['last_year']}: {read}")
        if v["weights"]:
            used = ", ".join(
                f"{w['part']} {words['absent']}"
                if w["weight"] is None
                else f"{w['part']} {shown(w['value'])} × {w['weight']}"
                for w in v["weights"]
            )
            lines.append(f"{pad}{words['weights']}: {used}")
        for k, val in v["group"].items():
            label = _group_label_zh(k) if lang == "zh" else k
            lines.append(f"{pad}{words['group_value']}: {label} = {val}")
        if v["inputs"]:
            shown_inputs = ", ".join(
                f"{k} = {shown(val)}"
                + (
                    f" ({words['from_place'].format(**data['derived'][k])})"
                    if k in data["derived"]
                    else ""
                )
                for k, val in v["inputs"].items()
            )
            lines.append(f"{pad}{words['inputs']}: {shown_inputs}")
            for k, val in v["inputs"].items():  # the records behind an aggregate, one a line
                if isinstance(val, list):
                    for i, rec in enumerate(val, 1):
                        fields = ", ".join(f"{f} = {shown(x)}" for f, x in rec.items())
                        lines.append(f"{pad}  {k}[{i}]: {fields}")
    grading = [g for g in data["grading"] if verbose or g["for_group"]]
    hidden = len(data["grading"]) - len(grading)
    if data["requirements"]:
        lines.append("")
        lines.append(words["requirements"])
        for req in data["requirements"]:
            read = ", ".join(f"{k} = {shown(val)}" for k, val in req["inputs"].items())
            lines.append(f"  {req['rule']}  {req['text']}  ({read})")
    if data["grading"]:
        lines.append("")
        lines.append(words["grading"])
        for g in grading:
            mark = words["applied"] if g["applied"] else words["skipped"]
            lines.append(f"  {mark:<8} {g['rule']}  {g['text']}  — {g['reason']}")
        if hidden:
            lines.append("  " + words["hidden"].format(n=hidden))
    # names, facts and rules text are shown as they are, with nothing a terminal would obey
    return "\n".join(for_terminal(line) for line in lines)


# a group value is labelled by its expression as the English keyword set prints it; these are
# the words such a label can hold, in the Chinese keyword set
_GROUP_WORDS_ZH = (
    ("group lowest ", "组内最低 "),
    ("group mean ", "组内平均 "),
    ("peer mean ", "其他单位平均 "),
    ("best ", "组内最高 "),
    (" weighted by ", " 按 "),
    (" where ", " 其中 "),
    (": unit", ":单位"),
)


def _group_label_zh(label: str) -> str:
    weighted = " weighted by " in label
    for english, chinese in _GROUP_WORDS_ZH:
        label = label.replace(english, chinese)
    return f"{label} 加权" if weighted else label


_MODES_ZH = {"half-up": "四舍五入", "half-even": "银行家舍入", "down": "去尾", "up": "进一"}


def _total_text(v: dict[str, Any], lang: str) -> str:
    """How the total came about: its formula, or the sum of its parts; and its rounding."""
    rnd = v["rounding"]
    if lang == "zh":
        text = v["text"] if v["parts"] is None else "、".join(v["parts"]) + " 之和"
        if rnd is not None:
            text += f"(舍入 {rnd['places']} 位 {_MODES_ZH.get(rnd['mode'], rnd['mode'])})"
        return text
    text = v["text"] if v["parts"] is None else "the sum of " + ", ".join(v["parts"])
    if rnd is not None:
        text += f" (rounded to {rnd['places']} places {rnd['mode']})"
    return text


def _short(value: Any, words: dict[str, str]) -> str:
    if value is True:
        return words["yes"]
    if value is False:
        return words["no"]
    if value is None:
        return "null"
    if isinstance(value, list):
        return f"[{len(value)} {words['records']}]"
    return str(value)
