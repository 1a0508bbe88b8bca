"""Where every point came from, as text or JSON: `explain_data` (in `explain_tree`) builds a
unit's value tree with the rules, inputs, bounds and grading lines behind each value; this module
prints it in the English or the Chinese keyword set."""

from __future__ import annotations

import json
from typing import Any

from kaoping.explain_tree import _depth, explain_data
from kaoping.io.results import fmt_shown
from kaoping.io.text import for_terminal
from kaoping.scoring import Results, UnitResult

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
